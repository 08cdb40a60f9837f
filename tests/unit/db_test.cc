// The Database interface on both drivers: binding, types, conflicts, error
// codes, transactions, durability, concurrency.
#include "services/runtime/db/database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/runtime/db/sqlite_database.h"
#include "tests/support/test_database.h"

namespace seccoord::db {
namespace {

#define DB_ASSERT_OK(expr)                                   \
  do {                                                       \
    const ::absl::Status db_test_status_ = (expr);           \
    ASSERT_TRUE(db_test_status_.ok()) << db_test_status_;    \
  } while (false)

#define DB_ASSERT_OK_AND_ASSIGN(lhs, expr)                          \
  DB_ASSERT_OK_AND_ASSIGN_IMPL_(DB_CONCAT_(db_or_, __LINE__), lhs, expr)
#define DB_CONCAT_INNER_(a, b) a##b
#define DB_CONCAT_(a, b) DB_CONCAT_INNER_(a, b)
#define DB_ASSERT_OK_AND_ASSIGN_IMPL_(var, lhs, expr) \
  auto var = (expr);                                  \
  ASSERT_TRUE(var.ok()) << var.status();              \
  lhs = std::move(var).value()

// Runs one statement in its own committed read-write transaction.
absl::StatusOr<int64_t> Exec(Database& db, std::string_view sql,
                             const Params& params = {}) {
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(TxMode::kReadWrite);
  if (!tx.ok()) return tx.status();
  absl::StatusOr<int64_t> n = (*tx)->Execute(sql, params);
  if (!n.ok()) return n.status();
  absl::Status committed = (*tx)->Commit();
  if (!committed.ok()) return committed;
  return n;
}

// Runs one query in a read-only transaction.
absl::StatusOr<std::vector<Row>> Read(Database& db, std::string_view sql,
                                      const Params& params = {}) {
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(TxMode::kReadOnly);
  if (!tx.ok()) return tx.status();
  return (*tx)->Query(sql, params);
}

absl::StatusOr<int64_t> Count(Database& db, std::string_view table) {
  absl::StatusOr<std::vector<Row>> rows =
      Read(db, absl::StrCat("SELECT COUNT(*) FROM ", std::string(table)));
  if (!rows.ok()) return rows.status();
  return (*rows)[0].Int(0);
}

constexpr char kCreateItems[] =
    "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL, note TEXT)";

class DbTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    DB_ASSERT_OK(Exec(db(), kCreateItems).status());
  }
};

TEST_P(DbTest, DialectMatchesDriver) {
  EXPECT_EQ(DialectName(db().dialect()), driver());
}

