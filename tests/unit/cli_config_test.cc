// The CLI's config file and profile resolution (clients/seccoord/cli_config.h)
// and how the binary reports configuration and usage errors (RunCli).
#include "clients/seccoord/cli_config.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/seccoord/channel.h"
#include "clients/seccoord/command.h"

namespace seccoord::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

constexpr char kConfig[] = R"(
default_profile: union-staff
profiles:
  union-staff: {policy: 127.0.0.1:7401, asset: 127.0.0.1:7402, assessment: 127.0.0.1:7403, ca: certs/ca.crt, cert: certs/staff1.crt, key: /abs/staff1.key}
  mito-member:
    policy: 127.0.0.1:7401
    ca: /abs/ca.crt
    cert: ../mito.crt
    key: ~/keys/mito.key
  anonymous:   {policy: 127.0.0.1:7401, ca: /abs/ca.crt}   # no cert/key
)";

TEST(CliConfigTest, ParsesProfilesAndResolvesRelativePaths) {
  auto config = ParseCliConfig(kConfig, "/etc/seccoord", FakeEnv({{"HOME", "/home/u"}}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->default_profile, "union-staff");
  ASSERT_EQ(config->profiles.size(), 3u);

  const Profile& staff = config->profiles.at("union-staff");
  EXPECT_EQ(staff.name, "union-staff");
  EXPECT_EQ(staff.policy, "127.0.0.1:7401");
  EXPECT_EQ(staff.asset, "127.0.0.1:7402");
  EXPECT_EQ(staff.assessment, "127.0.0.1:7403");
  EXPECT_EQ(staff.ca, "/etc/seccoord/certs/ca.crt");       // relative → config folder
  EXPECT_EQ(staff.cert, "/etc/seccoord/certs/staff1.crt");
  EXPECT_EQ(staff.key, "/abs/staff1.key");                 // absolute unchanged
  EXPECT_FALSE(staff.anonymous());

  const Profile& mito = config->profiles.at("mito-member");
  EXPECT_EQ(mito.cert, "/etc/mito.crt");                   // ../ normalised
  EXPECT_EQ(mito.key, "/home/u/keys/mito.key");            // ~/ → $HOME

  const Profile& anonymous = config->profiles.at("anonymous");
  EXPECT_TRUE(anonymous.anonymous());
  EXPECT_TRUE(anonymous.cert.empty());
  EXPECT_TRUE(anonymous.key.empty());
}

TEST(CliConfigTest, AddressOfAServiceTheProfileLacksIsAClearError) {
  auto config = ParseCliConfig(kConfig, "/etc/seccoord", FakeEnv({}));
  ASSERT_TRUE(config.ok()) << config.status();
  const Profile& anonymous = config->profiles.at("anonymous");
  EXPECT_EQ(*anonymous.Address(ServiceKind::kPolicy), "127.0.0.1:7401");
  auto asset = anonymous.Address(ServiceKind::kAsset);
  ASSERT_FALSE(asset.ok());
  EXPECT_EQ(asset.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(asset.status().message()), HasSubstr("'anonymous'"));
  EXPECT_THAT(std::string(asset.status().message()), HasSubstr("asset"));
}

TEST(CliConfigTest, ProfileFlagBeatsEnvironmentBeatsDefault) {
  auto config = ParseCliConfig(kConfig, "/etc/seccoord", FakeEnv({}));
  ASSERT_TRUE(config.ok());
  // Only the default.
  EXPECT_EQ(ResolveProfile(*config, "", FakeEnv({}))->name, "union-staff");
  // SECCOORD_PROFILE beats default_profile.
  EXPECT_EQ(ResolveProfile(*config, "", FakeEnv({{"SECCOORD_PROFILE", "anonymous"}}))->name,
            "anonymous");
  // --profile beats SECCOORD_PROFILE.
  EXPECT_EQ(
      ResolveProfile(*config, "mito-member", FakeEnv({{"SECCOORD_PROFILE", "anonymous"}}))->name,
      "mito-member");
}

TEST(CliConfigTest, MissingProfileNamesItAndTheAvailableOnes) {
  auto config = ParseCliConfig(kConfig, "/etc/seccoord", FakeEnv({}));
  ASSERT_TRUE(config.ok());
  config->path = "/etc/seccoord/config.yaml";
  auto missing = ResolveProfile(*config, "kasama-advisor", FakeEnv({}));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  const std::string message(missing.status().message());
  EXPECT_THAT(message, HasSubstr("'kasama-advisor'"));
  EXPECT_THAT(message, HasSubstr("--profile"));
  EXPECT_THAT(message, HasSubstr("/etc/seccoord/config.yaml"));
  EXPECT_THAT(message, HasSubstr("anonymous, mito-member, union-staff"));

  auto from_env = ResolveProfile(*config, "", FakeEnv({{"SECCOORD_PROFILE", "nobody"}}));
  ASSERT_FALSE(from_env.ok());
  EXPECT_THAT(std::string(from_env.status().message()), HasSubstr("SECCOORD_PROFILE"));
}

TEST(CliConfigTest, NoProfileSelectedAtAll) {
  auto config = ParseCliConfig("profiles: {a: {policy: 'h:1', ca: /ca}}", "", FakeEnv({}));
  ASSERT_TRUE(config.ok()) << config.status();
  auto none = ResolveProfile(*config, "", FakeEnv({}));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(none.status().message()), HasSubstr("no profile selected"));
}

