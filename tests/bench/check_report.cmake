# bench_smoke (tests/bench.cmake): runs seccoord-bench briefly and checks that
# it ran to the end and that its JSON report is complete. Asserts no timing.
#
#   cmake -DBENCH=path/to/seccoord-bench -DREPORT=out.json -P check_report.cmake
#
# With SECCOORD_TEST_PG_URL set, the PostgreSQL cases are run and required too.
# Policy, assessment and asset cases are checked: every case present, calls >
# 0, no failed call; the five child processes measured and exited 0.
cmake_minimum_required(VERSION 3.25)
if(NOT BENCH OR NOT REPORT)
  message(FATAL_ERROR "usage: cmake -DBENCH=... -DREPORT=... -P check_report.cmake")
endif()

file(REMOVE ${REPORT})
# --national_orgs 30 and --asset_inventory 200: small large-scale databases,
# so the test stays short on two cores.
set(args --seconds 0.3 --warmup 0 --threads 2 --child_seconds 0.3 --national_orgs 30
    --asset_inventory 200 --json ${REPORT})
set(drivers sqlite)
if(NOT "$ENV{SECCOORD_TEST_PG_URL}" STREQUAL "")
  list(APPEND args --pg "$ENV{SECCOORD_TEST_PG_URL}")
  list(APPEND drivers postgres)
endif()

execute_process(COMMAND ${BENCH} ${args} RESULT_VARIABLE rc TIMEOUT 280)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "seccoord-bench did not run to the end (exit: ${rc})")
endif()
if(NOT EXISTS ${REPORT})
  message(FATAL_ERROR "seccoord-bench wrote no report at ${REPORT}")
endif()
file(READ ${REPORT} report)

# Every case is present, made calls, and none of them failed. Every read
# comes with the echo it was measured in rounds with (echo.<read>), a write
# with the echo measured before it.
set(expected echo_twin echo.echo_twin echo.acknowledge echo.submit_assessment)
foreach(driver ${drivers})
  foreach(kind get_revision list_documents)
    list(APPEND expected ${driver}.${kind} echo.${driver}.${kind})
  endforeach()
  # The durable writes on every driver.
  list(APPEND expected ${driver}.acknowledge ${driver}.submit_assessment)
endforeach()
# The status reads (SQLite) on the 40-item and the 4-item databases.
foreach(kind organization_status federation_status)
  foreach(read sqlite.${kind} sqlite.${kind}_4_items)
    list(APPEND expected ${read} echo.${read})
  endforeach()
endforeach()
# The asset cases' echoes (the cases themselves run in the assetd children).
foreach(inventory assetd_20 assetd_large)
  foreach(kind findings_summary export_page)
    list(APPEND expected echo.${inventory}.${kind})
  endforeach()
endforeach()

# Reads a JSON member; a parse error or a missing member fails the test.
macro(json_get out)
  string(JSON ${out} ERROR_VARIABLE json_error GET "${report}" ${ARGN})
  if(json_error)
    message(FATAL_ERROR "report ${REPORT}: ${json_error}")
  endif()
endmacro()

