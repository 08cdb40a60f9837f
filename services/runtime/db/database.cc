#include "services/runtime/db/database.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/runtime/db/postgres_database.h"
#include "services/runtime/db/sql_util.h"
#include "services/runtime/db/sqlite_database.h"

namespace seccoord::db {

namespace {
const std::string& EmptyString() {
  static const std::string* const kEmpty = new std::string();
  return *kEmpty;
}
}  // namespace

bool Row::IsNull(size_t i) const {
  return std::holds_alternative<std::monostate>(values_.at(i));
}

int64_t Row::Int(size_t i) const {
  const Value& v = values_.at(i);
  if (const int64_t* n = std::get_if<int64_t>(&v)) return *n;
  if (const std::string* s = std::get_if<std::string>(&v)) {
    int64_t n = 0;
    if (absl::SimpleAtoi(*s, &n)) return n;
  }
  return 0;
}

const std::string& Row::Text(size_t i) const {
  const Value& v = values_.at(i);
  if (const std::string* s = std::get_if<std::string>(&v)) return *s;
  return EmptyString();
}

bool IsValidChannelName(std::string_view channel) {
  if (channel.empty() || channel.size() > 63) return false;
  for (char c : channel) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string_view DialectName(Dialect dialect) {
  switch (dialect) {
    case Dialect::kSqlite: return "sqlite";
    case Dialect::kPostgres: return "postgres";
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(std::string_view url,
                                                       const OpenOptions& options) {
  if (internal::StartsWith(url, "postgresql://") ||
      internal::StartsWith(url, "postgres://")) {
    return OpenPostgresDatabase(url);
  }
  if (internal::StartsWith(url, "sqlite:")) {
    std::string_view rest = url.substr(std::string_view("sqlite:").size());
    if (rest == ":memory:") return OpenSqliteDatabase(kSqliteMemory);
    // sqlite:///abs/path -> /abs/path; sqlite:rel/path -> rel/path.
    if (internal::StartsWith(rest, "//")) rest.remove_prefix(2);
    if (rest.empty()) {
      return absl::InvalidArgumentError("database url: sqlite: needs a path");
    }
    return OpenSqliteDatabase(rest, options);
  }
  // Never echo the URL: it may carry a password.
  return absl::InvalidArgumentError(
      "database url: unknown scheme (want sqlite:PATH, sqlite::memory: or "
      "postgresql://...)");
}

}  // namespace seccoord::db
