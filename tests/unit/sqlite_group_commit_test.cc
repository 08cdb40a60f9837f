// Group commit of the SQLite driver on real database files: concurrent
// writers share COMMITs, every acknowledged write is in the file after a
// reopen (also after the writing process died without closing), and the
// writers of one batch fail or succeed on their own — except when SQLite
// loses the whole batch, or its COMMIT fails, which every writer of it is
// told.
//
// The batches of the tests with a fixed cast are made deterministic with the
// driver's statistics: the first writer finishes only once all the others
// wait for the write gate, so the gate passes from writer to writer and the
// last one commits for all (SqliteWriteStats::commits tells it did once).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "services/runtime/db/database.h"
#include "services/runtime/db/sqlite_database.h"
#include "tests/support/temp_dir.h"

namespace seccoord::db {
namespace {

#define GC_ASSERT_OK(expr)                           \
  do {                                               \
    const ::absl::Status gc_status_ = (expr);        \
    ASSERT_TRUE(gc_status_.ok()) << gc_status_;      \
  } while (false)

using seccoord::testing::TempDir;

constexpr char kCreateItems[] =
    "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL)";

absl::Status Insert(Transaction& tx, int64_t id) {
  return tx.Execute("INSERT INTO items (id, name) VALUES ($1, $2)", {id, absl::StrCat("n", id)})
      .status();
}

// Runs `sql` in a write transaction of its own.
absl::Status Exec(Database& db, std::string_view sql) {
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(TxMode::kReadWrite);
  if (!tx.ok()) return tx.status();
  absl::Status ran = (*tx)->Execute(sql).status();
  if (!ran.ok()) return ran;
  return (*tx)->Commit();
}

// The ids in `items`, read through a new Database on `file` (the file as a
// restarted server would find it).
std::set<int64_t> IdsAfterReopen(const std::string& file) {
  std::set<int64_t> ids;
  absl::StatusOr<std::unique_ptr<Database>> db = OpenSqliteDatabase(file);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return ids;
  auto tx = (*db)->Begin(TxMode::kReadOnly);
  EXPECT_TRUE(tx.ok()) << tx.status();
  if (!tx.ok()) return ids;
  auto rows = (*tx)->Query("SELECT id FROM items ORDER BY id");
  EXPECT_TRUE(rows.ok()) << rows.status();
  if (!rows.ok()) return ids;
  for (const Row& row : *rows) ids.insert(row.Int(0));
  return ids;
}

SqliteWriteStats Stats(const Database& db) {
  absl::StatusOr<SqliteWriteStats> stats = SqliteWriteStatsOf(db);
  EXPECT_TRUE(stats.ok()) << stats.status();
  return stats.ok() ? *stats : SqliteWriteStats{};
}

// Waits (up to 10 s) until `n` writers wait for the write gate of `db`.
bool WaitForWaitingWriters(const Database& db, int64_t n) {
  for (int i = 0; i < 2000; ++i) {
    if (Stats(db).waiting_writers == n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// One writer of a batch: its statements, then Commit (or, if !commit, the
// transaction is destroyed without it).
struct Writer {
  std::function<absl::Status(Transaction&)> body;
  bool commit = true;
};

// Runs `writers` as one batch (see the file comment) and returns what each
// got: the error of Begin or of its body, else its Commit's status (OK for
// a writer destroyed without Commit).
std::vector<absl::Status> RunOneBatch(Database& db, const std::vector<Writer>& writers) {
  std::vector<absl::Status> results(writers.size());
  auto run = [&](size_t i, const std::function<void()>& before_end) {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(TxMode::kReadWrite);
    if (!tx.ok()) {
      results[i] = tx.status();
      return;
    }
    results[i] = writers[i].body(**tx);
    if (before_end) before_end();
    if (results[i].ok() && writers[i].commit) results[i] = (*tx)->Commit();
  };
  std::atomic<bool> first_began{false};
  std::thread first([&] {
    run(0, [&] {
      first_began = true;
      EXPECT_TRUE(WaitForWaitingWriters(db, static_cast<int64_t>(writers.size()) - 1))
          << "the other writers never queued up";
    });
  });
  while (!first_began) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::vector<std::thread> rest;
  for (size_t i = 1; i < writers.size(); ++i) rest.emplace_back([&, i] { run(i, nullptr); });
  first.join();
  for (std::thread& t : rest) t.join();
  return results;
}

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    file_ = dir_.path() + "/gc.db";
    absl::StatusOr<std::unique_ptr<Database>> db = OpenSqliteDatabase(file_);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    GC_ASSERT_OK(Exec(*db_, kCreateItems));
  }


 public:  // also for ExpectManyPagesUndoneAlone
  Database& db() { return *db_; }

  TempDir dir_{"seccoord-gc"};
  std::string file_;
  std::unique_ptr<Database> db_;
};

TEST_F(GroupCommitTest, ConcurrentWritesShareCommitsAndAllAreInTheFileAfterReopen) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  const SqliteWriteStats before = Stats(db());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<std::unique_ptr<Transaction>> tx = db().Begin(TxMode::kReadWrite);
        absl::Status s = tx.status();
        if (s.ok()) s = Insert(**tx, t * 1000 + i);
        if (s.ok()) s = (*tx)->Commit();
        if (!s.ok()) {
          ++failures;
          ADD_FAILURE() << s;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  const SqliteWriteStats after = Stats(db());
  const int64_t writes = kThreads * kPerThread;
  EXPECT_EQ(after.committed_writes - before.committed_writes, writes);
  EXPECT_LT(after.commits - before.commits, writes) << "no two writes shared a COMMIT";
  EXPECT_GT(after.commits - before.commits, 0);
  db_.reset();
  std::set<int64_t> ids = IdsAfterReopen(file_);
  EXPECT_EQ(ids.size(), static_cast<size_t>(writes));
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) EXPECT_EQ(ids.count(t * 1000 + i), 1u) << t << "/" << i;
  }
}

TEST_F(GroupCommitTest, AFailedWriterLosesOnlyItsOwnRowsAndSeesEarlierWritersOfItsBatch) {
  const SqliteWriteStats before = Stats(db());
  std::vector<absl::Status> results = RunOneBatch(
      db(), {
                {[](Transaction& tx) {
                   absl::Status s = Insert(tx, 1);
                   return s.ok() ? Insert(tx, 2) : s;
                 }},
                // After the first writer: it sees row 1 (released, not yet
                // committed) and collides with it.
                {[](Transaction& tx) {
                   absl::Status s = Insert(tx, 10);
                   return s.ok() ? Insert(tx, 1) : s;
                 }},
                {[](Transaction& tx) { return Insert(tx, 20); }},
            });
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_EQ(results[1].code(), absl::StatusCode::kAlreadyExists) << results[1];
  EXPECT_TRUE(results[2].ok()) << results[2];
  EXPECT_EQ(Stats(db()).commits - before.commits, 1) << "the three did not share one COMMIT";
  db_.reset();
  EXPECT_EQ(IdsAfterReopen(file_), (std::set<int64_t>{1, 2, 20}));
}

TEST_F(GroupCommitTest, AWriterDestroyedWithoutCommitUndoesOnlyItsOwnRows) {
  const SqliteWriteStats before = Stats(db());
  std::vector<absl::Status> results = RunOneBatch(
      db(), {
                {[](Transaction& tx) { return Insert(tx, 1); }},
                {[](Transaction& tx) { return Insert(tx, 10); }, /*commit=*/false},
                {[](Transaction& tx) { return Insert(tx, 20); }},
            });
  for (const absl::Status& result : results) EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(Stats(db()).commits - before.commits, 1);
  db_.reset();
  EXPECT_EQ(IdsAfterReopen(file_), (std::set<int64_t>{1, 20}));
}

// A writer that rewrites `rows` existing rows of `row_bytes` (every page of
// them) in a batch, between two writers that commit, and is destroyed
// without Commit: its savepoint's journal, kept in memory on the writer
// connection (temp_store = MEMORY, sqlite_database.cc OpenWriterConn), puts
// every page back, and only the two others' rows are added. A writer that
// runs longer than the batch's delay bound (5 ms) may close its batch: then
// the last writer commits in a batch of its own.
void ExpectManyPagesUndoneAlone(GroupCommitTest& test, int rows, size_t row_bytes,
                                bool within_delay_bound) {
  const std::string original(row_bytes, 'o');
  const std::string changed(row_bytes, 'x');
  {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = test.db().Begin(TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok()) << tx.status();
    for (int id = 1000; id < 1000 + rows; ++id) {
      GC_ASSERT_OK((*tx)->Execute("INSERT INTO items (id, name) VALUES ($1, $2)",
                                  {static_cast<int64_t>(id), original})
                       .status());
    }
    GC_ASSERT_OK((*tx)->Commit());
  }
  const SqliteWriteStats before = Stats(test.db());
  std::vector<absl::Status> results = RunOneBatch(
      test.db(), {
                     {[](Transaction& tx) { return Insert(tx, 1); }},
                     {[&](Transaction& tx) -> absl::Status {
                        absl::StatusOr<int64_t> n = tx.Execute(
                            "UPDATE items SET name = $1 WHERE id >= 1000", {changed});
                        if (!n.ok()) return n.status();
                        if (*n != rows) return absl::InternalError("not every row changed");
                        return Insert(tx, 10);
                      },
                      /*commit=*/false},
                     {[&](Transaction& tx) -> absl::Status {
                        // After the undone writer: it sees the rows as they were.
                        absl::StatusOr<std::vector<Row>> n = tx.Query(
                            "SELECT COUNT(*) FROM items WHERE id >= 1000 AND name = $1",
                            {original});
                        if (!n.ok()) return n.status();
                        if (n->at(0).Int(0) != rows) {
                          return absl::InternalError("the undone writer's changes are visible");
                        }
                        absl::StatusOr<std::vector<Row>> store = tx.Query("PRAGMA temp_store");
                        if (!store.ok()) return store.status();
                        if (store->at(0).Int(0) != 2) {
                          return absl::InternalError("the writer's temp_store is not MEMORY (2)");
                        }
                        return Insert(tx, 20);
                      }},
                 });
  for (const absl::Status& result : results) EXPECT_TRUE(result.ok()) << result;
  if (within_delay_bound) {
    EXPECT_EQ(Stats(test.db()).commits - before.commits, 1)
        << "the three did not share one COMMIT";
  }
  test.db_.reset();
  std::set<int64_t> ids = IdsAfterReopen(test.file_);
  EXPECT_EQ(ids.count(1), 1u);
  EXPECT_EQ(ids.count(10), 0u);
  EXPECT_EQ(ids.count(20), 1u);
  EXPECT_EQ(ids.size(), static_cast<size_t>(rows) + 2);
  absl::StatusOr<std::unique_ptr<Database>> reopened = OpenSqliteDatabase(test.file_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  auto tx = (*reopened)->Begin(TxMode::kReadOnly);
  ASSERT_TRUE(tx.ok()) << tx.status();
  auto n = (*tx)->Query("SELECT COUNT(*) FROM items WHERE name = $1", {original});
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(n->at(0).Int(0), rows);
}

// About 100 pages (400 KB): past the 64 KiB at which SQLite's default would
// have spilled the journal to a temporary file.
TEST_F(GroupCommitTest, AWriterChangingManyPagesIsUndoneAloneFromItsInMemoryJournal) {
  ExpectManyPagesUndoneAlone(*this, 400, 1000, /*within_delay_bound=*/true);
}

// About 1,500 pages (6 MB) in the journal: still undone page for page.
TEST_F(GroupCommitTest, AWriterChangingThousandsOfPagesIsUndoneAloneFromItsInMemoryJournal) {
  ExpectManyPagesUndoneAlone(*this, 6000, 1000, /*within_delay_bound=*/false);
}

TEST_F(GroupCommitTest, ReadersSeeABatchOnlyOnceItIsCommitted) {
  std::vector<int64_t> seen;  // by the second writer: its own view, a reader's
  std::vector<absl::Status> results = RunOneBatch(
      db(), {
                {[](Transaction& tx) { return Insert(tx, 1); }},
                {[&](Transaction& tx) -> absl::Status {
                   absl::StatusOr<std::vector<Row>> mine = tx.Query("SELECT COUNT(*) FROM items");
                   if (!mine.ok()) return mine.status();
                   seen.push_back((*mine)[0].Int(0));
                   absl::StatusOr<std::unique_ptr<Transaction>> reader =
                       db().Begin(TxMode::kReadOnly);
                   if (!reader.ok()) return reader.status();
                   absl::StatusOr<std::vector<Row>> theirs =
                       (*reader)->Query("SELECT COUNT(*) FROM items");
                   if (!theirs.ok()) return theirs.status();
                   seen.push_back((*theirs)[0].Int(0));
                   return Insert(tx, 2);
                 }},
            });
  for (const absl::Status& result : results) EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 0}));
  auto reader = db().Begin(TxMode::kReadOnly);
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto rows = (*reader)->Query("SELECT COUNT(*) FROM items");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].Int(0), 2);
}

