// Change signals across processes: on PostgreSQL a listener on one Database
// hears a commit made through another (a replica); a rolled-back
// transaction signals nothing. SQLite needs no listener.
#include <gtest/gtest.h>

#include "services/runtime/db/database.h"
#include "services/runtime/event_notifier.h"
#include "tests/support/test_database.h"

namespace seccoord::db {
namespace {

using std::chrono::milliseconds;

class ChangeListenerTest : public seccoord::testing::DatabaseTest {};

absl::Status Signal(Database& db, bool commit) {
  auto tx = db.Begin(TxMode::kReadWrite);
  if (!tx.ok()) return tx.status();
  auto status = (*tx)->NotifyOnCommit("seccoord_test_events");
  if (!status.ok()) return status;
  return commit ? (*tx)->Commit() : absl::OkStatus();
}

TEST_P(ChangeListenerTest, AReplicaHearsCommittedSignalsOnly) {
  auto listener = db().Listen("seccoord_test_events");
  ASSERT_TRUE(listener.ok()) << listener.status();
  if (driver() == "sqlite") {
    EXPECT_EQ(*listener, nullptr);  // one writer process: nothing to listen to
    EXPECT_TRUE(Signal(db(), true).ok());
    return;
  }
  ASSERT_NE(*listener, nullptr);
  auto replica = test_db().OpenAnother();
  ASSERT_TRUE(replica.ok());

  ASSERT_TRUE(Signal(**replica, /*commit=*/false).ok());
  auto heard = (*listener)->Wait(milliseconds(300));
  ASSERT_TRUE(heard.ok());
  EXPECT_FALSE(*heard) << "a rolled-back transaction must not signal";

  ASSERT_TRUE(Signal(**replica, /*commit=*/true).ok());
  heard = (*listener)->Wait(milliseconds(10000));
  ASSERT_TRUE(heard.ok());
  EXPECT_TRUE(*heard);
  heard = (*listener)->Wait(milliseconds(50));
  ASSERT_TRUE(heard.ok());
  EXPECT_FALSE(*heard) << "one commit is heard once";
}

TEST_P(ChangeListenerTest, NotifierFollowsOtherReplicasOnPostgres) {
  if (driver() == "sqlite") GTEST_SKIP() << "SQLite has one writer process";
  runtime::EventNotifier notifier;
  notifier.FollowDatabase(db(), "seccoord_test_events");
  auto replica = test_db().OpenAnother();
  ASSERT_TRUE(replica.ok());
  // The follower announces itself once it listens; then each commit of the
  // replica moves the generation.
  notifier.WaitForChange(0, milliseconds(10000));
  const uint64_t listening = notifier.generation();
  ASSERT_EQ(listening, 1u);
  ASSERT_TRUE(Signal(**replica, true).ok());
  notifier.WaitForChange(listening, milliseconds(10000));
  EXPECT_GT(notifier.generation(), listening);
}

TEST(ChangeChannelTest, NamesAreIdentifiersOnly) {
  EXPECT_TRUE(IsValidChannelName("seccoord_revision_events"));
  EXPECT_FALSE(IsValidChannelName(""));
  EXPECT_FALSE(IsValidChannelName("x\"; DROP TABLE documents; --"));
  EXPECT_FALSE(IsValidChannelName(std::string(64, 'a')));
}

SECCOORD_INSTANTIATE_DATABASE_TEST(ChangeListenerTest);

}  // namespace
}  // namespace seccoord::db
