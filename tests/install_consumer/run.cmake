# Installs the built project into a scratch prefix, then builds and runs the
# consumers against it as a user would:
# - with CMake, find_package(cxjf), where nlohmann/json and Boost (private to
#   the library) are made unfindable: the package must not ask for them;
# - with pkg-config and the C compiler alone (cxjf_c.pc), the rpath from the
#   documented -Wl,-rpath line.
# Every program runs with LD_LIBRARY_PATH unset: the C ABI is found by rpath.
file(REMOVE_RECURSE ${WORK_DIR})
unset(ENV{LD_LIBRARY_PATH})
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

run("install" ${CMAKE_COMMAND} --install ${CXJF_BINARY_DIR} --prefix ${WORK_DIR}/prefix)
foreach(file share/licenses/cxjf/LICENSE include/cxjf.h)
  if(NOT EXISTS ${WORK_DIR}/prefix/${file})
    message(FATAL_ERROR "the install lacks ${file}")
  endif()
endforeach()

run("configuring the consumer" ${CMAKE_COMMAND} -S ${CONSUMER_SOURCE_DIR} -B ${WORK_DIR}/build -G Ninja
  -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DEXAMPLE_DIR=${EXAMPLE_DIR}
  -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=TRUE -DCMAKE_DISABLE_FIND_PACKAGE_Boost=TRUE)
run("building the consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run("the C++ consumer" ${WORK_DIR}/build/consumer)
run("the C example built with CMake" ${WORK_DIR}/build/c_service)
if(NOT out MATCHES "estimation record:.*done")
  message(FATAL_ERROR "the C example built with CMake did not finish:\n${out}")
endif()

# pkg-config, as bindings/c/README.md shows it.
file(GLOB_RECURSE pc ${WORK_DIR}/prefix/*/cxjf_c.pc)
if(NOT pc)
  message(FATAL_ERROR "the install lacks cxjf_c.pc")
endif()
get_filename_component(pc_dir ${pc} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
run("pkg-config" pkg-config --cflags --libs cxjf_c)
separate_arguments(flags UNIX_COMMAND "${out}")
run("pkg-config libdir" pkg-config --variable=libdir cxjf_c)
string(STRIP "${out}" libdir)
run("compiling the C example with pkg-config" cc -std=c99 -o ${WORK_DIR}/c_service_pc ${EXAMPLE_DIR}/c_service.c
  ${flags} -Wl,-rpath,${libdir})
run("the C example built with pkg-config" ${WORK_DIR}/c_service_pc)
if(NOT out MATCHES "estimation record:.*done")
  message(FATAL_ERROR "the C example built with pkg-config did not finish:\n${out}")
endif()
