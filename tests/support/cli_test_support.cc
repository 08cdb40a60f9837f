#include "tests/support/cli_test_support.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/strings/str_split.h"
#include "clients/seccoord/command.h"
#include "common/text_width.h"

namespace seccoord::testing {

namespace fs = std::filesystem;
using cli::RunCli;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

int ColumnOf(const std::string& line, const std::string& needle) {
  const size_t at = line.find(needle);
  if (at == std::string::npos) return -1;
  return DisplayWidth(line.substr(0, at));
}

fs::path* CliServerTest::dir_ = nullptr;
grpc::Server* CliServerTest::server_ = nullptr;

void CliServerTest::StartServer(const std::string& name, const std::string& server_cert,
                                const std::vector<grpc::Service*>& services,
                                const std::function<std::string(int port)>& config) {
  dir_ = new fs::path(fs::temp_directory_path() /
                      ("seccoord_" + name + "_" + std::to_string(::getpid())));
  fs::create_directories(*dir_);
  const std::string command = SourceDir() + "/deploy/certs/make-dev-certs " +
                              (*dir_ / "certs").string() + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  grpc::SslServerCredentialsOptions tls(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = ReadFile((*dir_ / "certs" / "ca.crt").string());
  tls.pem_key_cert_pairs.push_back({ReadFile((*dir_ / "certs" / (server_cert + ".key")).string()),
                                    ReadFile((*dir_ / "certs" / (server_cert + ".crt")).string())});
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(tls), &port);
  for (grpc::Service* service : services) builder.RegisterService(service);
  server_ = builder.BuildAndStart().release();
  ASSERT_NE(server_, nullptr);
  ASSERT_GT(port, 0);
  std::ofstream(*dir_ / "seccoord.yaml") << config(port);
}

void CliServerTest::StopServer() {
  if (server_ != nullptr) server_->Shutdown();
  delete server_;
  server_ = nullptr;
  if (dir_ != nullptr) fs::remove_all(*dir_);
  delete dir_;
  dir_ = nullptr;
}

CliServerTest::Result CliServerTest::Cli(std::vector<std::string> args) {
  std::vector<std::string> all = {"seccoord", "--config", (*dir_ / "seccoord.yaml").string()};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const std::string& a : all) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int code = RunCli(static_cast<int>(argv.size()), argv.data(),
                          [](const char*) { return std::optional<std::string>(); }, out, err);
  return {code, out.str(), err.str()};
}

std::string CliServerTest::WriteTemp(const std::string& name, const std::string& content) {
  const fs::path path = *dir_ / name;
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

}  // namespace seccoord::testing