function(check_cases path_prefix required)
  string(JSON n ERROR_VARIABLE json_error LENGTH "${report}" ${path_prefix})
  if(json_error)
    message(FATAL_ERROR "report ${REPORT}: ${json_error}")
  endif()
  set(seen)
  if(n GREATER 0)
    math(EXPR last "${n} - 1")
    foreach(i RANGE ${last})
      json_get(id ${path_prefix} ${i} id)
      json_get(calls ${path_prefix} ${i} calls)
      json_get(errors ${path_prefix} ${i} errors)
      json_get(first_error ${path_prefix} ${i} first_error)
      json_get(cps ${path_prefix} ${i} calls_per_second)
      json_get(p50 ${path_prefix} ${i} p50_ms)
      json_get(p99 ${path_prefix} ${i} p99_ms)
      json_get(ratio ${path_prefix} ${i} ratio_to_echo)
      json_get(kind ${path_prefix} ${i} kind)
      json_get(rounds ${path_prefix} ${i} rounds)
      # The in-process reads ran in rounds against their echo.
      if(path_prefix STREQUAL "cases" AND kind STREQUAL "read" AND NOT rounds GREATER 0)
        message(FATAL_ERROR "case ${id}: a read not measured in rounds against its echo")
      endif()
      # A case whose server runs in this process has its CPU and context
      # switches per call (null, read as "", for a server run as a child).
      json_get(cpu ${path_prefix} ${i} cpu_us_per_call)
      json_get(switches ${path_prefix} ${i} context_switches_per_call)
      if(NOT cpu STREQUAL "" AND NOT cpu STREQUAL "null" AND NOT switches GREATER 0)
        message(FATAL_ERROR "case ${id}: CPU per call (${cpu} us) without context switches "
                            "per call (${switches})")
      endif()
      if(NOT calls GREATER 0)
        message(FATAL_ERROR "case ${id}: no call was made")
      endif()
      if(NOT errors EQUAL 0)
        message(FATAL_ERROR "case ${id}: ${errors} calls failed; first: ${first_error}")
      endif()
      list(APPEND seen ${id})
    endforeach()
  endif()
  foreach(id ${required})
    if(NOT id IN_LIST seen)
      message(FATAL_ERROR "report ${REPORT}: case ${id} missing (cases: ${seen})")
    endif()
  endforeach()
endfunction()

check_cases(cases "${expected}")
check_cases("policyd;cases" "policyd.get_revision;policyd.list_documents;policyd.acknowledge")

json_get(process_hwm bench_process vm_hwm_kib)
if(NOT process_hwm GREATER 0)
  message(FATAL_ERROR "resident memory of seccoord-bench missing from the report")
endif()

# A server measured as a child process: it reached SERVING, its memory was
# read, and it exited 0 on SIGTERM.
function(check_child key binary)
  json_get(ran ${key} ran)
  json_get(child_error ${key} error)
  json_get(serving_ms ${key} serving_ms)
  json_get(child_hwm ${key} vm_hwm_kib)
  json_get(exit_code ${key} exit_code)
  json_get(exit_text ${key} exit)
  if(NOT ran OR NOT child_error STREQUAL "")
    message(FATAL_ERROR "${binary} (${key}) was not measured: ${child_error}")
  endif()
  if(serving_ms STREQUAL "null" OR serving_ms LESS 0)
    message(FATAL_ERROR "${key}: no time to SERVING in the report")
  endif()
  if(NOT child_hwm GREATER 0)
    message(FATAL_ERROR "${key}: resident memory missing from the report")
  endif()
  if(NOT exit_code EQUAL 0)
    message(FATAL_ERROR "${binary} (${key}) on SIGTERM: ${exit_text} (exit 0 expected)")
  endif()
endfunction()

check_child(policyd seccoord-policyd)
check_cases("assessmentd_empty;cases"
  "assessmentd_empty.organization_status;assessmentd_empty.federation_status")
check_child(assessmentd_empty seccoord-assessmentd)
check_cases("assessmentd_national;cases"
  "assessmentd_national.organization_status;assessmentd_national.federation_status")
check_child(assessmentd_national seccoord-assessmentd)
check_child(assessmentd_national_after_kill seccoord-assessmentd)

foreach(inventory 20 large)
  check_cases("assetd_${inventory};cases"
    "assetd_${inventory}.findings_summary;assetd_${inventory}.export_page")
  check_child(assetd_${inventory} seccoord-assetd)
endforeach()
json_get(asset_rows asset whole_export rows)
if(NOT asset_rows EQUAL 200)
  message(FATAL_ERROR "the whole export of the large inventory gave ${asset_rows} rows, not 200")
endif()

json_get(orgs assessment national_orgs)
json_get(answers assessment answers)
if(NOT orgs EQUAL 30 OR NOT answers GREATER 0)
  message(FATAL_ERROR "the national database was not seeded as asked (${orgs} organisations, "
                      "${answers} answers)")
endif()
message(STATUS "bench report complete: ${REPORT}")