TEST(CliConfigTest, ConfigPathFlagBeatsEnvironmentBeatsHome) {
  const auto env = FakeEnv({{"HOME", "/home/u"}, {"SECCOORD_CONFIG", "/srv/seccoord.yaml"}});
  EXPECT_EQ(*ResolveConfigPath("/tmp/x.yaml", env), "/tmp/x.yaml");
  EXPECT_EQ(*ResolveConfigPath("", env), "/srv/seccoord.yaml");
  EXPECT_EQ(*ResolveConfigPath("", FakeEnv({{"HOME", "/home/u"}})),
            "/home/u/.config/seccoord/config.yaml");
  auto none = ResolveConfigPath("", FakeEnv({}));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(CliConfigTest, InvalidConfigsAreRefusedNamingWhatIsWrong) {
  struct Case {
    const char* yaml;
    const char* expected;
  };
  const Case cases[] = {
      {"profiles: [", "not valid YAML"},
      {"- a\n- b\n", "must be a YAML map"},
      {"default_profile: a\n", "no 'profiles'"},
      {"profiles: {a: {policy: 'h:1', ca: /ca, colour: blue}}", "unknown key 'colour'"},
      {"profile: {}", "unknown key 'profile'"},
      {"profiles: {a: {policy: 'h:1'}}", "'ca'"},
      {"profiles: {a: {policy: 'h:1', ca: /ca, cert: /c}}", "'cert' and 'key' go together"},
      {"profiles: {a: {policy: 'h:1', ca: /ca, key: /k}}", "'cert' and 'key' go together"},
      {"profiles: {a: {ca: /ca}}", "no service address"},
      {"profiles: {a: {policy: [1, 2], ca: /ca}}", "policy: must be a string"},
      {"default_profile: b\nprofiles: {a: {policy: 'h:1', ca: /ca}}",
       "default_profile 'b' is not one of the profiles"},
  };
  for (const Case& c : cases) {
    auto config = ParseCliConfig(c.yaml, "/etc", FakeEnv({}), "test.yaml");
    ASSERT_FALSE(config.ok()) << c.yaml;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << c.yaml;
    EXPECT_THAT(std::string(config.status().message()), HasSubstr(c.expected)) << c.yaml;
    EXPECT_THAT(std::string(config.status().message()), HasSubstr("test.yaml")) << c.yaml;
  }
}

class CliConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("seccoord_cli_config_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "certs");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const fs::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
  }

  fs::path dir_;
};

TEST_F(CliConfigFileTest, RelativePathsResolveAgainstTheConfigFilesFolder) {
  Write(dir_ / "seccoord.yaml",
        "default_profile: s\nprofiles:\n  s: {policy: 'localhost:1', ca: certs/ca.crt, "
        "cert: certs/s.crt, key: certs/s.key}\n");
  auto config = LoadCliConfig((dir_ / "seccoord.yaml").string(), FakeEnv({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->path, (dir_ / "seccoord.yaml").string());
  EXPECT_EQ(config->profiles.at("s").ca, (dir_ / "certs" / "ca.crt").string());
  EXPECT_EQ(config->profiles.at("s").key, (dir_ / "certs" / "s.key").string());
}

TEST_F(CliConfigFileTest, MissingFileIsNotFoundWithAHint) {
  auto config = LoadCliConfig((dir_ / "nope.yaml").string(), FakeEnv({}));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("nope.yaml"));
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("SECCOORD_CONFIG"));
}

TEST_F(CliConfigFileTest, TlsMaterialIsReadOrNamedWhenMissing) {
  Write(dir_ / "certs" / "ca.crt", "CA PEM");
  Write(dir_ / "certs" / "s.crt", "CERT PEM");
  Profile profile;
  profile.name = "s";
  profile.policy = "localhost:1";
  profile.ca = (dir_ / "certs" / "ca.crt").string();
  auto anonymous = LoadTlsMaterial(profile);
  ASSERT_TRUE(anonymous.ok()) << anonymous.status();
  EXPECT_EQ(anonymous->root_ca_pem, "CA PEM");
  EXPECT_TRUE(anonymous->cert_chain_pem.empty());
  EXPECT_TRUE(anonymous->private_key_pem.empty());

  profile.cert = (dir_ / "certs" / "s.crt").string();
  profile.key = (dir_ / "certs" / "s.key").string();  // not written
  auto missing = LoadTlsMaterial(profile);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("key"));
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("s.key"));
}

