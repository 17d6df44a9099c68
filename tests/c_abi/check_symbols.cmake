# Checks the dynamic symbol table of libcxjf_c.so: every defined symbol is a
# function cxjf.h declares, every function cxjf.h declares is exported, and
# the SONAME carries the ABI version. Run by ctest (test c_abi_symbols) with
# -DLIBRARY= -DHEADER= -DNM= -DREADELF= -DSONAME=.
foreach(_var LIBRARY HEADER NM SONAME)
  if(NOT ${_var})
    message(FATAL_ERROR "check_symbols.cmake: pass -D${_var}=...")
  endif()
endforeach()

execute_process(COMMAND ${NM} -D --defined-only ${LIBRARY}
  OUTPUT_VARIABLE _nm RESULT_VARIABLE _rc ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${NM} -D --defined-only ${LIBRARY} failed: ${_err}")
endif()

# Lines look like "0000000000035590 T cxjf_abi_version".
string(REPLACE "\n" ";" _lines "${_nm}")
set(_exported)
set(_foreign)
foreach(_line IN LISTS _lines)
  if(_line MATCHES "^[0-9a-fA-F]* *[A-Za-z] (.+)$")
    set(_name "${CMAKE_MATCH_1}")
    if(_name MATCHES "^cxjf_")
      list(APPEND _exported "${_name}")
    else()
      list(APPEND _foreign "${_name}")
    endif()
  endif()
endforeach()
if(_foreign)
  list(LENGTH _foreign _n)
  list(JOIN _foreign "\n  " _text)
  message(FATAL_ERROR "${LIBRARY} exports ${_n} symbols that are not cxjf_*:\n  ${_text}")
endif()

# The functions cxjf.h declares: "CXJF_API <type> cxjf_name(".
file(READ ${HEADER} _header)
string(REGEX MATCHALL "CXJF_API[^;(]*[ *](cxjf_[a-z0-9_]+)\\(" _declarations "${_header}")
set(_declared)
foreach(_d IN LISTS _declarations)
  string(REGEX MATCH "cxjf_[a-z0-9_]+\\($" _name "${_d}")
  string(REPLACE "(" "" _name "${_name}")
  list(APPEND _declared "${_name}")
endforeach()

set(_missing ${_declared})
list(REMOVE_ITEM _missing ${_exported})
set(_undeclared ${_exported})
list(REMOVE_ITEM _undeclared ${_declared})
if(_missing)
  message(FATAL_ERROR "declared in cxjf.h but not exported: ${_missing}")
endif()
if(_undeclared)
  message(FATAL_ERROR "exported but not declared in cxjf.h: ${_undeclared}")
endif()

if(READELF)
  execute_process(COMMAND ${READELF} -d ${LIBRARY} OUTPUT_VARIABLE _dynamic)
  if(NOT _dynamic MATCHES "\\(SONAME\\)[^\n]*\\[${SONAME}\\]")
    message(FATAL_ERROR "the SONAME of ${LIBRARY} is not ${SONAME}")
  endif()
endif()

list(LENGTH _exported _n)
message(STATUS "${LIBRARY}: exports exactly the ${_n} functions of cxjf.h, SONAME ${SONAME}")
