// Conversions between std::string_view and absl::string_view.
//
// This Abseil (20220623, Debian build) has ABSL_OPTION_USE_STD_STRING_VIEW 0:
// absl::string_view is a type of its own, so absl::StrCat, absl::Status and
// the escaping functions do not take std::string_view, and the message of an
// absl::Status is not a std::string_view. The runtime's interfaces use
// std::string_view; these two functions bridge at the call sites.
//
// Thread-safety: pure functions.
#ifndef SECCOORD_SERVICES_RUNTIME_INTERNAL_VIEWS_H_
#define SECCOORD_SERVICES_RUNTIME_INTERNAL_VIEWS_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace seccoord::runtime::internal {

inline absl::string_view Av(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

inline std::string_view Sv(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace seccoord::runtime::internal

#endif  // SECCOORD_SERVICES_RUNTIME_INTERNAL_VIEWS_H_
