#include "clients/seccoord/cli_config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace seccoord::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kProfileKeys[] = {"policy", "asset", "assessment", "ca",
                                        "cert",   "key",   "server_name"};

absl::Status ConfigError(const std::string& source, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", what));
}

// Reads a scalar string; INVALID_ARGUMENT when the node is not a scalar.
absl::StatusOr<std::string> ScalarString(const YAML::Node& node, const std::string& source,
                                         const std::string& where) {
  if (!node.IsScalar()) {
    return ConfigError(source, absl::StrCat(where, ": must be a string"));
  }
  return node.Scalar();
}

}  // namespace

std::string_view ServiceKindName(ServiceKind kind) {
  switch (kind) {
    case ServiceKind::kPolicy: return "policy";
    case ServiceKind::kAsset: return "asset";
    case ServiceKind::kAssessment: return "assessment";
  }
  return "policy";
}

absl::StatusOr<ServiceKind> ParseServiceKind(std::string_view name) {
  if (name == "policy") return ServiceKind::kPolicy;
  if (name == "asset") return ServiceKind::kAsset;
  if (name == "assessment") return ServiceKind::kAssessment;
  return absl::InvalidArgumentError(
      absl::StrCat("--service: unknown service '", std::string(name), "' (policy, asset or assessment)"));
}

absl::StatusOr<std::string> Profile::Address(ServiceKind service) const {
  const std::string* address = &policy;
  if (service == ServiceKind::kAsset) address = &asset;
  if (service == ServiceKind::kAssessment) address = &assessment;
  if (address->empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "profile '", name, "' has no address for the ", std::string(ServiceKindName(service)),
        " service (add '", std::string(ServiceKindName(service)), ": HOST:PORT' to it)"));
  }
  return *address;
}

