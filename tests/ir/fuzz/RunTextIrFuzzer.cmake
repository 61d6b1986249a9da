# Runs the text IR fuzzer for SECONDS from the graphs in SEEDS (tests/ir/graphs)
# with the TextIr.dict dictionary. Fails if the fuzzer reports a crash or a
# round-trip mismatch.
file(REMOVE_RECURSE ${WORK}/corpus)
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
execute_process(COMMAND ${FUZZER} -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 -max_len=8192
                        -print_final_stats=1 -dict=${DICT} -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus ${SEEDS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" runs "${err}")
message(STATUS "${runs}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the fuzzer found a problem (exit ${rc}):\n${err}")
endif()
message(STATUS "no crash, every parsed input round-trips")
