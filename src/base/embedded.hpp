// Data files compiled into the library (see cmake/Embed.cmake).
#pragma once

#include <string_view>

namespace cxjf::embedded {
std::string_view regions_csv();        // data/regions.csv
std::string_view zones_csv();          // data/zones.csv
std::string_view model_torch_2022();   // models/torch-2022.json
std::string_view model_torch_2025_trial();  // models/torch-2025-trial.json
}  // namespace cxjf::embedded