TEST_P(DbTest, BindsValuesAndReadsThemBackWithTheirTypes) {
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::string quotes = "O'Reilly said \"hi\" \\ back`tick` ;";
  const std::string japanese = "情報セキュリティ管理規程（令和６年度）";
  const std::string insert = "INSERT INTO items (id, name, note) VALUES ($1, $2, $3)";
  DB_ASSERT_OK_AND_ASSIGN(auto tx, db().Begin(TxMode::kReadWrite));
  DB_ASSERT_OK(tx->Execute(insert, {kMin, quotes, std::monostate()}).status());
  DB_ASSERT_OK(tx->Execute(insert, {kMax, japanese, "備考"}).status());
  DB_ASSERT_OK(tx->Execute(insert, {int64_t{0}, "", ""}).status());
  DB_ASSERT_OK(tx->Commit());

  DB_ASSERT_OK_AND_ASSIGN(
      std::vector<Row> rows,
      Read(db(), "SELECT id, name, note FROM items ORDER BY id"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<int64_t>(rows[0].value(0)));
  EXPECT_EQ(rows[0].Int(0), kMin);
  EXPECT_TRUE(std::holds_alternative<std::string>(rows[0].value(1)));
  EXPECT_EQ(rows[0].Text(1), quotes);
  EXPECT_TRUE(rows[0].IsNull(2));
  EXPECT_EQ(rows[0].Text(2), "");
  EXPECT_EQ(rows[0].Int(2), 0);
  EXPECT_EQ(rows[1].Int(0), 0);
  EXPECT_EQ(rows[1].Text(1), "");
  EXPECT_FALSE(rows[1].IsNull(2));  // empty text is not NULL
  EXPECT_EQ(rows[2].Int(0), kMax);
  EXPECT_EQ(rows[2].Text(1), japanese);
  EXPECT_EQ(rows[2].Text(2), "備考");

  // Look-ups by bound values.
  DB_ASSERT_OK_AND_ASSIGN(rows, Read(db(), "SELECT id FROM items WHERE name = $1",
                                     {japanese}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Int(0), kMax);
  DB_ASSERT_OK_AND_ASSIGN(
      rows, Read(db(), "SELECT name FROM items WHERE id = $1", {kMin}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), quotes);
  DB_ASSERT_OK_AND_ASSIGN(
      rows, Read(db(), "SELECT id FROM items WHERE note IS NULL"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Int(0), kMin);
}

TEST_P(DbTest, RepeatedPlaceholderBindsTheSameValue) {
  DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name, note) VALUES ($1, $2, $2)",
                    {int64_t{7}, "same"})
                   .status());
  DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name, note) VALUES ($2, $1, 'x')",
                    {"other", int64_t{8}})
                   .status());
  DB_ASSERT_OK_AND_ASSIGN(
      std::vector<Row> rows,
      Read(db(), "SELECT id FROM items WHERE name = $1 AND note = $1", {"same"}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Int(0), 7);
  DB_ASSERT_OK_AND_ASSIGN(
      rows, Read(db(), "SELECT name FROM items WHERE id = $1 OR id = $1 + 100",
                 {int64_t{8}}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "other");
}

TEST_P(DbTest, ReturningGivesTheAffectedRows) {
  DB_ASSERT_OK_AND_ASSIGN(auto tx, db().Begin(TxMode::kReadWrite));
  DB_ASSERT_OK_AND_ASSIGN(
      std::vector<Row> rows,
      tx->Query("INSERT INTO items (id, name) VALUES ($1, $2) RETURNING id, name",
                {int64_t{1}, "one"}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Int(0), 1);
  EXPECT_EQ(rows[0].Text(1), "one");
  DB_ASSERT_OK(tx->Execute("INSERT INTO items (id, name) VALUES (2, 'two')").status());
  DB_ASSERT_OK_AND_ASSIGN(
      rows, tx->Query("UPDATE items SET note = $1 RETURNING id", {"n"}));
  EXPECT_EQ(rows.size(), 2u);
  DB_ASSERT_OK_AND_ASSIGN(
      rows, tx->Query("DELETE FROM items WHERE id = $1 RETURNING name, note",
                      {int64_t{2}}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "two");
  EXPECT_EQ(rows[0].Text(1), "n");
  DB_ASSERT_OK(tx->Commit());
  EXPECT_EQ(*Count(db(), "items"), 1);
}

TEST_P(DbTest, ExecuteCountsChangedRows) {
  for (int64_t id = 1; id <= 3; ++id) {
    DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES ($1, 'a')", {id})
                     .status());
  }
  EXPECT_EQ(*Exec(db(), "UPDATE items SET note = 'x' WHERE name = $1", {"a"}), 3);
  EXPECT_EQ(*Exec(db(), "UPDATE items SET note = 'y' WHERE id = $1", {int64_t{99}}), 0);
  EXPECT_EQ(*Exec(db(), "CREATE TABLE other (k TEXT PRIMARY KEY)"), 0);
  EXPECT_EQ(*Exec(db(), "SELECT id FROM items"), 0);  // a query changes nothing
  EXPECT_EQ(*Exec(db(), "DELETE FROM items WHERE id > $1", {int64_t{1}}), 2);
}

TEST_P(DbTest, OnConflictDoNothingAndDoUpdate) {
  const std::string insert =
      "INSERT INTO items (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING";
  EXPECT_EQ(*Exec(db(), insert, {int64_t{1}, "first"}), 1);
  EXPECT_EQ(*Exec(db(), insert, {int64_t{1}, "second"}), 0);
  DB_ASSERT_OK_AND_ASSIGN(std::vector<Row> rows,
                          Read(db(), "SELECT name FROM items WHERE id = 1"));
  EXPECT_EQ(rows.at(0).Text(0), "first");

  const std::string upsert =
      "INSERT INTO items (id, name) VALUES ($1, $2)"
      " ON CONFLICT (id) DO UPDATE SET name = excluded.name, note = 'updated'";
  EXPECT_EQ(*Exec(db(), upsert, {int64_t{1}, "third"}), 1);
  EXPECT_EQ(*Exec(db(), upsert, {int64_t{2}, "new"}), 1);
  DB_ASSERT_OK_AND_ASSIGN(rows, Read(db(), "SELECT id, name, note FROM items ORDER BY id"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].Text(1), "third");
  EXPECT_EQ(rows[0].Text(2), "updated");
  EXPECT_EQ(rows[1].Text(1), "new");
  EXPECT_TRUE(rows[1].IsNull(2));
}

TEST_P(DbTest, UniqueViolationIsAlreadyExistsAndEndsTheTransaction) {
  DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES (1, 'a')").status());
  DB_ASSERT_OK(Exec(db(), "CREATE UNIQUE INDEX items_name ON items (name)").status());

  DB_ASSERT_OK_AND_ASSIGN(auto tx, db().Begin(TxMode::kReadWrite));
  DB_ASSERT_OK(tx->Execute("INSERT INTO items (id, name) VALUES (2, 'b')").status());
  const std::string secret = "s3cr3t-token-VALUE-9f8e7d";
  absl::StatusOr<int64_t> dup =
      tx->Execute("INSERT INTO items (id, name) VALUES ($1, $2)",
                  {int64_t{3}, std::string("a")});
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists) << dup.status();
  // Primary key too, with a value that must not show up in the message.
  DB_ASSERT_OK_AND_ASSIGN(auto tx2, db().Begin(TxMode::kReadWrite));
  absl::StatusOr<int64_t> pk = tx2->Execute(
      "INSERT INTO items (id, name) VALUES ($1, $2)", {int64_t{1}, secret});
  EXPECT_EQ(pk.status().code(), absl::StatusCode::kAlreadyExists) << pk.status();
  EXPECT_EQ(pk.status().message().find(secret), std::string::npos) << pk.status();

  // The transaction is over: nothing more runs, commit fails, and the row
  // inserted before the error is gone.
  EXPECT_EQ(tx->Query("SELECT 1").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->Commit().code(), absl::StatusCode::kFailedPrecondition);
  tx.reset();
  tx2.reset();
  EXPECT_EQ(*Count(db(), "items"), 1);
}

TEST_P(DbTest, ErrorMessagesDoNotQuoteParameterValues) {
  const std::string secret = "hunter2-not-a-number";
  absl::StatusOr<int64_t> n = Exec(
      db(), "INSERT INTO items (id, name) VALUES ($1, 'x')", {secret});
  if (db().dialect() == Dialect::kPostgres) {
    ASSERT_FALSE(n.ok());
    EXPECT_NE(n.status().message().find("22P02"), std::string::npos) << n.status();
  }
  // (SQLite stores the text as is: its columns are not strictly typed.)
  if (!n.ok()) {
    EXPECT_EQ(n.status().message().find(secret), std::string::npos) << n.status();
  }
}

TEST_P(DbTest, ForeignKeyViolationIsFailedPrecondition) {
  DB_ASSERT_OK(Exec(db(),
                    "CREATE TABLE children (id BIGINT PRIMARY KEY,"
                    " item_id BIGINT NOT NULL REFERENCES items (id))")
                   .status());
  absl::StatusOr<int64_t> n = Exec(
      db(), "INSERT INTO children (id, item_id) VALUES (1, $1)", {int64_t{42}});
  EXPECT_EQ(n.status().code(), absl::StatusCode::kFailedPrecondition) << n.status();
}

TEST_P(DbTest, DestroyingWithoutCommitRollsBack) {
  {
    DB_ASSERT_OK_AND_ASSIGN(auto tx, db().Begin(TxMode::kReadWrite));
    DB_ASSERT_OK(tx->Execute("INSERT INTO items (id, name) VALUES (1, 'gone')").status());
    DB_ASSERT_OK(tx->Execute("CREATE TABLE gone (x BIGINT)").status());
    DB_ASSERT_OK_AND_ASSIGN(std::vector<Row> rows, tx->Query("SELECT COUNT(*) FROM items"));
    EXPECT_EQ(rows[0].Int(0), 1);  // visible inside
  }
  EXPECT_EQ(*Count(db(), "items"), 0);
  EXPECT_FALSE(Count(db(), "gone").ok());  // DDL rolled back too
  // The connection went back to the pool in a usable state.
  DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES (1, 'kept')").status());
  EXPECT_EQ(*Count(db(), "items"), 1);
}

TEST_P(DbTest, CommitPersistsAcrossReopen) {
  DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES ($1, $2)",
                    {int64_t{5}, "durable"})
                   .status());
  DB_ASSERT_OK(test_db().Reopen());
  DB_ASSERT_OK_AND_ASSIGN(std::vector<Row> rows,
                          Read(db(), "SELECT name FROM items WHERE id = 5"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "durable");
  // A second, independent Database sees it too.
  DB_ASSERT_OK_AND_ASSIGN(auto other, test_db().OpenAnother());
  EXPECT_EQ(*Count(*other, "items"), 1);
}

