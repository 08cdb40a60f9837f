// The clean-close stamp (services/runtime/db/sqlite_close_stamp.h) on real
// SQLite files opened through the driver: when a stamp is left, when it is
// believed, and that a file changed or crashed after it is checked again.
#include "services/runtime/db/sqlite_close_stamp.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "services/runtime/db/database.h"
#include "services/runtime/db/sqlite_database.h"
#include "tests/support/temp_dir.h"

namespace seccoord::db {
namespace {

namespace fs = std::filesystem;
using seccoord::testing::TempDir;

// Creates a file database with a table of `rows` rows and closes it.
void MakeDatabase(const std::string& file, int rows) {
  auto db = OpenDatabase("sqlite:" + file);
  ASSERT_TRUE(db.ok()) << db.status();
  auto tx = (*db)->Begin(TxMode::kReadWrite);
  ASSERT_TRUE(tx.ok()) << tx.status();
  ASSERT_TRUE((*tx)->Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)").ok());
  for (int i = 0; i < rows; ++i) {
    ASSERT_TRUE((*tx)->Execute("INSERT INTO t (id, body) VALUES ($1, $2)",
                               {int64_t{i}, std::string(200, 'x')})
                    .ok());
  }
  ASSERT_TRUE((*tx)->Commit().ok());
}

bool Take(const std::string& file) { return TakeCloseStamp(file, ReadWal(file)); }

// In the child: one transaction of over 1,000 pages, whose commit
// checkpoints; 0 when it committed.
int CommitPagesToCheckpoint(Database& db) {
  auto tx = db.Begin(TxMode::kReadWrite);
  if (!tx.ok()) return 1;
  for (int i = 0; i < 1200; ++i) {
    if (!(*tx)->Execute("INSERT INTO t (id, body) VALUES ($1, $2)",
                        {int64_t{1000 + i}, std::string(4000, 'y')})
             .ok()) {
      return 2;
    }
  }
  return (*tx)->Commit().ok() ? 0 : 3;
}

// The stamp file's lines.
std::vector<std::string> StampLines(const std::string& file) {
  std::ifstream in(CloseStampPath(file));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Overwrites `bytes` bytes of `path` at `offset` with garbage, in place
// (the same inode), as a bad copy or a stray write would.
void Overwrite(const std::string& path, std::streamoff offset, size_t bytes) {
  std::fstream out(path, std::ios::in | std::ios::out | std::ios::binary);
  out.seekp(offset);
  const std::string garbage(bytes, '\x5a');
  out.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

// Overwrites the second page of `file`.
void DamageSecondPage(const std::string& file) { Overwrite(file, 4096, 4096); }

// Appends a page of garbage to `file`: SQLite reads on, the file is not the
// same.
void AppendToFile(const std::string& file) {
  std::ofstream(file, std::ios::app | std::ios::binary) << std::string(4096, '\x5a');
}

TEST(SqliteCloseStampTest, CleanCloseLeavesAStampThatOneOpenTakes) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  EXPECT_TRUE(fs::exists(CloseStampPath(file)));
  EXPECT_FALSE(fs::exists(file + "-wal")) << "the last close checkpoints and removes the WAL";
  EXPECT_TRUE(Take(file));
  EXPECT_FALSE(fs::exists(CloseStampPath(file))) << "a stamp is good for one open";
  EXPECT_FALSE(Take(file));
}

TEST(SqliteCloseStampTest, OpeningTakesTheStampAndWritesOneOfTheFileAsItIsNow) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  {
    auto db = OpenDatabase("sqlite:" + file);
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_EQ(SqliteCheckedAtOpen(**db).value_or(true), false);
    // Taken at open, and written anew for the file as the open left it
    // (no log yet), so a kill before the first write needs no check.
    const std::vector<std::string> lines = StampLines(file);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[2], "-");
  }
  EXPECT_TRUE(fs::exists(CloseStampPath(file)));
}

TEST(SqliteCloseStampTest, AWriteAfterTheStampVoidsIt) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 40);
  // At once after the close, as a fault injector would: the stamp waited
  // out the file clock, so this write's change time differs.
  DamageSecondPage(file);
  EXPECT_FALSE(Take(file));
}

TEST(SqliteCloseStampTest, ADamagedFileIsRefusedAlthoughItWasClosedCleanly) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 40);
  ASSERT_TRUE(fs::exists(CloseStampPath(file)));
  DamageSecondPage(file);
  auto db = OpenDatabase("sqlite:" + file);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss) << db.status();
}

