# Runs the exercise tests linked against the workspace stubs and fails unless
# every test case fails, each with the stub's "not implemented yet" hint.
# Usage: cmake -D PROGRAM=<test program> -P expect_stubs_fail.cmake
execute_process(COMMAND ${PROGRAM} --list-test-names-only OUTPUT_VARIABLE names)
string(REGEX MATCHALL "[^\n]+" names "${names}")
list(LENGTH names expected)
execute_process(COMMAND ${PROGRAM} OUTPUT_VARIABLE output ERROR_VARIABLE output)
string(REGEX MATCHALL "not implemented yet: see chapter" hints "${output}")
list(LENGTH hints hinted)
if(NOT output MATCHES "test cases: *([0-9]+) \\| *([0-9]+) failed")
  message(FATAL_ERROR "the stubs passed some exercise tests; every one must fail:\n${output}")
endif()
if(NOT CMAKE_MATCH_1 EQUAL expected OR NOT CMAKE_MATCH_2 EQUAL expected OR hinted LESS expected)
  message(FATAL_ERROR "${expected} exercise tests, ${CMAKE_MATCH_2} failed against the stubs, "
                      "${hinted} with the hint; expected all ${expected} to fail with it:\n${output}")
endif()
message(STATUS "all ${expected} exercise tests fail against the stubs, each with its hint")