// Serially, a deferred foreign key left unresolved fails its own
// transaction's COMMIT; in a batch it must not fail the others' COMMIT.
TEST_F(GroupCommitTest, AnUnresolvedDeferredForeignKeyFailsOnlyItsWriter) {
  GC_ASSERT_OK(Exec(db(),
                    "CREATE TABLE notes (id BIGINT PRIMARY KEY, item BIGINT REFERENCES items (id) "
                    "DEFERRABLE INITIALLY DEFERRED)"));
  std::vector<absl::Status> results = RunOneBatch(
      db(), {
                {[](Transaction& tx) { return Insert(tx, 1); }},
                {[](Transaction& tx) {
                   absl::Status s = Insert(tx, 10);
                   if (!s.ok()) return s;
                   return tx.Execute("INSERT INTO notes (id, item) VALUES (1, 999)").status();
                 }},
                {[](Transaction& tx) { return Insert(tx, 20); }},
            });
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_EQ(results[1].code(), absl::StatusCode::kFailedPrecondition) << results[1];
  EXPECT_TRUE(results[2].ok()) << results[2];
  db_.reset();
  EXPECT_EQ(IdsAfterReopen(file_), (std::set<int64_t>{1, 20}));
}

// SQLITE_FULL on a one-row INSERT (no statement journal) makes SQLite roll
// back the whole transaction by itself: the released work of the batch's
// earlier writers is gone, so each of them must get an error, not OK. The
// full disk is a real one to SQLite: PRAGMA max_page_count on the writer
// connection caps the file at its current size.
TEST_F(GroupCommitTest, ABatchLostByAnotherWritersFullDiskFailsEveryWriterOfIt) {
  GC_ASSERT_OK(Exec(db(), "CREATE TABLE blobs (id BIGINT PRIMARY KEY, body TEXT NOT NULL)"));
  const std::string big(1 << 20, 'x');
  std::vector<absl::Status> results = RunOneBatch(
      db(), {
                {[](Transaction& tx) { return Insert(tx, 1); }},
                {[&](Transaction& tx) -> absl::Status {
                   absl::StatusOr<std::vector<Row>> pages = tx.Query("PRAGMA page_count");
                   if (!pages.ok()) return pages.status();
                   absl::Status capped =
                       tx.Query(absl::StrCat("PRAGMA max_page_count = ", (*pages)[0].Int(0)))
                           .status();
                   if (!capped.ok()) return capped;
                   return tx.Execute("INSERT INTO blobs (id, body) VALUES (1, $1)", {big})
                       .status();
                 }},
            });
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].code(), absl::StatusCode::kResourceExhausted) << results[1];
  EXPECT_FALSE(results[0].ok()) << "a write of the lost batch was acknowledged";
  EXPECT_NE(results[0].message().find("group commit"), std::string::npos) << results[0];

  // The writer connection works on: lift the cap, write again.
  {
    auto tx = db().Begin(TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok()) << tx.status();
    GC_ASSERT_OK((*tx)->Query("PRAGMA max_page_count = 4294967294").status());
    GC_ASSERT_OK(Insert(**tx, 3));
    GC_ASSERT_OK((*tx)->Commit());
  }
  db_.reset();
  EXPECT_EQ(IdsAfterReopen(file_), (std::set<int64_t>{3}));
}

