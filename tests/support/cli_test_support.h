// Shared fixtures of the CLI unit tests (tests/unit/cli_*_test.cc): the
// layout checks of rendered text (lines, display columns), files of the
// source tree (test_files.h, included), and the binary path against fake
// services — RunCli with a config file whose profiles point at an
// in-process gRPC server that serves the test's fake services over mutual
// TLS with the development certificates (deploy/certs/make-dev-certs, made
// afresh in a temporary folder).
//
//   class AssetCliTest : public seccoord::testing::CliServerTest {
//    protected:
//     static void SetUpTestSuite() {
//       service_ = new FakeAssetService();
//       StartServer("cli_asset_test", "assetd", {service_}, [](int port) {
//         return "default_profile: union-staff\nprofiles:\n  union-staff: {asset: "
//                "127.0.0.1:" + std::to_string(port) + ", ca: certs/ca.crt, …}\n";
//       });
//     }
//     static void TearDownTestSuite() { StopServer(); delete service_; }
//   };
//   TEST_F(AssetCliTest, …) { Result r = Cli({"asset", "list"}); … }
//
// Thread-safety: one CliServerTest suite at a time per test binary (the
// server and its folder are static, started and stopped by gtest's thread);
// the fake services are called on the server's threads and guard their own
// state.
#ifndef SECCOORD_TESTS_SUPPORT_CLI_TEST_SUPPORT_H_
#define SECCOORD_TESTS_SUPPORT_CLI_TEST_SUPPORT_H_

#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/test_files.h"

namespace seccoord::testing {

// The non-empty lines of `text`.
std::vector<std::string> Lines(const std::string& text);

// The display column where `needle` starts in `line` (-1 if absent).
int ColumnOf(const std::string& line, const std::string& needle);

// A test suite that runs the seccoord binary's code (RunCli) against fake
// services on one TLS server.
class CliServerTest : public ::testing::Test {
 protected:
  // What one run of the CLI returned and printed.
  struct Result {
    int code;
    std::string out;
    std::string err;
  };

  // Makes the folder <tmp>/seccoord_<name>_<pid> with the development
  // certificates in certs/, starts a server on 127.0.0.1 (a free port) that
  // presents the certificate `server_cert` (policyd, assetd, assessmentd),
  // requires and verifies client certificates of the development CA if
  // presented, and serves `services`; then writes seccoord.yaml there with
  // the text `config(port)` (relative TLS paths resolve against the folder).
  static void StartServer(const std::string& name, const std::string& server_cert,
                          const std::vector<grpc::Service*>& services,
                          const std::function<std::string(int port)>& config);
  // Shuts the server down and removes the folder.
  static void StopServer();

  // Runs `seccoord --config <folder>/seccoord.yaml ARGS…` with an empty
  // environment.
  Result Cli(std::vector<std::string> args);

  // Writes `content` to <folder>/`name`; returns its path.
  std::string WriteTemp(const std::string& name, const std::string& content);

  static std::filesystem::path* dir_;
  static grpc::Server* server_;
};

}  // namespace seccoord::testing

#endif  // SECCOORD_TESTS_SUPPORT_CLI_TEST_SUPPORT_H_