TEST_P(DbTest, CommitIsFinal) {
  DB_ASSERT_OK_AND_ASSIGN(auto tx, db().Begin(TxMode::kReadWrite));
  DB_ASSERT_OK(tx->Execute("INSERT INTO items (id, name) VALUES (1, 'a')").status());
  DB_ASSERT_OK(tx->Commit());
  EXPECT_EQ(tx->Commit().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->Execute("DELETE FROM items").status().code(),
            absl::StatusCode::kFailedPrecondition);
  tx.reset();
  EXPECT_EQ(*Count(db(), "items"), 1);
}

TEST_P(DbTest, ReadOnlyTransactionRefusesWrites) {
  DB_ASSERT_OK_AND_ASSIGN(auto tx, db().Begin(TxMode::kReadOnly));
  absl::StatusOr<int64_t> n =
      tx->Execute("INSERT INTO items (id, name) VALUES (1, 'a')");
  EXPECT_EQ(n.status().code(), absl::StatusCode::kFailedPrecondition) << n.status();
  tx.reset();
  EXPECT_EQ(*Count(db(), "items"), 0);
}

TEST_P(DbTest, ReadOnlyTransactionSeesOneSnapshot) {
  DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES (1, 'a')").status());
  DB_ASSERT_OK_AND_ASSIGN(auto reader, db().Begin(TxMode::kReadOnly));
  DB_ASSERT_OK_AND_ASSIGN(std::vector<Row> rows, reader->Query("SELECT COUNT(*) FROM items"));
  EXPECT_EQ(rows[0].Int(0), 1);
  // A writer commits meanwhile (not blocked by the reader).
  DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES (2, 'b')").status());
  DB_ASSERT_OK_AND_ASSIGN(rows, reader->Query("SELECT COUNT(*) FROM items"));
  EXPECT_EQ(rows[0].Int(0), 1);
  DB_ASSERT_OK(reader->Commit());
  EXPECT_EQ(*Count(db(), "items"), 2);
}