// A process that acknowledged writes and died without closing anything (no
// checkpoint, the WAL left behind, other writers mid-batch): each
// acknowledged row is in the file when it is opened again.
TEST_F(GroupCommitTest, AcknowledgedWritesSurviveTheWritingProcessDying) {
  db_.reset();  // the child opens the file itself
  int acks[2];
  ASSERT_EQ(::pipe(acks), 0);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  constexpr int kExitAfter = 120;  // acknowledged writes before the child dies
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(acks[0]);
    absl::StatusOr<std::unique_ptr<Database>> db = OpenSqliteDatabase(file_);
    if (!db.ok()) ::_exit(2);
    Database* raw = db->release();  // never closed
    std::atomic<int> acked{0};
    for (int t = 0; t < kThreads; ++t) {
      std::thread([raw, &acked, t, fd = acks[1]] {
        for (int i = 0; i < kPerThread; ++i) {
          const int64_t id = t * 1000 + i;
          auto tx = raw->Begin(TxMode::kReadWrite);
          if (!tx.ok() || !Insert(**tx, id).ok() || !(*tx)->Commit().ok()) ::_exit(3);
          if (::write(fd, &id, sizeof id) != sizeof id) ::_exit(4);
          ++acked;
        }
      }).detach();
    }
    while (acked.load() < kExitAfter) std::this_thread::yield();
    ::_exit(0);
  }
  ::close(acks[1]);
  std::vector<int64_t> acknowledged;
  int64_t id = 0;
  while (::read(acks[0], &id, sizeof id) == sizeof id) acknowledged.push_back(id);
  ::close(acks[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  ASSERT_GE(acknowledged.size(), static_cast<size_t>(kExitAfter));
  std::set<int64_t> ids = IdsAfterReopen(file_);
  for (int64_t acked : acknowledged) EXPECT_EQ(ids.count(acked), 1u) << acked << " was lost";
}

// A write-ahead log that cannot be written: SQLite's default VFS wrapped so
// that, while armed, every write to a WAL file fails with SQLITE_IOERR_WRITE
// (what a disk that went bad or away gives). Everything else is passed on.
// Installed as the default VFS for its lifetime, so the driver, which opens
// its connections on the default, uses it without knowing; only connections
// opened while it is installed do.
class FailingWalWrites {
 public:
  FailingWalWrites() : real_(sqlite3_vfs_find(nullptr)) {
    vfs_ = *real_;
    vfs_.iVersion = 2;
    vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
    vfs_.zName = "seccoord-failing-wal-writes";
    vfs_.pNext = nullptr;
    vfs_.pAppData = this;
    vfs_.xOpen = &FailingWalWrites::Open;
    vfs_.xSetSystemCall = nullptr;
    vfs_.xGetSystemCall = nullptr;
    vfs_.xNextSystemCall = nullptr;
    // The rest forward to the real VFS with the real VFS as their argument.
    vfs_.xDelete = [](sqlite3_vfs* v, const char* name, int sync) {
      return Real(v)->xDelete(Real(v), name, sync);
    };
    vfs_.xAccess = [](sqlite3_vfs* v, const char* name, int flags, int* out) {
      return Real(v)->xAccess(Real(v), name, flags, out);
    };
    vfs_.xFullPathname = [](sqlite3_vfs* v, const char* name, int n, char* out) {
      return Real(v)->xFullPathname(Real(v), name, n, out);
    };
    vfs_.xDlOpen = [](sqlite3_vfs* v, const char* name) { return Real(v)->xDlOpen(Real(v), name); };
    vfs_.xDlError = [](sqlite3_vfs* v, int n, char* out) { Real(v)->xDlError(Real(v), n, out); };
    vfs_.xDlSym = [](sqlite3_vfs* v, void* h, const char* sym) {
      return Real(v)->xDlSym(Real(v), h, sym);
    };
    vfs_.xDlClose = [](sqlite3_vfs* v, void* h) { Real(v)->xDlClose(Real(v), h); };
    vfs_.xRandomness = [](sqlite3_vfs* v, int n, char* out) {
      return Real(v)->xRandomness(Real(v), n, out);
    };
    vfs_.xSleep = [](sqlite3_vfs* v, int us) { return Real(v)->xSleep(Real(v), us); };
    vfs_.xCurrentTime = [](sqlite3_vfs* v, double* t) { return Real(v)->xCurrentTime(Real(v), t); };
    vfs_.xGetLastError = [](sqlite3_vfs* v, int n, char* out) {
      return Real(v)->xGetLastError(Real(v), n, out);
    };
    vfs_.xCurrentTimeInt64 = [](sqlite3_vfs* v, sqlite3_int64* t) {
      return Real(v)->xCurrentTimeInt64(Real(v), t);
    };
    installed_ = sqlite3_vfs_register(&vfs_, /*makeDflt=*/1) == SQLITE_OK;
  }
  ~FailingWalWrites() {
    if (!installed_) return;
    sqlite3_vfs_unregister(&vfs_);
    sqlite3_vfs_register(real_, /*makeDflt=*/1);
  }
  FailingWalWrites(const FailingWalWrites&) = delete;
  FailingWalWrites& operator=(const FailingWalWrites&) = delete;

  bool installed() const { return installed_; }
  void Arm(bool on) { armed_ = on; }
  int64_t failed_writes() const { return failed_writes_; }

 private:
  struct File {
    sqlite3_file base;
    FailingWalWrites* owner;
    bool wal;
    sqlite3_file* real;  // the real VFS's file, right behind this struct
  };
  static sqlite3_vfs* Real(sqlite3_vfs* v) {
    return static_cast<FailingWalWrites*>(v->pAppData)->real_;
  }
  static sqlite3_file* R(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

  static int Open(sqlite3_vfs* v, sqlite3_filename name, sqlite3_file* file, int flags,
                  int* out_flags) {
    auto* self = static_cast<FailingWalWrites*>(v->pAppData);
    auto* f = reinterpret_cast<File*>(file);
    f->owner = self;
    f->wal = (flags & SQLITE_OPEN_WAL) != 0;
    f->real = reinterpret_cast<sqlite3_file*>(f + 1);
    const int rc = self->real_->xOpen(self->real_, name, f->real, flags, out_flags);
    f->base.pMethods = f->real->pMethods != nullptr ? &kMethods : nullptr;
    return rc;
  }
  static int Write(sqlite3_file* file, const void* data, int n, sqlite3_int64 offset) {
    auto* f = reinterpret_cast<File*>(file);
    if (f->wal && f->owner->armed_) {
      ++f->owner->failed_writes_;
      return SQLITE_IOERR_WRITE;
    }
    return f->real->pMethods->xWrite(f->real, data, n, offset);
  }

  static constexpr sqlite3_io_methods kMethods = {
      3,
      [](sqlite3_file* f) { return R(f)->pMethods->xClose(R(f)); },
      [](sqlite3_file* f, void* out, int n, sqlite3_int64 off) {
        return R(f)->pMethods->xRead(R(f), out, n, off);
      },
      &FailingWalWrites::Write,
      [](sqlite3_file* f, sqlite3_int64 size) { return R(f)->pMethods->xTruncate(R(f), size); },
      [](sqlite3_file* f, int flags) { return R(f)->pMethods->xSync(R(f), flags); },
      [](sqlite3_file* f, sqlite3_int64* size) { return R(f)->pMethods->xFileSize(R(f), size); },
      [](sqlite3_file* f, int lock) { return R(f)->pMethods->xLock(R(f), lock); },
      [](sqlite3_file* f, int lock) { return R(f)->pMethods->xUnlock(R(f), lock); },
      [](sqlite3_file* f, int* out) { return R(f)->pMethods->xCheckReservedLock(R(f), out); },
      [](sqlite3_file* f, int op, void* arg) { return R(f)->pMethods->xFileControl(R(f), op, arg); },
      [](sqlite3_file* f) { return R(f)->pMethods->xSectorSize(R(f)); },
      [](sqlite3_file* f) { return R(f)->pMethods->xDeviceCharacteristics(R(f)); },
      [](sqlite3_file* f, int page, int size, int extend, void volatile** out) {
        return R(f)->pMethods->xShmMap(R(f), page, size, extend, out);
      },
      [](sqlite3_file* f, int offset, int n, int flags) {
        return R(f)->pMethods->xShmLock(R(f), offset, n, flags);
      },
      [](sqlite3_file* f) { R(f)->pMethods->xShmBarrier(R(f)); },
      [](sqlite3_file* f, int remove) { return R(f)->pMethods->xShmUnmap(R(f), remove); },
      [](sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
        return R(f)->pMethods->xFetch(R(f), off, n, out);
      },
      [](sqlite3_file* f, sqlite3_int64 off, void* p) {
        return R(f)->pMethods->xUnfetch(R(f), off, p);
      },
  };

  sqlite3_vfs* const real_;
  sqlite3_vfs vfs_{};
  bool installed_ = false;
  std::atomic<bool> armed_{false};
  std::atomic<int64_t> failed_writes_{0};
};

// The COMMIT of a batch fails (its WAL frames cannot be written): SQLite
// committed nothing, so no writer of the batch may be told OK — each gets
// the COMMIT's error — and none of their rows is in the file. The writer
// connection is replaced, and the next write commits. (The driver's
// statistics tell the three writers were one batch: one COMMIT more, no
// write more acknowledged.)
TEST(GroupCommitFailureTest, AFailedCommitFailsEveryWriterOfItsBatchAndKeepsNoneOfTheirRows) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string file = dir.path() + "/gc.db";
  FailingWalWrites wal;
  ASSERT_TRUE(wal.installed());
  {
    absl::StatusOr<std::unique_ptr<Database>> opened = OpenSqliteDatabase(file);
    ASSERT_TRUE(opened.ok()) << opened.status();
    Database& db = **opened;
    GC_ASSERT_OK(Exec(db, kCreateItems));
    {
      auto tx = db.Begin(TxMode::kReadWrite);
      ASSERT_TRUE(tx.ok()) << tx.status();
      GC_ASSERT_OK(Insert(**tx, 1));
      GC_ASSERT_OK((*tx)->Commit());
    }
    const SqliteWriteStats before = Stats(db);

    // Small rows: the statements keep their pages in the writer's cache,
    // so the first write to the WAL is the batch's COMMIT.
    wal.Arm(true);
    std::vector<absl::Status> results =
        RunOneBatch(db, {
                            {[](Transaction& tx) { return Insert(tx, 10); }},
                            {[](Transaction& tx) { return Insert(tx, 11); }},
                            {[](Transaction& tx) { return Insert(tx, 12); }},
                        });
    wal.Arm(false);
    EXPECT_GT(wal.failed_writes(), 0);
    ASSERT_EQ(results.size(), 3u);
    for (const absl::Status& result : results) {
      EXPECT_FALSE(result.ok()) << "a write whose COMMIT failed was acknowledged";
      // UNAVAILABLE (SQLITE_IOERR): nothing was committed, so a client may
      // send the same request again.
      EXPECT_EQ(result.code(), absl::StatusCode::kUnavailable) << result;
      EXPECT_NE(result.message().find("the COMMIT of a group of 3 writes: none of them is "
                                      "committed"),
                std::string::npos)
          << result;
    }
    const SqliteWriteStats after = Stats(db);
    EXPECT_EQ(after.commits, before.commits + 1) << "the three writers were not one batch";
    EXPECT_EQ(after.committed_writes, before.committed_writes);

    // Readers see none of the batch; the next write commits.
    {
      auto tx = db.Begin(TxMode::kReadOnly);
      ASSERT_TRUE(tx.ok()) << tx.status();
      auto rows = (*tx)->Query("SELECT count(*) FROM items");
      ASSERT_TRUE(rows.ok()) << rows.status();
      EXPECT_EQ((*rows)[0].Int(0), 1);
    }
    {
      auto tx = db.Begin(TxMode::kReadWrite);
      ASSERT_TRUE(tx.ok()) << tx.status();
      GC_ASSERT_OK(Insert(**tx, 20));
      GC_ASSERT_OK((*tx)->Commit());
    }
  }
  EXPECT_EQ(IdsAfterReopen(file), (std::set<int64_t>{1, 20}));
}

TEST(GroupCommitStatsTest, OnlyFileDatabasesHaveThem) {
  absl::StatusOr<std::unique_ptr<Database>> memory = OpenSqliteDatabase(kSqliteMemory);
  ASSERT_TRUE(memory.ok()) << memory.status();
  EXPECT_EQ(SqliteWriteStatsOf(**memory).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace seccoord::db
