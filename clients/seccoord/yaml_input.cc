#include "clients/seccoord/yaml_input.h"

#include "absl/strings/str_cat.h"
#include "clients/seccoord/command.h"
#include "common/utf8.h"

namespace seccoord::cli {

absl::StatusOr<YAML::Node> LoadYamlFile(std::string_view file_name, std::string_view yaml) {
  if (!IsValidUtf8(yaml)) return UsageErrorAt(file_name, "is not valid UTF-8");
  try {
    return YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return UsageErrorAt(file_name, absl::StrCat("not valid YAML: ", e.what()));
  }
}

absl::StatusOr<std::string> YamlString(std::string_view file_name, const YAML::Node& node,
                                       const std::string& key) {
  if (node.IsNull()) return std::string();
  if (!node.IsScalar()) return UsageErrorAt(file_name, absl::StrCat(key, ": must be a string"));
  return node.Scalar();
}

}  // namespace seccoord::cli