TEST_P(DbTest, AggregatesAndComparisonsAreIntegers) {
  for (int64_t id = 1; id <= 4; ++id) {
    DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES ($1, 'a')", {id})
                     .status());
  }
  DB_ASSERT_OK_AND_ASSIGN(
      std::vector<Row> rows,
      Read(db(), "SELECT COUNT(*), SUM(id), MAX(id), MIN(id) = 1,"
                 " EXISTS (SELECT 1 FROM items WHERE id = 9) FROM items"));
  ASSERT_EQ(rows.size(), 1u);
  for (size_t i = 0; i < rows[0].size(); ++i) {
    EXPECT_TRUE(std::holds_alternative<int64_t>(rows[0].value(i))) << "column " << i;
  }
  EXPECT_EQ(rows[0].Int(0), 4);
  EXPECT_EQ(rows[0].Int(1), 10);
  EXPECT_EQ(rows[0].Int(2), 4);
  EXPECT_EQ(rows[0].Int(3), 1);
  EXPECT_EQ(rows[0].Int(4), 0);
}

TEST_P(DbTest, SqlInjectionLookingValuesAreStoredLiterally) {
  const std::vector<std::string> evil = {
      "x'); DROP TABLE items; --",
      "' OR '1'='1",
      "$1",
      "Robert\"); DELETE FROM items; --",
      "\\'; SELECT pg_sleep(10); --",
  };
  for (size_t i = 0; i < evil.size(); ++i) {
    DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES ($1, $2)",
                      {static_cast<int64_t>(i), evil[i]})
                     .status());
  }
  EXPECT_EQ(*Count(db(), "items"), static_cast<int64_t>(evil.size()));
  for (size_t i = 0; i < evil.size(); ++i) {
    DB_ASSERT_OK_AND_ASSIGN(
        std::vector<Row> rows,
        Read(db(), "SELECT id, name FROM items WHERE name = $1", {evil[i]}));
    ASSERT_EQ(rows.size(), 1u) << evil[i];
    EXPECT_EQ(rows[0].Int(0), static_cast<int64_t>(i));
    EXPECT_EQ(rows[0].Text(1), evil[i]);
  }
}