TEST(SqliteCloseStampTest, AReplacedFileIsNotBelieved) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  const std::string other = dir.path() + "/b.db";
  MakeDatabase(file, 10);
  const std::string stamp = dir.path() + "/saved-stamp";
  fs::copy_file(CloseStampPath(file), stamp);
  // The same bytes under a new inode (a restore by copying).
  fs::copy_file(file, other);
  fs::remove(file);
  fs::rename(other, file);
  fs::copy_file(stamp, CloseStampPath(file), fs::copy_options::overwrite_existing);
  EXPECT_FALSE(Take(file));
}

TEST(SqliteCloseStampTest, AWriteAheadLogBesideTheFileVoidsTheStamp) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  std::ofstream(file + "-wal") << "frames of a server that was killed";
  EXPECT_FALSE(Take(file));
}

// Runs `body` in a child process that then dies without closing anything,
// as a server killed with -9 does; the child's exit code is the test's.
template <typename Body>
void InAKilledChild(Body body) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(body());
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
}

// In the child: the database of `file`, left open when the child exits
// (nullptr when it does not open).
Database* OpenedAndNeverClosed(const std::string& file) {
  auto db = OpenDatabase("sqlite:" + file);
  return db.ok() ? db->release() : nullptr;
}

// In the child: one committed write; 0 when it committed.
int CommitRow(Database& db, int64_t id, const std::string& body) {
  auto tx = db.Begin(TxMode::kReadWrite);
  if (!tx.ok() || !(*tx)->Execute("INSERT INTO t (id, body) VALUES ($1, $2)", {id, body}).ok() ||
      !(*tx)->Commit().ok()) {
    return 3;
  }
  return 0;
}

// The child opens the file (taking the stamp), commits a row and dies.
void CommitAndDie(const std::string& file) {
  InAKilledChild([&] {
    Database* db = OpenedAndNeverClosed(file);
    return db == nullptr ? 2 : CommitRow(*db, 100, "late");
  });
}


TEST(SqliteCloseStampTest, AKilledProcessLeavesAStampOfTheFileAndItsLog) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  CommitAndDie(file);
  ASSERT_TRUE(fs::exists(file + "-wal")) << "the killed process left its log";
  const std::vector<std::string> lines = StampLines(file);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[2], "-") << "the stamp names the log";
  // The next open believes it (no integrity check) and SQLite's recovery
  // replays the log: the committed row survived.
  auto db = OpenDatabase("sqlite:" + file);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(SqliteCheckedAtOpen(**db).value_or(true), false);
  auto tx = (*db)->Begin(TxMode::kReadOnly);
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->Query("SELECT body FROM t WHERE id = 100");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "late");
}

// A commit that wrote no frames (nothing changed) stamps "no log"; the
// first commit that writes frames must stamp the log, or the next start
// would check the file after all.
TEST(SqliteCloseStampTest, AnEmptyCommitBeforeTheFirstWriteStillLeavesAStampOfTheLog) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  InAKilledChild([&] {
    Database* db = OpenedAndNeverClosed(file);
    if (db == nullptr) return 2;
    auto empty = db->Begin(TxMode::kReadWrite);
    if (!empty.ok() || !(*empty)->Commit().ok()) return 4;
    return CommitRow(*db, 100, "late");
  });
  const std::vector<std::string> lines = StampLines(file);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[2], "-");
  auto db = OpenDatabase("sqlite:" + file);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(SqliteCheckedAtOpen(**db).value_or(true), false);
}

TEST(SqliteCloseStampTest, AFileWrittenAfterAKillIsCheckedAgain) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 40);
  CommitAndDie(file);
  ASSERT_TRUE(fs::exists(CloseStampPath(file)));
  DamageSecondPage(file);
  EXPECT_FALSE(Take(file));
}

// A log damaged in place (same inode) after the kill: SQLite's recovery
// stops at the damaged frame, short of what the stamp saw, and the open
// checks the whole file.
TEST(SqliteCloseStampTest, ALogDamagedAfterAKillIsCheckedAgain) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  CommitAndDie(file);
  ASSERT_TRUE(fs::exists(CloseStampPath(file)));
  // Into the page of the log's first frame (after the 32-byte header and
  // the 24-byte frame header).
  Overwrite(file + "-wal", 32 + 24 + 100, 64);
  auto db = OpenDatabase("sqlite:" + file);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(SqliteCheckedAtOpen(**db).value_or(false), true);
}

// Someone else writes the file while the driver has it open (here: the
// killed process itself, behind its driver's back): the driver does not
// stamp a file that is no longer as it left it.
TEST(SqliteCloseStampTest, AFileChangedBehindTheDriversBackIsNotStamped) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 40);
  InAKilledChild([&] {
    Database* db = OpenedAndNeverClosed(file);
    if (db == nullptr) return 2;
    AppendToFile(file);
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    return CommitRow(*db, 100, "late");
  });
  EXPECT_FALSE(fs::exists(CloseStampPath(file)));
  auto db = OpenDatabase("sqlite:" + file);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(SqliteCheckedAtOpen(**db).value_or(false), true);
}

