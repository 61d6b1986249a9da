# Fails unless the cases of cli_test.py (--list) equal those listed in
# tests/cli/CMakeLists.txt, so no case is silently left out of ctest.
execute_process(COMMAND ${PYTHON} ${SCRIPT} --list OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cli_test.py --list failed (${rc})")
endif()
string(STRIP "${out}" out)
string(REPLACE "\n" ";" cases "${out}")
list(SORT cases)
set(listed ${LISTED})
list(SORT listed)
if(NOT cases STREQUAL listed)
  message(FATAL_ERROR "cases in cli_test.py: ${cases}\ncases in tests/cli/CMakeLists.txt: ${listed}")
endif()
