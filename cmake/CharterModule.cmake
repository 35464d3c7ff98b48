# charter_module(<name> [DEPS <targets>...] [TEST_DEPS <targets>...])
#
# Builds src/<name>/*.cc (except *_test.cc) into the static library charter_<name>, and every
# src/<name>/*_test.cc into one test binary <name>_test registered with ctest. Includes are
# rooted at src/, so code writes #include "core/result.h". In a unity build (cmake/Unity.cmake)
# both targets are compiled in batches.
function(charter_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  if(tests)
    list(REMOVE_ITEM sources ${tests})
  endif()
  add_library(charter_${name} STATIC ${sources})
  target_include_directories(charter_${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(charter_${name} PUBLIC ${ARG_DEPS})
  target_compile_definitions(charter_${name} PRIVATE CHARTER_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  charter_unity(charter_${name})
  if(tests)
    add_executable(${name}_test ${tests})
    target_link_libraries(${name}_test PRIVATE charter_${name} ${ARG_TEST_DEPS} GTest::gtest
                          GTest::gtest_main GTest::gmock)
    target_compile_definitions(${name}_test PRIVATE CHARTER_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
    charter_unity(${name}_test)
    gtest_discover_tests(${name}_test DISCOVERY_TIMEOUT 60
                         PROPERTIES ENVIRONMENT "CHARTER_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
  endif()
endfunction()
