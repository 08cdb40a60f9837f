// Input files in YAML given to commands (`asset add -f FILE.yaml`,
// `assessment review --advice-file FILE.yaml`): loading the file and reading
// its scalar values, every refusal a usage error that names the file and,
// where there is one, the key ("advice.yaml: [0].text: must be a string").
//
// Thread-safety: stateless functions.
#ifndef SECCOORD_CLIENTS_SECCOORD_YAML_INPUT_H_
#define SECCOORD_CLIENTS_SECCOORD_YAML_INPUT_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace seccoord::cli {

// Parses `yaml` (the bytes of `file_name`): "FILE: is not valid UTF-8" or
// "FILE: not valid YAML: …" when it cannot.
absl::StatusOr<YAML::Node> LoadYamlFile(std::string_view file_name, std::string_view yaml);

// The string at `key` (the path of `node` in the file): "" when null,
// "FILE: KEY: must be a string" when it is a list or a map.
absl::StatusOr<std::string> YamlString(std::string_view file_name, const YAML::Node& node,
                                       const std::string& key);

}  // namespace seccoord::cli

#endif  // SECCOORD_CLIENTS_SECCOORD_YAML_INPUT_H_