// A write behind the driver's back after its stamp: the next checkpoint
// (the only time the driver writes the file) finds the file changed and
// distrusts it, rather than stamping what it left as the driver's own; so
// does a clean close.
TEST(SqliteCloseStampTest, AFileWrittenBehindTheDriversBackIsNotStampedAfterACheckpoint) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  InAKilledChild([&] {
    Database* db = OpenedAndNeverClosed(file);
    if (db == nullptr) return 2;
    if (CommitRow(*db, 100, "stamped") != 0) return 3;
    AppendToFile(file);
    if (CommitPagesToCheckpoint(*db) != 0) return 4;
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    return CommitRow(*db, 5000, "after the checkpoint");
  });
  EXPECT_FALSE(fs::exists(CloseStampPath(file)));
}

TEST(SqliteCloseStampTest, AFileWrittenBehindTheDriversBackIsNotStampedAtItsClose) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  {
    auto db = OpenDatabase("sqlite:" + file);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_EQ(CommitRow(**db, 100, "late"), 0);
    AppendToFile(file);
  }
  EXPECT_FALSE(fs::exists(CloseStampPath(file)));
}

TEST(SqliteCloseStampTest, AnotherLogBesideAKilledProcessesFileVoidsTheStamp) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  CommitAndDie(file);
  ASSERT_TRUE(fs::exists(CloseStampPath(file)));
  // The same bytes under a new inode: a log copied in from elsewhere
  // would apply another file's pages.
  fs::copy_file(file + "-wal", dir.path() + "/other-wal");
  fs::remove(file + "-wal");
  fs::rename(dir.path() + "/other-wal", file + "-wal");
  EXPECT_FALSE(Take(file));
}

// A checkpoint writes the file: the stamp of before no longer names it,
// until a commit after the file clock moved on stamps it again.
TEST(SqliteCloseStampTest, ACheckpointIsFollowedByANewStamp) {
  for (const bool commit_after : {true, false}) {
    SCOPED_TRACE(commit_after ? "a commit after the checkpoint" : "none after it");
    TempDir dir;
    const std::string file = dir.path() + "/a.db";
    MakeDatabase(file, 10);
    const auto size_before = fs::file_size(file);
    InAKilledChild([&] {
      Database* db = OpenedAndNeverClosed(file);
      if (db == nullptr) return 2;
      if (CommitRow(*db, 100, "stamped") != 0) return 3;
      // Over 1,000 pages of log: the commit checkpoints.
      if (CommitPagesToCheckpoint(*db) != 0) return 4;
      if (!commit_after) return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(40));
      return CommitRow(*db, 5000, "after the checkpoint");
    });
    EXPECT_GT(fs::file_size(file), size_before + 1000 * 4096) << "the checkpoint ran";
    EXPECT_EQ(Take(file), commit_after);
  }
}

TEST(SqliteCloseStampTest, DamageMetWhileOpenRemovesTheStamp) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 40);
  auto db = OpenDatabase("sqlite:" + file);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_EQ(CommitRow(**db, 100, "late"), 0);
  ASSERT_TRUE(fs::exists(CloseStampPath(file))) << "stamped after the first commit";
  DamageSecondPage(file);  // the table's root page
  {
    auto tx = (*db)->Begin(TxMode::kReadOnly);
    ASSERT_TRUE(tx.ok());
    auto rows = (*tx)->Query("SELECT count(*) FROM t");
    ASSERT_FALSE(rows.ok()) << "the damage is met";
  }
  EXPECT_FALSE(fs::exists(CloseStampPath(file)));
  // Nor is one written at the close.
  db->reset();
  EXPECT_FALSE(fs::exists(CloseStampPath(file)));
}

TEST(SqliteCloseStampTest, WhileAnotherDatabaseHoldsTheFileTheStampNamesItsLog) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  auto holder = OpenDatabase("sqlite:" + file);
  ASSERT_TRUE(holder.ok()) << holder.status();
  {
    auto second = OpenDatabase("sqlite:" + file);
    ASSERT_TRUE(second.ok()) << second.status();
    ASSERT_EQ(CommitRow(**second, 200, "b"), 0);
  }
  // The WAL stays while `holder` has the file open: no clean-close stamp,
  // only one that names the log.
  const std::vector<std::string> lines = StampLines(file);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[2], "-");
}

}  // namespace
}  // namespace seccoord::db
