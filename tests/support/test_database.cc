#include "tests/support/test_database.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace seccoord::testing {
namespace {

std::string Env(const char* name) {
  const char* value = ::getenv(name);
  return value != nullptr ? value : "";
}

// postgresql://auth/olddb?query -> postgresql://auth/NAME?query
absl::StatusOr<std::string> WithDatabase(std::string_view url,
                                         std::string_view name) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        kTestPgUrlEnv, " must be a URI: postgresql://USER@HOST:PORT/DB"));
  }
  const size_t path = url.find_first_of("/?", scheme_end + 3);
  std::string out(url.substr(0, path));
  absl::StrAppend(&out, "/", std::string(name));
  if (path != std::string_view::npos) {
    const size_t query = url.find('?', path);
    if (query != std::string_view::npos) out.append(url.substr(query));
  }
  return out;
}

// Runs one command outside a transaction (CREATE/DROP DATABASE) on the
// server's maintenance database.
absl::Status AdminCommand(const std::string& admin_url, const std::string& sql) {
  PGconn* conn = PQconnectdb(admin_url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    absl::Status status = absl::UnavailableError(absl::StrCat(
        "cannot connect to ", kTestPgUrlEnv, ": ", PQerrorMessage(conn)));
    PQfinish(conn);
    return status;
  }
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  PGresult* res = PQexec(conn, sql.c_str());
  absl::Status status;
  if (PQresultStatus(res) != PGRES_COMMAND_OK) {
    status = absl::InternalError(
        absl::StrCat(sql, ": ", PQresultErrorMessage(res)));
  }
  PQclear(res);
  PQfinish(conn);
  return status;
}

std::string UniqueSuffix() {
  static std::atomic<int> counter{0};
  std::random_device random;
  return absl::StrFormat("%d_%d_%06x", static_cast<int>(::getpid()),
                         counter.fetch_add(1), random() & 0xffffff);
}

}  // namespace

bool PostgresConfigured() { return !Env(kTestPgUrlEnv).empty(); }

bool PostgresRequired() { return Env(kRequirePgEnv) == "1"; }

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create(
    std::string_view driver) {
  return CreateWithCollation(driver, "");
}

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::CreateWithCollation(
    std::string_view driver, std::string_view icu_locale) {
  std::unique_ptr<TestDatabase> t(new TestDatabase());
  t->driver_ = std::string(driver);
  if (driver == "sqlite") {
    std::string base = Env("TEST_TMPDIR");
    if (base.empty()) base = Env("TMPDIR");
    if (base.empty()) base = "/tmp";
    std::string pattern = base + "/seccoord-db-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      return absl::InternalError(absl::StrCat("mkdtemp in ", base, " failed"));
    }
    t->temp_dir_ = pattern;
    t->url_ = absl::StrCat("sqlite:", pattern, "/test.db");
  } else if (driver == "postgres") {
    t->admin_url_ = Env(kTestPgUrlEnv);
    if (t->admin_url_.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          kTestPgUrlEnv,
          " is not set: start a server with `scripts/pg-test-cluster start "
          "DIR` and export the URL it prints"));
    }
    const std::string name = absl::StrCat("seccoord_t_", UniqueSuffix());
    absl::StatusOr<std::string> url = WithDatabase(t->admin_url_, name);
    if (!url.ok()) return url.status();
    absl::Status created = AdminCommand(
        t->admin_url_,
        absl::StrCat("CREATE DATABASE \"", name, "\" TEMPLATE template0 ENCODING 'UTF8'",
                     icu_locale.empty()
                         ? std::string()
                         : absl::StrCat(" LOCALE_PROVIDER icu ICU_LOCALE '",
                                        std::string(icu_locale), "' LOCALE 'C.UTF-8'")));
    if (!created.ok()) return created;
    t->database_name_ = name;  // from now on the destructor drops it
    t->url_ = *std::move(url);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown test database driver \"", std::string(driver), "\" (sqlite or postgres)"));
  }
  absl::StatusOr<std::unique_ptr<db::Database>> db = db::OpenDatabase(t->url_);
  if (!db.ok()) return db.status();
  t->db_ = *std::move(db);
  return t;
}

TestDatabase::~TestDatabase() {
  db_.reset();
  if (!database_name_.empty()) {
    absl::Status dropped = AdminCommand(
        admin_url_, absl::StrCat("DROP DATABASE IF EXISTS \"", database_name_,
                                 "\" WITH (FORCE)"));
    if (!dropped.ok()) ADD_FAILURE() << "dropping test database: " << dropped;
  }
  if (!temp_dir_.empty() && Env("SECCOORD_KEEP_TEST_DB") != "1") {
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir_, ignored);
  }
}

absl::StatusOr<std::unique_ptr<db::Database>> TestDatabase::OpenAnother() const {
  return db::OpenDatabase(url_);
}

absl::Status TestDatabase::Reopen() {
  db_.reset();
  absl::StatusOr<std::unique_ptr<db::Database>> db = db::OpenDatabase(url_);
  if (!db.ok()) return db.status();
  db_ = *std::move(db);
  return absl::OkStatus();
}

void DatabaseTest::SetUp() {
  if (GetParam() == "postgres" && !PostgresConfigured()) {
    if (PostgresRequired()) {
      GTEST_FAIL() << kRequirePgEnv << "=1 but " << kTestPgUrlEnv
                   << " is not set: start a server with "
                      "`scripts/pg-test-cluster start DIR` and export the URL "
                      "it prints";
    }
    GTEST_SKIP() << "PostgreSQL case skipped: " << kTestPgUrlEnv
                 << " is not set (scripts/pg-test-cluster start DIR prints "
                    "one; CI sets "
                 << kRequirePgEnv << "=1 so it cannot skip)";
  }
  absl::StatusOr<std::unique_ptr<TestDatabase>> t =
      TestDatabase::CreateWithCollation(GetParam(), icu_collation_);
  ASSERT_TRUE(t.ok()) << "creating the " << GetParam()
                      << " test database: " << t.status();
  test_db_ = *std::move(t);
}

void DatabaseTest::TearDown() { test_db_.reset(); }

}  // namespace seccoord::testing