TEST_P(DbTest, MalformedCallsAreRejected) {
  // A NUL byte in text.
  absl::StatusOr<int64_t> n = Exec(db(), "INSERT INTO items (id, name) VALUES (1, $1)",
                                   {std::string("a\0b", 3)});
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << n.status();
  // Fewer parameters than the statement uses.
  n = Exec(db(), "INSERT INTO items (id, name) VALUES ($1, $2)", {int64_t{1}});
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << n.status();
  // Two statements in one call.
  n = Exec(db(), "INSERT INTO items (id, name) VALUES (1, 'a'); DELETE FROM items");
  EXPECT_FALSE(n.ok());
  // Bad SQL.
  n = Exec(db(), "INSERT INTO no_such_table VALUES (1)");
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInternal) << n.status();
  EXPECT_EQ(*Count(db(), "items"), 0);
  // An unused (text) parameter.
  n = Exec(db(), "INSERT INTO items (id, name) VALUES ($1, 'a')",
           {int64_t{1}, "unused"});
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << n.status();
  if (db().dialect() == Dialect::kSqlite) {
    // Strict on SQLite: non-$ placeholders.
    n = Exec(db(), "INSERT INTO items (id, name) VALUES (?, 'a')", {int64_t{1}});
    EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << n.status();
  }
}

TEST_P(DbTest, ConcurrentWritersAllSucceed) {
  DB_ASSERT_OK(Exec(db(), "CREATE TABLE counter (k BIGINT PRIMARY KEY, n BIGINT NOT NULL)")
                   .status());
  DB_ASSERT_OK(Exec(db(), "INSERT INTO counter (k, n) VALUES (1, 0)").status());
  constexpr int kThreads = 6;
  constexpr int kPerThread = 20;
  std::atomic<int> failures{0};
  std::atomic<bool> writing{true};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto tx = db().Begin(TxMode::kReadWrite);
        absl::Status s = tx.status();
        if (s.ok()) {
          s = (*tx)->Execute("INSERT INTO items (id, name) VALUES ($1, $2)",
                             {int64_t{t * 1000 + i}, absl::StrCat("t", t)})
                  .status();
        }
        if (s.ok()) {
          s = (*tx)->Execute("UPDATE counter SET n = n + 1 WHERE k = 1").status();
        }
        if (s.ok()) s = (*tx)->Commit();
        if (!s.ok()) {
          ++failures;
          ADD_FAILURE() << s;
        }
      }
    });
  }
  // Readers run alongside and always see a consistent state.
  std::thread reader([&] {
    while (writing) {
      auto tx = db().Begin(TxMode::kReadOnly);
      if (!tx.ok()) {
        ADD_FAILURE() << tx.status();
        return;
      }
      auto rows = (*tx)->Query(
          "SELECT (SELECT COUNT(*) FROM items), (SELECT n FROM counter WHERE k = 1)");
      if (!rows.ok()) {
        ADD_FAILURE() << rows.status();
        return;
      }
      EXPECT_EQ((*rows)[0].Int(0), (*rows)[0].Int(1));
    }
  });
  for (std::thread& t : threads) t.join();
  writing = false;
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*Count(db(), "items"), kThreads * kPerThread);
  DB_ASSERT_OK_AND_ASSIGN(std::vector<Row> rows, Read(db(), "SELECT n FROM counter"));
  EXPECT_EQ(rows.at(0).Int(0), kThreads * kPerThread);
}

