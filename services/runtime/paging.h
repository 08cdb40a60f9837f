// Paging of List methods (DESIGN.md "API conventions": page_size /
// page_token), the same for every service: a page size within bounds, and
// page tokens that are opaque to clients — web-safe base64 of
// "<kind>:<cursor>", where the kind keeps a token of one list from being
// passed to another.
//
// Thread-safety: stateless functions; safe from any thread.
#ifndef SECCOORD_SERVICES_RUNTIME_PAGING_H_
#define SECCOORD_SERVICES_RUNTIME_PAGING_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace seccoord::runtime {

// The page size to use for `requested` (0 = default_size);
// INVALID_ARGUMENT naming page_size outside 0..max_size.
inline absl::StatusOr<int> PageSize(int32_t requested, int max_size, int default_size) {
  if (requested < 0 || requested > max_size) {
    return InvalidField("page_size", absl::StrCat("must be between 0 and ", max_size, " (0 = ",
                                                  default_size, ")"));
  }
  return requested == 0 ? default_size : requested;
}

inline std::string EncodePageToken(std::string_view kind, const std::string& cursor) {
  return absl::WebSafeBase64Escape(absl::StrCat(std::string(kind), ":", cursor));
}

// The cursor of `token` ("" for the first page); INVALID_ARGUMENT naming
// page_token when it is not a token of this kind of list.
inline absl::StatusOr<std::string> DecodePageToken(std::string_view kind,
                                                   const std::string& token) {
  if (token.empty()) return std::string();
  std::string decoded;
  const std::string prefix = absl::StrCat(std::string(kind), ":");
  if (token.size() > 256 || !absl::WebSafeBase64Unescape(token, &decoded) ||
      decoded.rfind(prefix, 0) != 0) {
    return InvalidField("page_token", "malformed; pass next_page_token of a previous response");
  }
  return decoded.substr(prefix.size());
}

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_PAGING_H_
