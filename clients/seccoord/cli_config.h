// The seccoord CLI's configuration: a YAML file of named profiles, each giving
// the addresses of the three services and the TLS files to reach them with.
//
//   default_profile: union-staff
//   profiles:
//     union-staff:
//       policy: 127.0.0.1:7401
//       asset: 127.0.0.1:7402
//       assessment: 127.0.0.1:7403
//       ca: certs/ca.crt          # relative paths resolve against the
//       cert: certs/staff1.crt    # folder of the config file; ~/ is $HOME
//       key: certs/staff1.key
//       server_name: localhost    # optional TLS target name override
//     anonymous:                  # no cert/key: TLS without a client certificate
//       policy: 127.0.0.1:7401
//       ca: certs/ca.crt
//
// Which file: --config, else $SECCOORD_CONFIG, else ~/.config/seccoord/config.yaml.
// Which profile: --profile, else $SECCOORD_PROFILE, else default_profile.
//
// Everything here is pure (environment lookups are injected), so it is tested
// without touching the real environment.
//
// Thread-safety: plain values and stateless functions.
#ifndef SECCOORD_CLIENTS_SECCOORD_CLI_CONFIG_H_
#define SECCOORD_CLIENTS_SECCOORD_CLI_CONFIG_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace seccoord::cli {

// The services a profile can address.
enum class ServiceKind { kPolicy, kAsset, kAssessment };

// "policy", "asset", "assessment".
std::string_view ServiceKindName(ServiceKind kind);

// Parses "policy" / "asset" / "assessment"; INVALID_ARGUMENT otherwise.
absl::StatusOr<ServiceKind> ParseServiceKind(std::string_view name);

// One named profile. Paths are absolute once loaded (resolved against the
// config file's folder).
struct Profile {
  std::string name;
  std::string policy;      // host:port of PolicyService ("" = not configured)
  std::string asset;       // host:port of AssetService
  std::string assessment;  // host:port of AssessmentService
  std::string ca;          // PEM file of the CA that signed the servers (required)
  std::string cert;        // client certificate PEM ("" = anonymous)
  std::string key;         // client private key PEM ("" = anonymous)
  std::string server_name; // TLS target name override ("" = none)

  // True when the profile presents no client certificate.
  bool anonymous() const { return cert.empty(); }

  // The address of `service`; FAILED_PRECONDITION naming the profile and the
  // missing key when it is not configured.
  absl::StatusOr<std::string> Address(ServiceKind service) const;
};

// A loaded configuration file.
struct CliConfig {
  std::string path;             // the file it was read from ("" = from text)
  std::string default_profile;  // "" = none
  std::map<std::string, Profile> profiles;
};

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// The process environment (std::getenv); empty values count as unset.
EnvLookup ProcessEnv();

// Parses YAML config text. Relative paths resolve against `base_dir` (which
// may be empty: then they stay relative); "~/" expands to $HOME from `env`.
// INVALID_ARGUMENT naming the file, profile and key for: YAML syntax errors,
// a top level that is not a map, unknown keys, a profile without `ca`, a
// cert without key or key without cert, values that are not strings, a
// default_profile that names no profile.
absl::StatusOr<CliConfig> ParseCliConfig(std::string_view yaml_text,
                                         std::string_view base_dir,
                                         const EnvLookup& env,
                                         std::string_view source_name = "config");

// Reads and parses a config file; NOT_FOUND when it does not exist.
absl::StatusOr<CliConfig> LoadCliConfig(const std::string& path, const EnvLookup& env);

// The config file to read: `flag` when non-empty, else $SECCOORD_CONFIG, else
// $HOME/.config/seccoord/config.yaml. FAILED_PRECONDITION when none applies
// (no flag, no SECCOORD_CONFIG and no HOME).
absl::StatusOr<std::string> ResolveConfigPath(std::string_view flag, const EnvLookup& env);

// The profile to use: `flag` when non-empty, else $SECCOORD_PROFILE, else the
// config's default_profile. NOT_FOUND naming the profile, where the name came
// from and the available profiles when it is not in the config;
// FAILED_PRECONDITION when no profile is selected at all.
absl::StatusOr<Profile> ResolveProfile(const CliConfig& config, std::string_view flag,
                                       const EnvLookup& env);

// Resolves `path` against `base_dir` ("~/" → $HOME). Absolute paths unchanged.
std::string ResolvePath(std::string_view path, std::string_view base_dir, const EnvLookup& env);

}  // namespace seccoord::cli

#endif  // SECCOORD_CLIENTS_SECCOORD_CLI_CONFIG_H_