TEST_P(DbTest, WritersThroughTwoDatabasesOnTheSameDataAllSucceed) {
  // As two replicas (PostgreSQL) or two Database objects in one process
  // (SQLite: they share the write lock of the file).
  DB_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> other, test_db().OpenAnother());
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  Database* dbs[] = {&db(), other.get()};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<int64_t> n =
            Exec(*dbs[t % 2], "INSERT INTO items (id, name) VALUES ($1, 'x')",
                 {int64_t{t * 1000 + i}});
        EXPECT_TRUE(n.ok()) << n.status();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(*Count(db(), "items"), 4 * kPerThread);
}

TEST_P(DbTest, SqliteFileRunsInWalWithFullSync) {
  if (db().dialect() != Dialect::kSqlite) GTEST_SKIP() << "SQLite only";
  DB_ASSERT_OK_AND_ASSIGN(auto tx, db().Begin(TxMode::kReadWrite));
  DB_ASSERT_OK_AND_ASSIGN(std::vector<Row> rows, tx->Query("PRAGMA journal_mode"));
  EXPECT_EQ(rows.at(0).Text(0), "wal");
  DB_ASSERT_OK_AND_ASSIGN(rows, tx->Query("PRAGMA synchronous"));
  EXPECT_EQ(rows.at(0).Int(0), 2);  // FULL
  DB_ASSERT_OK_AND_ASSIGN(rows, tx->Query("PRAGMA foreign_keys"));
  EXPECT_EQ(rows.at(0).Int(0), 1);
}

