// cxjf: version of the library. These macros are the single source of truth:
// CMake reads them to version the package, the Python module and the C ABI.
#pragma once

#define CXJF_VERSION_MAJOR 0
#define CXJF_VERSION_MINOR 1
#define CXJF_VERSION_PATCH 0

/// The C ABI's version; raised only when a binary-incompatible change is made.
#define CXJF_ABI_VERSION 1

#define CXJF_VERSION_STRING_(a, b, c) #a "." #b "." #c
#define CXJF_VERSION_STRING_X_(a, b, c) CXJF_VERSION_STRING_(a, b, c)
/// The library's version as text, e.g. "0.1.0".
#define CXJF_VERSION_STRING \
  CXJF_VERSION_STRING_X_(CXJF_VERSION_MAJOR, CXJF_VERSION_MINOR, CXJF_VERSION_PATCH)

namespace cxjf {
/// The version of the headers in use, e.g. "0.1.0".
inline constexpr const char* version = CXJF_VERSION_STRING;
}  // namespace cxjf