EnvLookup ProcessEnv() {
  return [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

std::string ResolvePath(std::string_view path, std::string_view base_dir, const EnvLookup& env) {
  if (path.empty()) return std::string();
  if (path == "~" || path.substr(0, 2) == "~/") {
    std::optional<std::string> home = env ? env("HOME") : std::nullopt;
    if (home) {
      return (fs::path(*home) / std::string(path.substr(path.size() > 1 ? 2 : 1)))
          .lexically_normal()
          .string();
    }
  }
  fs::path p{std::string(path)};
  if (p.is_absolute() || base_dir.empty()) return p.lexically_normal().string();
  return (fs::path(std::string(base_dir)) / p).lexically_normal().string();
}

absl::StatusOr<CliConfig> ParseCliConfig(std::string_view yaml_text, std::string_view base_dir,
                                         const EnvLookup& env, std::string_view source_name) {
  const std::string source(source_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return ConfigError(source, absl::StrCat("not valid YAML: ", e.what()));
  }
  if (!root.IsMap()) {
    return ConfigError(source, "must be a YAML map with 'profiles' (and 'default_profile')");
  }
  CliConfig config;
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>("");
    if (key != "default_profile" && key != "profiles") {
      return ConfigError(source, absl::StrCat("unknown key '", key,
                                              "' (known: default_profile, profiles)"));
    }
  }
  if (root["default_profile"]) {
    auto value = ScalarString(root["default_profile"], source, "default_profile");
    if (!value.ok()) return value.status();
    config.default_profile = *value;
  }
  const YAML::Node profiles = root["profiles"];
  if (!profiles || profiles.IsNull()) {
    return ConfigError(source, "no 'profiles' map");
  }
  if (!profiles.IsMap()) return ConfigError(source, "'profiles' must be a map of name → profile");
  for (const auto& entry : profiles) {
    Profile profile;
    profile.name = entry.first.as<std::string>("");
    const std::string where = absl::StrCat("profile '", profile.name, "'");
    if (profile.name.empty()) return ConfigError(source, "a profile has an empty name");
    const YAML::Node& body = entry.second;
    if (!body.IsMap()) return ConfigError(source, absl::StrCat(where, ": must be a map"));
    for (const auto& field : body) {
      const std::string key = field.first.as<std::string>("");
      bool known = false;
      for (const char* k : kProfileKeys) known = known || key == k;
      if (!known) {
        return ConfigError(source,
                           absl::StrCat(where, ": unknown key '", key, "' (known: ",
                                        absl::StrJoin(kProfileKeys, ", "), ")"));
      }
      auto value = ScalarString(field.second, source, absl::StrCat(where, ": ", key));
      if (!value.ok()) return value.status();
      if (key == "policy") profile.policy = *value;
      if (key == "asset") profile.asset = *value;
      if (key == "assessment") profile.assessment = *value;
      if (key == "ca") profile.ca = ResolvePath(*value, base_dir, env);
      if (key == "cert") profile.cert = ResolvePath(*value, base_dir, env);
      if (key == "key") profile.key = ResolvePath(*value, base_dir, env);
      if (key == "server_name") profile.server_name = *value;
    }
    if (profile.ca.empty()) {
      return ConfigError(source, absl::StrCat(where, ": 'ca' (the CA certificate file) is required"));
    }
    if (profile.cert.empty() != profile.key.empty()) {
      return ConfigError(source, absl::StrCat(where, ": 'cert' and 'key' go together (give both, "
                                                     "or neither for anonymous access)"));
    }
    if (profile.policy.empty() && profile.asset.empty() && profile.assessment.empty()) {
      return ConfigError(source, absl::StrCat(where, ": no service address (policy, asset or assessment)"));
    }
    config.profiles.emplace(profile.name, std::move(profile));
  }
  if (!config.default_profile.empty() && config.profiles.count(config.default_profile) == 0) {
    return ConfigError(source, absl::StrCat("default_profile '", config.default_profile,
                                            "' is not one of the profiles"));
  }
  return config;
}

absl::StatusOr<CliConfig> LoadCliConfig(const std::string& path, const EnvLookup& env) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return absl::NotFoundError(absl::StrCat(
        "config file ", path,
        " does not exist (give --config FILE, set SECCOORD_CONFIG, or create "
        "~/.config/seccoord/config.yaml; scripts/up writes var/seccoord.yaml)"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::PermissionDeniedError(absl::StrCat("cannot read config file ", path));
  std::ostringstream text;
  text << in.rdbuf();
  fs::path absolute = fs::absolute(fs::path(path), ec);
  if (ec) absolute = fs::path(path);
  auto config = ParseCliConfig(text.str(), absolute.parent_path().string(), env, path);
  if (!config.ok()) return config.status();
  config->path = path;
  return config;
}

absl::StatusOr<std::string> ResolveConfigPath(std::string_view flag, const EnvLookup& env) {
  if (!flag.empty()) return ResolvePath(flag, "", env);
  if (env) {
    if (auto from_env = env("SECCOORD_CONFIG")) return ResolvePath(*from_env, "", env);
    if (auto home = env("HOME")) {
      return (fs::path(*home) / ".config" / "seccoord" / "config.yaml").string();
    }
  }
  return absl::FailedPreconditionError(
      "no config file: give --config FILE or set SECCOORD_CONFIG (HOME is not set either)");
}

absl::StatusOr<Profile> ResolveProfile(const CliConfig& config, std::string_view flag,
                                       const EnvLookup& env) {
  std::string name;
  std::string origin;
  if (!flag.empty()) {
    name = std::string(flag);
    origin = "--profile";
  } else if (auto from_env = env ? env("SECCOORD_PROFILE") : std::nullopt) {
    name = *from_env;
    origin = "SECCOORD_PROFILE";
  } else if (!config.default_profile.empty()) {
    name = config.default_profile;
    origin = "default_profile";
  }
  std::vector<std::string> available;
  for (const auto& [profile_name, unused] : config.profiles) available.push_back(profile_name);
  const std::string where = config.path.empty() ? std::string("the config") : config.path;
  if (name.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no profile selected: give --profile NAME, set SECCOORD_PROFILE, or set default_profile "
        "in ", where, " (available: ", absl::StrJoin(available, ", "), ")"));
  }
  auto it = config.profiles.find(name);
  if (it == config.profiles.end()) {
    return absl::NotFoundError(absl::StrCat("profile '", name, "' (from ", origin,
                                            ") is not in ", where, " (available: ",
                                            absl::StrJoin(available, ", "), ")"));
  }
  return it->second;
}

}  // namespace seccoord::cli