TEST_P(DbTest, PostgresDropsBrokenConnections) {
  if (db().dialect() != Dialect::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  // Fill the pool with a few connections.
  {
    std::vector<std::unique_ptr<Transaction>> txs;
    for (int i = 0; i < 3; ++i) {
      DB_ASSERT_OK_AND_ASSIGN(auto tx, db().Begin(TxMode::kReadOnly));
      txs.push_back(std::move(tx));
    }
  }
  // The server kills the connection a transaction runs on.
  {
    DB_ASSERT_OK_AND_ASSIGN(auto tx, db().Begin(TxMode::kReadWrite));
    absl::StatusOr<std::vector<Row>> rows =
        tx->Query("SELECT pg_terminate_backend(pg_backend_pid())");
    EXPECT_EQ(rows.status().code(), absl::StatusCode::kUnavailable) << rows.status();
  }
  DB_ASSERT_OK_AND_ASSIGN(std::vector<Row> rows, Read(db(), "SELECT 1"));
  EXPECT_EQ(rows.at(0).Int(0), 1);
  // The server kills every idle pooled connection (as a restart would).
  DB_ASSERT_OK_AND_ASSIGN(auto other, test_db().OpenAnother());
  DB_ASSERT_OK_AND_ASSIGN(
      std::vector<Row> killed,
      Read(*other,
           "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
           " WHERE datname = current_database() AND pid <> pg_backend_pid()"));
  EXPECT_GE(killed.size(), 1u);
  DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES (1, 'after')").status());
  EXPECT_EQ(*Count(db(), "items"), 1);
}

// Drivers keep per-connection statement caches (SQLite: prepared
// statements and their placeholders; PostgreSQL: named prepared
// statements): a statement seen before is checked like a new one.
TEST_P(DbTest, CachedStatementsStillCheckTheirParameters) {
  constexpr char kInsert[] = "INSERT INTO items (id, name) VALUES ($1, $2)";
  for (int64_t id = 1; id <= 3; ++id) {  // cached after the first run
    DB_ASSERT_OK(Exec(db(), kInsert, {id, absl::StrCat("n", id)}).status());
  }
  absl::StatusOr<int64_t> n = Exec(db(), kInsert, {int64_t{10}});
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << n.status();
  n = Exec(db(), kInsert, {int64_t{11}, "x", "unused"});
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << n.status();
  n = Exec(db(), kInsert, {int64_t{12}, std::string("a\0b", 3)});
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << n.status();
  n = Exec(db(), kInsert, {int64_t{13}, std::monostate()});  // NOT NULL
  EXPECT_FALSE(n.ok());
  // Other parameter types under the same text still work.
  DB_ASSERT_OK(Exec(db(), kInsert, {"4", "text id"}).status());
  EXPECT_EQ(*Count(db(), "items"), 4);
  DB_ASSERT_OK_AND_ASSIGN(std::vector<Row> rows,
                          Read(db(), "SELECT name FROM items WHERE id = $1", {int64_t{4}}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "text id");
}

// Transactions that end without a commit, fail at their first statement or
// run nothing leave their pooled connections usable (on PostgreSQL BEGIN
// travels with the first statement and the closing ROLLBACK is not waited
// for).
TEST_P(DbTest, ConnectionsStayUsableAfterRollbacksErrorsAndEmptyTransactions) {
  for (int64_t i = 1; i <= 5; ++i) {
    {
      DB_ASSERT_OK_AND_ASSIGN(auto tx, db().Begin(TxMode::kReadWrite));
      DB_ASSERT_OK(tx->Execute("INSERT INTO items (id, name) VALUES ($1, 'gone')", {i}).status());
    }
    {
      DB_ASSERT_OK_AND_ASSIGN(auto tx, db().Begin(TxMode::kReadOnly));
      EXPECT_FALSE(tx->Query("SELECT no_such_column FROM items").ok());
      EXPECT_EQ(tx->Query("SELECT 1").status().code(), absl::StatusCode::kFailedPrecondition);
    }
    {
      DB_ASSERT_OK_AND_ASSIGN(auto tx, db().Begin(TxMode::kReadOnly));
    }
    {
      DB_ASSERT_OK_AND_ASSIGN(auto tx, db().Begin(TxMode::kReadWrite));
      DB_ASSERT_OK(tx->Commit());  // nothing ran: nothing to commit
      EXPECT_EQ(tx->Commit().code(), absl::StatusCode::kFailedPrecondition);
    }
    EXPECT_EQ(*Count(db(), "items"), 0);
  }
  DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES (1, 'kept')").status());
  EXPECT_EQ(*Count(db(), "items"), 1);
  // A read-only transaction still sees one snapshot from its first statement.
  DB_ASSERT_OK_AND_ASSIGN(auto reader, db().Begin(TxMode::kReadOnly));
  DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES (2, 'before')").status());
  DB_ASSERT_OK_AND_ASSIGN(std::vector<Row> rows, reader->Query("SELECT COUNT(*) FROM items"));
  EXPECT_EQ(rows[0].Int(0), 2);
  DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES (3, 'after')").status());
  DB_ASSERT_OK_AND_ASSIGN(rows, reader->Query("SELECT COUNT(*) FROM items"));
  EXPECT_EQ(rows[0].Int(0), 2);
}

// kReadOnlyPerStatement: no transaction stays open between statements,
// each sees what was committed when it started; writes are refused.
TEST_P(DbTest, PerStatementReadsSeeEachCommitAndRefuseWrites) {
  DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES (1, 'a')").status());
  for (int round = 0; round < 3; ++round) {  // prepared on the later rounds
    DB_ASSERT_OK_AND_ASSIGN(auto reader, db().Begin(TxMode::kReadOnlyPerStatement));
    DB_ASSERT_OK_AND_ASSIGN(std::vector<Row> rows,
                            reader->Query("SELECT COUNT(*) FROM items WHERE id > $1",
                                          {int64_t{0}}));
    EXPECT_EQ(rows[0].Int(0), 1 + round);
    // Not blocked by the reader, and seen by its next statement.
    DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES ($1, 'b')",
                      {int64_t{10 + round}})
                     .status());
    DB_ASSERT_OK_AND_ASSIGN(rows, reader->Query("SELECT COUNT(*) FROM items WHERE id > $1",
                                                {int64_t{0}}));
    EXPECT_EQ(rows[0].Int(0), 2 + round);
    DB_ASSERT_OK(reader->Commit());
    EXPECT_EQ(reader->Query("SELECT 1").status().code(), absl::StatusCode::kFailedPrecondition);
  }
  {
    DB_ASSERT_OK_AND_ASSIGN(auto reader, db().Begin(TxMode::kReadOnlyPerStatement));
    absl::StatusOr<int64_t> n = reader->Execute("INSERT INTO items (id, name) VALUES (99, 'x')");
    EXPECT_EQ(n.status().code(), absl::StatusCode::kFailedPrecondition) << n.status();
    EXPECT_EQ(reader->Query("SELECT 1").status().code(), absl::StatusCode::kFailedPrecondition);
  }
  {
    DB_ASSERT_OK_AND_ASSIGN(auto reader, db().Begin(TxMode::kReadOnlyPerStatement));
    EXPECT_FALSE(reader->Query("SELECT no_such_column FROM items").ok());
  }
  {
    DB_ASSERT_OK_AND_ASSIGN(auto reader, db().Begin(TxMode::kReadOnlyPerStatement));
  }
  EXPECT_EQ(*Count(db(), "items"), 4);
  DB_ASSERT_OK(Exec(db(), "INSERT INTO items (id, name) VALUES (20, 'c')").status());
  EXPECT_EQ(*Count(db(), "items"), 5);
}

