// Fresh, empty databases for store tests, on both drivers.
//
//   "sqlite"   a database file in a new temp directory (not :memory:, so WAL,
//              several connections and durability are exercised); the
//              directory is removed at teardown.
//   "postgres" a new database (CREATE DATABASE with a unique name) on the
//              server named by SECCOORD_TEST_PG_URL, e.g.
//              postgresql://postgres@127.0.0.1:15432/postgres (see
//              scripts/pg-test-cluster); dropped at teardown.
//
// Without SECCOORD_TEST_PG_URL the postgres cases are skipped with a message,
// unless SECCOORD_REQUIRE_PG=1 (CI, scripts/test), where they fail.
//
// Usage in a store test:
//
//   class PolicyStoreTest : public seccoord::testing::DatabaseTest {};
//   TEST_P(PolicyStoreTest, CreatesPolicy) {
//     ASSERT_TRUE(ApplyPolicyMigrations(db()).ok());
//     ...
//   }
//   SECCOORD_INSTANTIATE_DATABASE_TEST(PolicyStoreTest);
//
// A fixture that overrides SetUp calls DatabaseTest::SetUp() first and
// returns if IsSkipped() || HasFatalFailure().
//
// Thread-safety: a TestDatabase is used by one test; db() is as thread-safe
// as any Database.
#ifndef SECCOORD_TESTS_SUPPORT_TEST_DATABASE_H_
#define SECCOORD_TESTS_SUPPORT_TEST_DATABASE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/runtime/db/database.h"

namespace seccoord::testing {

// The environment variables read here.
inline constexpr char kTestPgUrlEnv[] = "SECCOORD_TEST_PG_URL";
inline constexpr char kRequirePgEnv[] = "SECCOORD_REQUIRE_PG";

// True if SECCOORD_TEST_PG_URL is set (non-empty).
bool PostgresConfigured();
// True if SECCOORD_REQUIRE_PG=1.
bool PostgresRequired();

// One fresh database; cleaned up (file removed / database dropped) when
// destroyed.
class TestDatabase {
 public:
  // driver: "sqlite" or "postgres". FAILED_PRECONDITION (with a message that
  // says how to set SECCOORD_TEST_PG_URL) if postgres is asked for but not
  // configured; INVALID_ARGUMENT for an unknown driver.
  static absl::StatusOr<std::unique_ptr<TestDatabase>> Create(
      std::string_view driver);
  // As Create, but a PostgreSQL database is created with this ICU collation
  // (e.g. "und-u-ka-shifted": punctuation ignored at first, as glibc's
  // ja_JP.UTF-8 and en_US.UTF-8 collations do) instead of the cluster's
  // C.UTF-8; a SQLite database is made as by Create.
  static absl::StatusOr<std::unique_ptr<TestDatabase>> CreateWithCollation(
      std::string_view driver, std::string_view icu_locale);

  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  db::Database& db() { return *db_; }
  const std::string& driver() const { return driver_; }
  // The URL for OpenDatabase (e.g. to start a server process on it).
  const std::string& url() const { return url_; }

  // Another, independent Database on the same data (as a second process or
  // replica would have).
  absl::StatusOr<std::unique_ptr<db::Database>> OpenAnother() const;
  // Closes db() and opens it again (SQLite: proves data reached the file).
  absl::Status Reopen();

 private:
  TestDatabase() = default;

  std::string driver_;
  std::string url_;
  std::unique_ptr<db::Database> db_;
  std::string temp_dir_;      // sqlite
  std::string admin_url_;     // postgres: the server's maintenance database
  std::string database_name_; // postgres
};

// Parameterised fixture: GetParam() is the driver name. SetUp creates the
// database (skipping or failing the postgres case as described above);
// TearDown drops it.
class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  db::Database& db() { return test_db_->db(); }
  TestDatabase& test_db() { return *test_db_; }
  const std::string& driver() const { return GetParam(); }
  // Set in a derived fixture's constructor: its PostgreSQL database gets
  // this ICU collation (TestDatabase::CreateWithCollation).
  void set_icu_collation(std::string icu_locale) { icu_collation_ = std::move(icu_locale); }

 private:
  std::unique_ptr<TestDatabase> test_db_;
  std::string icu_collation_;
};

}  // namespace seccoord::testing

// Instantiates a DatabaseTest-derived fixture for "sqlite" and "postgres";
// test names end in /sqlite and /postgres.
#define SECCOORD_INSTANTIATE_DATABASE_TEST(fixture)                      \
  INSTANTIATE_TEST_SUITE_P(                                              \
      Drivers, fixture, ::testing::Values("sqlite", "postgres"),         \
      [](const ::testing::TestParamInfo<std::string>& info) {            \
        return info.param;                                               \
      })

#endif  // SECCOORD_TESTS_SUPPORT_TEST_DATABASE_H_
