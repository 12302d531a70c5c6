include(CTest)
include(GoogleTest)

# bw_add_test(NAME SOURCES a.cc b.cc LIBS bw_x bw_y [LABELS l] [TIMEOUT s])
# One GoogleTest executable; each test case becomes a CTest test so they run in parallel.
function(bw_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  # The tests find the tree, the build and the binary through these variables. They are passed
  # through `env` as the test's launcher because gtest_discover_tests (CMake 3.25) splits a
  # multi-variable ENVIRONMENT property into separate arguments and keeps only the first.
  set_target_properties(${name} PROPERTIES CROSSCOMPILING_EMULATOR
    "/usr/bin/env;BW_SOURCE_DIR=${PROJECT_SOURCE_DIR};BW_BINARY_DIR=${PROJECT_BINARY_DIR};BRIDGEWORK=${PROJECT_BINARY_DIR}/cli/bridgework")
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS ${T_LABELS})
endfunction()

# bw_add_python_test(NAME SCRIPT_DIR) runs `python3 -m unittest discover` in a folder.
function(bw_add_python_test name dir)
  add_test(NAME ${name}
           COMMAND ${Python3_EXECUTABLE} -m unittest discover -s ${dir} -p "test_*.py" -v)
  set_tests_properties(${name} PROPERTIES TIMEOUT 600
    ENVIRONMENT "BW_SOURCE_DIR=${PROJECT_SOURCE_DIR};BRIDGEWORK=$<TARGET_FILE:bridgework>")
endfunction()