SECCOORD_INSTANTIATE_DATABASE_TEST(DbTest);

TEST(OpenDatabaseTest, UnknownSchemeIsInvalidAndHidesTheUrl) {
  absl::StatusOr<std::unique_ptr<Database>> db =
      OpenDatabase("mysql://root:hunter2@localhost/db");
  EXPECT_EQ(db.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(db.status().message().find("hunter2"), std::string::npos);
  EXPECT_EQ(OpenDatabase("sqlite:").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(OpenDatabaseTest, UnreachablePostgresIsUnavailable) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(
      "postgresql://u:hunter2@127.0.0.1:1/none?connect_timeout=2");
  EXPECT_EQ(db.status().code(), absl::StatusCode::kUnavailable) << db.status();
  EXPECT_EQ(db.status().message().find("hunter2"), std::string::npos);
}

TEST(OpenDatabaseTest, UnopenableSqliteFileIsUnavailable) {
  absl::StatusOr<std::unique_ptr<Database>> db =
      OpenDatabase("sqlite:/nonexistent-dir/sub/x.db");
  EXPECT_EQ(db.status().code(), absl::StatusCode::kUnavailable) << db.status();
}

TEST(SqliteMemoryTest, OneSharedDatabasePerObject) {
  DB_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> a, OpenDatabase("sqlite::memory:"));
  DB_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> b, OpenDatabase("sqlite::memory:"));
  DB_ASSERT_OK(Exec(*a, kCreateItems).status());
  DB_ASSERT_OK(Exec(*a, "INSERT INTO items (id, name) VALUES (1, 'a')").status());
  EXPECT_EQ(*Count(*a, "items"), 1);   // seen by later transactions
  EXPECT_FALSE(Count(*b, "items").ok());  // b is another database
  // Transactions from several threads take turns on the one connection.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        absl::StatusOr<int64_t> n = Exec(*a, "INSERT INTO items (id, name) VALUES ($1, 'x')",
                                         {int64_t{100 + t * 100 + i}});
        EXPECT_TRUE(n.ok()) << n.status();
        EXPECT_TRUE(Count(*a, "items").ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(*Count(*a, "items"), 41);
}

}  // namespace
}  // namespace seccoord::db
