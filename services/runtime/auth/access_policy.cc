#include "services/runtime/auth/access_policy.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/runtime/internal/views.h"

namespace seccoord::runtime {
namespace {

// Bounds that keep a mistaken file (or a hostile one) from costing much.
constexpr size_t kMaxPolicyBytes = 1 << 20;
constexpr size_t kMaxEntries = 10000;

using internal::Av;

absl::Status Invalid(absl::string_view source, absl::string_view entry,
                     absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": ", entry, ": ", why));
}

// Reads a list of role names for `entry`.
absl::StatusOr<std::set<Role>> ParseRoleList(absl::string_view source,
                                             const std::string& entry,
                                             const YAML::Node& node) {
  std::set<Role> roles;
  if (node.IsNull()) return roles;  // "entry:" with nothing = no role
  if (!node.IsSequence()) {
    return Invalid(source, entry, "roles must be a list, e.g. [member]");
  }
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) {
      return Invalid(source, entry, "each role must be a name");
    }
    const std::string& name = item.Scalar();
    std::optional<Role> role = ParseRole(name);
    if (!role.has_value()) {
      return Invalid(source, entry,
                     absl::StrCat("unknown role \"", name.substr(0, 64),
                                  "\" (known: union_staff, union_admin, "
                                  "advisor, member, service)"));
    }
    if (*role == Role::kAnonymous) {
      return Invalid(source, entry,
                     "role anonymous cannot be assigned; it is what callers "
                     "without a client certificate get");
    }
    roles.insert(*role);
  }
  return roles;
}

// Fills the two maps from the document root.
absl::Status ParseRoot(const YAML::Node& root, absl::string_view source,
                       std::map<std::string, std::set<Role>>* principals,
                       std::map<std::string, std::set<Role>>* organizations) {
  if (!root.IsDefined() || root.IsNull()) return absl::OkStatus();
  if (!root.IsMap()) {
    return Invalid(source, "top level",
                   "must be a map with keys organizations and principals");
  }
  for (const auto& section : root) {
    if (!section.first.IsScalar()) {
      return Invalid(source, "top level", "keys must be names");
    }
    const std::string& key = section.first.Scalar();
    const YAML::Node& entries = section.second;
    if (key != "organizations" && key != "principals") {
      return Invalid(source, key.substr(0, 64),
                     "unknown key (expected organizations or principals)");
    }
    if (entries.IsNull()) continue;
    if (!entries.IsMap()) {
      return Invalid(source, key, "must be a map of name -> [roles]");
    }
    if (entries.size() > kMaxEntries) {
      return Invalid(source, key, "too many entries");
    }
    for (const auto& entry : entries) {
      if (!entry.first.IsScalar()) {
        return Invalid(source, key, "entry names must be scalars");
      }
      const std::string& name = entry.first.Scalar();
      std::string label = absl::StrCat(key, ".", name.substr(0, 200));
      if (key == "principals") {
        absl::StatusOr<Principal> principal = ParsePrincipalUri(name);
        if (!principal.ok()) {
          return Invalid(source, label, principal.status().message());
        }
        SECCOORD_ASSIGN_OR_RETURN(std::set<Role> roles,
                                  ParseRoleList(source, label, entry.second));
        // Canonical spelling, so lookups by Principal::Uri() match.
        if (!principals->emplace(principal->Uri(), std::move(roles)).second) {
          return Invalid(source, label, "listed twice");
        }
      } else {
        if (!IsValidOrganization(name)) {
          return Invalid(source, label,
                         "organization id must be 1-63 characters of a-z, "
                         "0-9 and '-'");
        }
        SECCOORD_ASSIGN_OR_RETURN(std::set<Role> roles,
                                  ParseRoleList(source, label, entry.second));
        if (!organizations->emplace(name, std::move(roles)).second) {
          return Invalid(source, label, "listed twice");
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AccessPolicy> AccessPolicy::Parse(std::string_view yaml_text,
                                                 bool allow_anonymous,
                                                 std::string_view source) {
  if (yaml_text.size() > kMaxPolicyBytes) {
    return Invalid(Av(source), "file", "larger than 1 MiB");
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return Invalid(Av(source), "YAML", e.what());
  }
  AccessPolicy policy(allow_anonymous);
  absl::Status parsed;
  try {
    parsed = ParseRoot(root, Av(source), &policy.principal_roles_,
                       &policy.organization_roles_);
  } catch (const YAML::Exception& e) {
    return Invalid(Av(source), "YAML", e.what());
  }
  SECCOORD_RETURN_IF_ERROR(parsed);
  return policy;
}

absl::StatusOr<AccessPolicy> AccessPolicy::LoadFile(const std::string& path,
                                                    bool allow_anonymous) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("access policy file ", path, " cannot be read"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), allow_anonymous, path);
}

std::set<Role> AccessPolicy::RolesOf(const Principal& principal) const {
  std::set<Role> roles;
  if (principal.anonymous) {
    if (allow_anonymous_) roles.insert(Role::kAnonymous);
    return roles;
  }
  auto by_principal = principal_roles_.find(principal.Uri());
  if (by_principal != principal_roles_.end()) {
    roles = by_principal->second;
  } else {
    auto by_organization = organization_roles_.find(principal.organization);
    if (by_organization != organization_roles_.end()) {
      roles = by_organization->second;
    }
  }
  if (roles.empty() && allow_anonymous_) roles.insert(Role::kAnonymous);
  return roles;
}

}  // namespace seccoord::runtime