// The binary's handling of the environment, through RunCli.
struct RunResult {
  int code;
  std::string out;
  std::string err;
};

RunResult RunSeccoord(std::vector<const char*> args, const EnvLookup& env) {
  args.insert(args.begin(), "seccoord");
  std::ostringstream out, err;
  const int code = RunCli(static_cast<int>(args.size()), args.data(), env, out, err);
  return {code, out.str(), err.str()};
}

TEST_F(CliConfigFileTest, ConfigFromEnvironmentAndProfileErrorsExitWithConfigCode) {
  Write(dir_ / "seccoord.yaml",
        "default_profile: s\nprofiles:\n  s: {policy: '127.0.0.1:1', ca: certs/missing.crt}\n");
  const std::string path = (dir_ / "seccoord.yaml").string();

  // SECCOORD_CONFIG is read; the profile it names does not exist.
  RunResult r = RunSeccoord({"--profile", "ghost", "policy", "docs"},
                    FakeEnv({{"SECCOORD_CONFIG", path}}));
  EXPECT_EQ(r.code, kExitConfig);
  EXPECT_THAT(r.err, HasSubstr("error: NOT_FOUND: profile 'ghost' (from --profile)"));

  // The environment's profile is used, and its missing CA is a config error.
  r = RunSeccoord({"policy", "docs"}, FakeEnv({{"SECCOORD_CONFIG", path}}));
  EXPECT_EQ(r.code, kExitConfig);
  EXPECT_THAT(r.err, HasSubstr("error: FAILED_PRECONDITION: profile 's': ca: cannot read"));

  // --config beats SECCOORD_CONFIG.
  r = RunSeccoord({"--config", (dir_ / "other.yaml").string().c_str(), "policy", "docs"},
          FakeEnv({{"SECCOORD_CONFIG", path}}));
  EXPECT_EQ(r.code, kExitConfig);
  EXPECT_THAT(r.err, HasSubstr("other.yaml does not exist"));

  // No config anywhere: ~/.config/seccoord/config.yaml is named.
  r = RunSeccoord({"policy", "docs"}, FakeEnv({{"HOME", dir_.string()}}));
  EXPECT_EQ(r.code, kExitConfig);
  EXPECT_THAT(r.err, HasSubstr(".config/seccoord/config.yaml does not exist"));
}

TEST(CliRunTest, HelpNeedsNoConfigAndListsExitCodes) {
  RunResult r = RunSeccoord({"--help"}, FakeEnv({}));
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("policy"));
  EXPECT_THAT(r.out, HasSubstr("audit"));
  EXPECT_THAT(r.out, HasSubstr("Exit codes"));
  for (const char* command : {"show", "import", "publish", "diff", "watch", "verify"}) {
    r = RunSeccoord({"policy", command, "--help"}, FakeEnv({}));
    EXPECT_EQ(r.code, kExitOk) << command;
    EXPECT_THAT(r.out, HasSubstr(std::string("seccoord policy ") + command)) << command;
  }
  r = RunSeccoord({"audit", "verify", "--help"}, FakeEnv({}));
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("--service"));
}

TEST(CliRunTest, UsageErrorsExitWithUsageCode) {
  const auto env = FakeEnv({});
  RunResult r = RunSeccoord({}, env);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("error: INVALID_ARGUMENT: 'seccoord' needs a command"));

  r = RunSeccoord({"policy"}, env);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("'seccoord policy' needs a command: docs, list, show"));

  r = RunSeccoord({"policy", "show"}, env);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("DOC is required"));

  r = RunSeccoord({"policy", "submit", "basic-policy", "zwei"}, env);
  EXPECT_EQ(r.code, kExitUsage);

  r = RunSeccoord({"-o", "xml", "policy", "docs"}, env);
  EXPECT_EQ(r.code, kExitUsage);

  r = RunSeccoord({"policy", "show", "basic-policy", "--revision", "1", "--on", "2026-04-01"}, env);
  EXPECT_EQ(r.code, kExitUsage);

  // Argument values are checked before any config is read.
  r = RunSeccoord({"policy", "show", "basic-policy", "--on", "令和0年4月1日"}, env);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("error: INVALID_ARGUMENT: --on:"));
  r = RunSeccoord({"policy", "publish", "basic-policy", "2", "--effective", "2026-02-30"}, env);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("error: INVALID_ARGUMENT: --effective:"));

  // Global options are accepted after the subcommand too.
  r = RunSeccoord({"policy", "docs", "--timeout", "-1"}, env);
  EXPECT_EQ(r.code, kExitUsage);
}

}  // namespace
}  // namespace seccoord::cli
