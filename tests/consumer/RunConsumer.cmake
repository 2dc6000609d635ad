# Driver for the consumer tests registered in tests/CMakeLists.txt.
# Run as: cmake -DLEADSCORE_CONSUMER_MODE=<mode> -D... -P RunConsumer.cmake
#
# The three consumer projects build the same program, tests/consumer/main.cpp.
#
# Modes:
#   install           cmake --install the current build into a fresh prefix and
#                     check the expected files are there (fixture setup)
#   find_package      configure/build/run tests/consumer/find_package against the prefix
#   pkg_config        compile tests/consumer/main.cpp with the flags from
#                     `pkg-config --cflags --libs leadscore` and run it
#   add_subdirectory  configure/build/run tests/consumer/add_subdirectory on the source tree
cmake_minimum_required(VERSION 3.25)

set(consumer_dir "${CMAKE_CURRENT_LIST_DIR}")
set(prefix "${LEADSCORE_CONSUMER_PREFIX}")
set(work "${LEADSCORE_CONSUMER_WORK_DIR}")

function(run_checked what)
  message(STATUS "[consumer] ${what}: ${ARGN}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "[consumer] ${what} failed (${rc})\n--- stdout ---\n${out}\n--- stderr ---\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

function(configure_and_build source binary)
  if(DEFINED consumer_config_override)
    set(LEADSCORE_CONSUMER_CONFIG "${consumer_config_override}")
  endif()
  run_checked("configure ${source}"
    "${CMAKE_COMMAND}" ${ARGN}
      -S "${source}" -B "${binary}"
      -G "${LEADSCORE_CONSUMER_GENERATOR}"
      "-DCMAKE_CXX_COMPILER=${LEADSCORE_CONSUMER_CXX_COMPILER}"
      "-DCMAKE_CXX_FLAGS=${LEADSCORE_CONSUMER_CXX_FLAGS}"
      "-DCMAKE_EXE_LINKER_FLAGS=${LEADSCORE_CONSUMER_EXE_LINKER_FLAGS}"
      "-DBUILD_SHARED_LIBS=${LEADSCORE_CONSUMER_BUILD_SHARED_LIBS}"
      "-DCMAKE_BUILD_TYPE=${LEADSCORE_CONSUMER_CONFIG}")
  set(build_args)
  if(LEADSCORE_CONSUMER_CONFIG)
    list(APPEND build_args --config "${LEADSCORE_CONSUMER_CONFIG}")
  endif()
  run_checked("build ${binary}" "${CMAKE_COMMAND}" --build "${binary}" --parallel 2 ${build_args})
endfunction()

function(run_consumer program)
  run_checked("run ${program}" "${program}")
  message(STATUS "[consumer] output:\n${last_output}")
  string(FIND "${last_output}" "leadscore ${LEADSCORE_CONSUMER_EXPECTED_VERSION}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR
      "[consumer] expected 'leadscore ${LEADSCORE_CONSUMER_EXPECTED_VERSION}' in the output")
  endif()
endfunction()

if(LEADSCORE_CONSUMER_MODE STREQUAL "install")
  file(REMOVE_RECURSE "${prefix}")
  set(config_args)
  if(LEADSCORE_CONSUMER_CONFIG)
    list(APPEND config_args --config "${LEADSCORE_CONSUMER_CONFIG}")
  endif()
  run_checked("install" "${CMAKE_COMMAND}" --install "${LEADSCORE_BINARY_DIR}"
    --prefix "${prefix}" ${config_args})
  foreach(expected IN ITEMS
      "include/leadscore/version.hpp"
      "include/leadscore/export.hpp"
      "include/leadscore/config.hpp"
      "${LEADSCORE_CONSUMER_LIBDIR}/cmake/leadscore/leadscoreConfig.cmake"
      "${LEADSCORE_CONSUMER_LIBDIR}/cmake/leadscore/leadscoreConfigVersion.cmake"
      "${LEADSCORE_CONSUMER_LIBDIR}/cmake/leadscore/leadscoreTargets.cmake"
      "${LEADSCORE_CONSUMER_LIBDIR}/pkgconfig/leadscore.pc")
    if(NOT EXISTS "${prefix}/${expected}")
      message(FATAL_ERROR "[consumer] install is missing ${prefix}/${expected}")
    endif()
  endforeach()
  file(GLOB libs "${prefix}/${LEADSCORE_CONSUMER_LIBDIR}/libleadscore.*")
  if(NOT libs)
    message(FATAL_ERROR "[consumer] install is missing ${prefix}/${LEADSCORE_CONSUMER_LIBDIR}/libleadscore.*")
  endif()
  message(STATUS "[consumer] installed into ${prefix}")

elseif(LEADSCORE_CONSUMER_MODE STREQUAL "find_package")
  set(binary "${work}/find_package")
  file(REMOVE_RECURSE "${binary}")
  # Only the fresh prefix may satisfy find_package(leadscore).
  configure_and_build("${consumer_dir}/find_package" "${binary}"
    "-DCMAKE_PREFIX_PATH=${prefix}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
    "-Dleadscore_DIR=${prefix}/${LEADSCORE_CONSUMER_LIBDIR}/cmake/leadscore")
  run_consumer("${binary}/bin/consumer")

elseif(LEADSCORE_CONSUMER_MODE STREQUAL "pkg_config")
  set(binary "${work}/pkg_config")
  file(REMOVE_RECURSE "${binary}")
  file(MAKE_DIRECTORY "${binary}")
  set(ENV{PKG_CONFIG_PATH} "${prefix}/${LEADSCORE_CONSUMER_LIBDIR}/pkgconfig")
  run_checked("pkg-config" "${LEADSCORE_PKG_CONFIG_EXECUTABLE}" --cflags --libs leadscore)
  string(STRIP "${last_output}" pc_flags)
  message(STATUS "[consumer] pkg-config --cflags --libs leadscore: ${pc_flags}")
  separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
  separate_arguments(extra_flags UNIX_COMMAND
    "${LEADSCORE_CONSUMER_CXX_FLAGS} ${LEADSCORE_CONSUMER_EXE_LINKER_FLAGS}")
  if(LEADSCORE_CONSUMER_BUILD_SHARED_LIBS)
    list(APPEND extra_flags "-Wl,-rpath,${prefix}/${LEADSCORE_CONSUMER_LIBDIR}")
  endif()
  run_checked("compile"
    "${LEADSCORE_CONSUMER_CXX_COMPILER}" -std=c++20 ${extra_flags}
      "${consumer_dir}/main.cpp" ${pc_flags}
      -o "${binary}/consumer")
  run_consumer("${binary}/consumer")

elseif(LEADSCORE_CONSUMER_MODE STREQUAL "add_subdirectory")
  # The library is compiled once more here: incremental between runs, and with
  # no build type (no optimization, no debug info) to keep it quick.
  set(consumer_config_override "")
  configure_and_build("${consumer_dir}/add_subdirectory" "${work}/add_subdirectory"
    "-DLEADSCORE_SOURCE_DIR=${LEADSCORE_SOURCE_DIR}")
  run_consumer("${work}/add_subdirectory/bin/consumer")

else()
  message(FATAL_ERROR "unknown LEADSCORE_CONSUMER_MODE '${LEADSCORE_CONSUMER_MODE}'")
endif()
