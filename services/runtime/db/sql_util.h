// Internal helpers shared by the database drivers (not part of the API).
#ifndef SECCOORD_SERVICES_RUNTIME_DB_SQL_UTIL_H_
#define SECCOORD_SERVICES_RUNTIME_DB_SQL_UTIL_H_

#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace seccoord::db::internal {

// This Abseil's absl::string_view is a type of its own, not std::string_view:
// convert explicitly for absl::StrCat, SimpleAtoi and friends.
inline absl::string_view Av(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// A statement squeezed onto one line and cut at ~80 characters, for error
// messages. SQL text never carries values (they are bound), so it is safe to
// show.
inline std::string SqlSnippet(std::string_view sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() >= 80) {
      out += "...";
      break;
    }
  }
  return out;
}

}  // namespace seccoord::db::internal

#endif  // SECCOORD_SERVICES_RUNTIME_DB_SQL_UTIL_H_
