# Benchmarks (tests/bench/): seccoord-bench, a closed-loop gRPC load generator
# whose figures are ratios to a bare echo service measured in the same run
# (DESIGN.md "Performance targets"; scripts/bench runs it). No test here
# asserts a timing: bench_smoke only checks that the benchmark runs to the end
# and writes a complete report.
if(TARGET seccoord_policy_service AND TARGET seccoord-policyd AND TARGET seccoord_dev_certs
   AND TARGET seccoord_assessment_service AND TARGET seccoord-assessmentd
   AND TARGET seccoord_asset_service AND TARGET seccoord-assetd)
  # The echo service's API. protobuf_generate names it from tests/ (its first
  # import dir): #include "bench/bench.grpc.pb.h".
  add_library(seccoord_bench_proto STATIC)
  target_sources(seccoord_bench_proto PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/bench/bench.proto)
  target_link_libraries(seccoord_bench_proto PUBLIC protobuf::libprotobuf gRPC::grpc++)
  target_include_directories(seccoord_bench_proto PUBLIC ${CMAKE_CURRENT_BINARY_DIR})
  protobuf_generate(TARGET seccoord_bench_proto LANGUAGE cpp
    IMPORT_DIRS ${CMAKE_SOURCE_DIR}
    PROTOC_OUT_DIR ${CMAKE_CURRENT_BINARY_DIR})
  protobuf_generate(TARGET seccoord_bench_proto LANGUAGE grpc
    GENERATE_EXTENSIONS .grpc.pb.h .grpc.pb.cc
    PLUGIN "protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>"
    IMPORT_DIRS ${CMAKE_SOURCE_DIR}
    PROTOC_OUT_DIR ${CMAKE_CURRENT_BINARY_DIR})

  # One binary: the shared harness, the case sets (one file per service) and
  # the main that runs them in order.
  add_executable(seccoord-bench
    ${CMAKE_CURRENT_SOURCE_DIR}/bench/bench_main.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/bench/bench_harness.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/bench/policy_cases.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/bench/assessment_cases.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/bench/asset_cases.cc)
  target_link_libraries(seccoord-bench PRIVATE
    seccoord_bench_proto seccoord_policy_service seccoord_assessment_service
    seccoord_asset_service seccoord_test_support seccoord_proto
    seccoord_proto_convert seccoord_runtime absl::flags absl::flags_parse absl::flags_usage
    absl::status absl::statusor absl::strings absl::str_format absl::time Threads::Threads)
  set_target_properties(seccoord-bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
  # Defaults when neither flags nor SECCOORD_SOURCE_DIR / SECCOORD_CERT_DIR say.
  target_compile_definitions(seccoord-bench PRIVATE
    SECCOORD_BENCH_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    SECCOORD_BENCH_CERT_DIR="${CMAKE_BINARY_DIR}/certs")
  # It starts build/bin/seccoord-policyd, seccoord-assessmentd and
  # seccoord-assetd (time to SERVING, memory under load).
  add_dependencies(seccoord-bench seccoord_dev_certs seccoord-policyd seccoord-assessmentd
    seccoord-assetd)

  # Runs the whole benchmark very briefly (also on PostgreSQL when
  # SECCOORD_TEST_PG_URL is set) and checks the JSON report: every case
  # present with calls and no failed call, the policyd, assessmentd and
  # assetd children measured and exited 0 on SIGTERM. Never a timing.
  add_test(NAME bench_smoke
    COMMAND ${CMAKE_COMMAND}
      -DBENCH=$<TARGET_FILE:seccoord-bench>
      -DREPORT=${CMAKE_CURRENT_BINARY_DIR}/bench_smoke.json
      -P ${CMAKE_CURRENT_SOURCE_DIR}/bench/check_report.cmake)
  set_tests_properties(bench_smoke PROPERTIES LABELS bench TIMEOUT 300
    ENVIRONMENT "SECCOORD_SOURCE_DIR=${CMAKE_SOURCE_DIR};SECCOORD_BINARY_DIR=${CMAKE_BINARY_DIR};SECCOORD_CERT_DIR=${CMAKE_BINARY_DIR}/certs")
endif()
