#include "services/runtime/auth/caller.h"

#include <vector>

#include "absl/strings/str_join.h"
#include "services/runtime/internal/views.h"

namespace seccoord::runtime {

std::string Caller::RoleList() const {
  if (roles.empty()) return "none";
  std::vector<absl::string_view> names;
  for (Role role : roles) names.push_back(internal::Av(RoleName(role)));
  return absl::StrJoin(names, ", ");
}

}  // namespace seccoord::runtime
