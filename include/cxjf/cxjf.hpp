// cxjf: the umbrella header. Include this to get the whole C++ API.
#pragma once

#include "cxjf/version.hpp"
#include "cxjf/error.hpp"
#include "cxjf/model.hpp"
#include "cxjf/dictionary.hpp"
#include "cxjf/credit_code.hpp"
#include "cxjf/regions.hpp"
#include "cxjf/table.hpp"
#include "cxjf/csv.hpp"
#include "cxjf/generate.hpp"
#include "cxjf/reference.hpp"
#include "cxjf/scores.hpp"
#include "cxjf/snapshot.hpp"
#include "cxjf/principal.hpp"
#include "cxjf/upload.hpp"
#include "cxjf/estimate.hpp"
#include "cxjf/overview.hpp"
