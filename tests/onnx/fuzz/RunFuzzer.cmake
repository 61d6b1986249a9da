# Runs the ONNX fuzzer for SECONDS over seeds copied from the ONNX node test
# suite (every model.onnx) and from REGRESSIONS (inputs that once crashed the
# frontend, kept so they are run first every time). Fails if the fuzzer reports
# a crash.
execute_process(COMMAND ${PYTHON} -c "import onnx, os; print(os.path.join(os.path.dirname(onnx.__file__), 'backend', 'test', 'data', 'node'))"
                OUTPUT_VARIABLE node_dir OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT IS_DIRECTORY "${node_dir}")
  message(FATAL_ERROR "cannot find the ONNX node test suite via ${PYTHON}")
endif()
# A fixed seed by default, so a CI run repeats the search that was run before
# landing; pass -DSEED=0 for a fresh random search.
# With a fixed seed and a fixed number of runs the search is the same on every
# machine (SECONDS only caps a slow one).
if(NOT DEFINED SEED)
  set(SEED 1)
endif()
if(NOT DEFINED RUNS)
  set(RUNS 1000000)
endif()
file(REMOVE_RECURSE ${WORK}/seeds ${WORK}/corpus)
file(MAKE_DIRECTORY ${WORK}/seeds ${WORK}/corpus ${WORK}/artifacts)
file(GLOB models ${node_dir}/*/model.onnx)
foreach(m IN LISTS models)
  get_filename_component(d ${m} DIRECTORY)
  get_filename_component(n ${d} NAME)
  configure_file(${m} ${WORK}/seeds/${n}.onnx COPYONLY)
endforeach()
file(GLOB regressions ${REGRESSIONS}/*)
foreach(r IN LISTS regressions)
  get_filename_component(n ${r} NAME)
  configure_file(${r} ${WORK}/seeds/regression-${n} COPYONLY)
endforeach()
list(LENGTH models count)
message(STATUS "fuzzing the ONNX frontend for ${SECONDS} s from ${count} seed models")
execute_process(COMMAND ${FUZZER} -runs=${RUNS} -max_total_time=${SECONDS} -seed=${SEED} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
                        -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus ${WORK}/seeds
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" runs "${err}")
message(STATUS "${runs}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the fuzzer found a problem (exit ${rc}):\n${err}")
endif()
message(STATUS "no crash")
