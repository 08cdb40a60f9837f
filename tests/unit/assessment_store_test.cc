// AssessmentStore's federation rows on SQLite and PostgreSQL: a database
// migrated from before the row bodies and the organisations table (schema
// version 2) still lists its summary rows — a page falls back to the whole
// body, the organisations are backfilled — and a row written now is
// stored without its chapters for a federation page, whole for its own
// status.
#include "services/assessment/assessment_store.h"

#include <gtest/gtest.h>

#include "services/runtime/db/migrations.h"
#include "services/runtime/db/proto_column.h"
#include "tests/support/test_database.h"

namespace seccoord::assessment {
namespace {

v1::OrganizationStatus Row(const std::string& organization, int fiscal_year) {
  v1::OrganizationStatus s;
  s.set_organization(organization);
  s.set_fiscal_year(fiscal_year);
  s.set_has_assessment(true);
  s.set_assessment_id(organization + "-" + std::to_string(fiscal_year));
  s.set_state(v1::ASSESSMENT_STATE_ACCEPTED);
  s.mutable_counts()->set_implemented(3);
  s.add_chapters()->set_chapter(1);
  s.add_chapters()->set_chapter(2);
  return s;
}

class AssessmentStoreTest : public seccoord::testing::DatabaseTest {};

TEST_P(AssessmentStoreTest, RowsWrittenBeforeMigration3AreStillListed) {
  std::vector<db::Migration> migrations = AssessmentMigrations();
  ASSERT_GE(migrations.size(), 3u);
  const std::vector<db::Migration> up_to_2(migrations.begin(), migrations.begin() + 2);
  ASSERT_TRUE(db::ApplyMigrations(db(), "assessment", up_to_2).ok());
  const v1::OrganizationStatus old_row = Row("old-town", 2025);
  {
    auto tx = db().Begin(db::TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)
                    ->Execute("INSERT INTO assessment_status (organization, fiscal_year,"
                              " assessment_id, state, has_rate, rate_ppm, update_time_us, body)"
                              " VALUES ($1, $2, $3, $4, 0, 0, 1, $5)",
                              {old_row.organization(), int64_t{2025}, old_row.assessment_id(),
                               static_cast<int64_t>(old_row.state()),
                               db::EncodeProtoColumn(old_row)})
                    .ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  ASSERT_TRUE(db::ApplyMigrations(db(), "assessment", migrations).ok());
  AssessmentStore store(db());
  ASSERT_TRUE(store
                  .Read([&](AssessmentStore::Tx& tx) -> absl::Status {
                    auto listed = tx.ListStatusOfYear(2025);
                    EXPECT_TRUE(listed.ok()) << listed.status();
                    if (!listed.ok()) return listed.status();
                    EXPECT_EQ(listed->size(), 1u);
                    if (listed->size() == 1) {
                      EXPECT_EQ((*listed)[0].assessment_id(), "old-town-2025");
                      EXPECT_EQ((*listed)[0].counts().implemented(), 3);
                    }
                    auto known = tx.HasStatus("old-town");
                    EXPECT_TRUE(known.ok() && *known);
                    auto after = tx.StatusOrganizationsAfter("", 10);
                    EXPECT_TRUE(after.ok());
                    if (after.ok()) EXPECT_EQ(*after, std::vector<std::string>{"old-town"});
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_P(AssessmentStoreTest, AFederationRowHasNoChaptersAndTheOwnStatusHasThem) {
  ASSERT_TRUE(db::ApplyMigrations(db(), "assessment", AssessmentMigrations()).ok());
  AssessmentStore store(db());
  ASSERT_TRUE(store
                  .Write([](AssessmentStore::Tx& tx) -> absl::Status {
                    absl::Status s = tx.UpsertStatus(Row("b-city", 2026));
                    s.Update(tx.UpsertStatus(Row("b-city", 2025)));
                    s.Update(tx.UpsertStatus(Row("a-town", 2026)));
                    return s;
                  })
                  .ok());
  ASSERT_TRUE(store
                  .Read([&](AssessmentStore::Tx& tx) -> absl::Status {
                    auto listed = tx.ListStatusOfYear(2026);
                    EXPECT_TRUE(listed.ok());
                    if (!listed.ok()) return listed.status();
                    EXPECT_EQ(listed->size(), 2u);
                    for (const auto& row : *listed) {
                      EXPECT_EQ(row.chapters_size(), 0) << row.organization();
                      EXPECT_EQ(row.counts().implemented(), 3);
                    }
                    auto own = tx.GetStatus("b-city", 2026);
                    EXPECT_TRUE(own.ok() && own->has_value());
                    if (own.ok() && own->has_value()) EXPECT_EQ((*own)->chapters_size(), 2);
                    // One organisation row each, however many years.
                    auto orgs = tx.StatusOrganizations();
                    EXPECT_TRUE(orgs.ok());
                    if (orgs.ok()) {
                      EXPECT_EQ(*orgs, (std::vector<std::string>{"a-town", "b-city"}));
                    }
                    auto page = tx.StatusOrganizationsAfter("a-town", 10);
                    EXPECT_TRUE(page.ok());
                    if (page.ok()) EXPECT_EQ(*page, std::vector<std::string>{"b-city"});
                    return absl::OkStatus();
                  })
                  .ok());
}

SECCOORD_INSTANTIATE_DATABASE_TEST(AssessmentStoreTest);

}  // namespace
}  // namespace seccoord::assessment
