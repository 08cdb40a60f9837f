// The clean-close stamp (services/runtime/db/sqlite_close_stamp.h) on real
// SQLite files opened through the driver: when a stamp is left, when it is
// believed, and that a file changed or crashed after it is checked again.
#include "services/runtime/db/sqlite_close_stamp.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "services/runtime/db/database.h"
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

// Overwrites the second page of `file` with garbage, as a bad copy would.
void DamageSecondPage(const std::string& file) {
  std::fstream out(file, std::ios::in | std::ios::out | std::ios::binary);
  out.seekp(4096);
  const std::string garbage(4096, '\x5a');
  out.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

TEST(SqliteCloseStampTest, CleanCloseLeavesAStampThatOneOpenTakes) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  EXPECT_TRUE(fs::exists(CloseStampPath(file)));
  EXPECT_FALSE(fs::exists(file + "-wal")) << "the last close checkpoints and removes the WAL";
  EXPECT_TRUE(TakeCloseStamp(file));
  EXPECT_FALSE(fs::exists(CloseStampPath(file))) << "a stamp is good for one open";
  EXPECT_FALSE(TakeCloseStamp(file));
}

TEST(SqliteCloseStampTest, OpeningConsumesTheStampAndClosingWritesANewOne) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  {
    auto db = OpenDatabase("sqlite:" + file);
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_FALSE(fs::exists(CloseStampPath(file))) << "taken at open, before any write";
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
  EXPECT_FALSE(TakeCloseStamp(file));
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
  EXPECT_FALSE(TakeCloseStamp(file));
}

TEST(SqliteCloseStampTest, AWriteAheadLogBesideTheFileVoidsTheStamp) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  std::ofstream(file + "-wal") << "frames of a server that was killed";
  EXPECT_FALSE(TakeCloseStamp(file));
}

TEST(SqliteCloseStampTest, AKilledProcessLeavesNoStamp) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Opens (taking the stamp), commits a row, and dies without closing.
    auto db = OpenDatabase("sqlite:" + file);
    if (!db.ok()) ::_exit(2);
    auto tx = (*db)->Begin(TxMode::kReadWrite);
    if (!tx.ok() || !(*tx)->Execute("INSERT INTO t (id, body) VALUES (100, 'late')").ok() ||
        !(*tx)->Commit().ok()) {
      ::_exit(3);
    }
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(fs::exists(CloseStampPath(file)));
  EXPECT_FALSE(TakeCloseStamp(file));
  // The committed row survived; the next open checked the file and serves it.
  auto db = OpenDatabase("sqlite:" + file);
  ASSERT_TRUE(db.ok()) << db.status();
  auto tx = (*db)->Begin(TxMode::kReadOnly);
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->Query("SELECT body FROM t WHERE id = 100");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "late");
}

TEST(SqliteCloseStampTest, NoStampWhileAnotherDatabaseHoldsTheFile) {
  TempDir dir;
  const std::string file = dir.path() + "/a.db";
  MakeDatabase(file, 10);
  auto holder = OpenDatabase("sqlite:" + file);
  ASSERT_TRUE(holder.ok()) << holder.status();
  {
    auto second = OpenDatabase("sqlite:" + file);
    ASSERT_TRUE(second.ok()) << second.status();
    auto tx = (*second)->Begin(TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)->Execute("INSERT INTO t (id, body) VALUES (200, 'b')").ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  // The WAL stays while `holder` has the file open: no proof of a clean close.
  EXPECT_FALSE(fs::exists(CloseStampPath(file)));
}

}  // namespace
}  // namespace seccoord::db
