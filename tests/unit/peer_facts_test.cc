// PeerFactCache over the real AssessmentStore, on SQLite and PostgreSQL:
// a record is written to the store before the cache shows it; a failed read
// keeps the last summary and its time but is no longer ok; a new cache over
// the same store (a restarted server) shows what was recorded before; a
// batch; ranges of organisations.
#include "services/assessment/peer_facts.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

#include "services/runtime/db/migrations.h"
#include "tests/support/test_database.h"

namespace seccoord::assessment {
namespace {

v1::FindingsSummary Summary(int critical, int rules) {
  v1::FindingsSummary s;
  s.set_total(critical);
  for (int i = 0; i < rules; ++i) {
    auto* rule = s.add_by_rule();
    rule->set_rule_id(absl::StrCat("RULE_", i));
    rule->set_count(1);
  }
  return s;
}

absl::Status Record(PeerFactCache& cache, const std::string& organization, int64_t time_us,
                    const v1::FindingsSummary* summary) {
  PeerFactCache::FindingsRead read;
  read.organization = organization;
  read.time_us = time_us;
  if (summary != nullptr) read.summary = *summary;
  return cache.RecordFindings({read});
}

class PeerFactCacheTest : public seccoord::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db::ApplyMigrations(db(), "assessment", AssessmentMigrations()).ok());
    store_ = std::make_unique<AssessmentStore>(db());
  }

  // The row as stored, read past any cache.
  std::optional<AssessmentStore::Tx::PeerFact> Row(const std::string& kind,
                                                   const std::string& key) {
    std::optional<AssessmentStore::Tx::PeerFact> out;
    EXPECT_TRUE(store_
                    ->Read([&](AssessmentStore::Tx& tx) -> absl::Status {
                      auto row = tx.GetPeerFact(kind, key);
                      if (!row.ok()) return row.status();
                      out = *row;
                      return absl::OkStatus();
                    })
                    .ok());
    return out;
  }

  std::unique_ptr<AssessmentStore> store_;
};

TEST_P(PeerFactCacheTest, NothingRecordedIsNull) {
  PeerFactCache cache(*store_);
  auto findings = cache.Findings("kasama-union");
  ASSERT_TRUE(findings.ok()) << findings.status();
  EXPECT_EQ(*findings, nullptr);
  auto documents = cache.Documents();
  ASSERT_TRUE(documents.ok());
  EXPECT_EQ(*documents, nullptr);
}

TEST_P(PeerFactCacheTest, ARecordIsStoredAndShownWithItsTime) {
  PeerFactCache cache(*store_);
  ASSERT_TRUE(cache.Findings("kasama-union").ok());  // loaded (empty) before the record
  const v1::FindingsSummary summary = Summary(3, 2);
  ASSERT_TRUE(Record(cache, "kasama-union", 1000, &summary).ok());
  auto row = Row("findings", "kasama-union");
  ASSERT_TRUE(row.has_value());
  EXPECT_TRUE(row->ok);
  EXPECT_EQ(row->as_of_us, 1000);
  auto fact = cache.Findings("kasama-union");
  ASSERT_TRUE(fact.ok());
  ASSERT_NE(*fact, nullptr);
  EXPECT_TRUE((*fact)->ok);
  EXPECT_EQ((*fact)->as_of_us, 1000);
  ASSERT_TRUE((*fact)->has_value);
  EXPECT_EQ((*fact)->value.total(), 3);
  EXPECT_EQ((*fact)->value.by_rule_size(), 2);
}

TEST_P(PeerFactCacheTest, AFailedReadKeepsTheLastSummaryButIsNotOk) {
  PeerFactCache cache(*store_);
  const v1::FindingsSummary summary = Summary(2, 1);
  ASSERT_TRUE(Record(cache, "mito-city", 500, &summary).ok());
  ASSERT_TRUE(cache.Findings("mito-city").ok());
  ASSERT_TRUE(Record(cache, "mito-city", 900, nullptr).ok());
  ASSERT_TRUE(Record(cache, "shirosato-town", 900, nullptr).ok());
  auto fact = cache.Findings("mito-city");
  ASSERT_TRUE(fact.ok());
  ASSERT_NE(*fact, nullptr);
  EXPECT_FALSE((*fact)->ok);
  EXPECT_EQ((*fact)->as_of_us, 500);
  EXPECT_EQ((*fact)->value.total(), 2);
  auto never = cache.Findings("shirosato-town");
  ASSERT_TRUE(never.ok());
  ASSERT_NE(*never, nullptr);
  EXPECT_FALSE((*never)->ok);
  EXPECT_EQ((*never)->as_of_us, 0);
  EXPECT_FALSE((*never)->has_value);
  // The store says the same.
  auto row = Row("findings", "mito-city");
  ASSERT_TRUE(row.has_value());
  EXPECT_FALSE(row->ok);
  EXPECT_EQ(row->as_of_us, 500);
}

TEST_P(PeerFactCacheTest, ANewCacheOverTheStoreShowsWhatWasRecordedBefore) {
  {
    PeerFactCache before(*store_);
    const v1::FindingsSummary summary = Summary(1, 1);
    ASSERT_TRUE(Record(before, "kasama-city", 700, &summary).ok());
    v1::ListDocumentsResponse documents;
    documents.add_documents()->set_id("basic-policy");
    ASSERT_TRUE(before.RecordDocuments(800, &documents).ok());
    ASSERT_TRUE(before.RecordDocuments(950, nullptr).ok());
  }
  PeerFactCache after(*store_);
  auto fact = after.Findings("kasama-city");
  ASSERT_TRUE(fact.ok());
  ASSERT_NE(*fact, nullptr);
  EXPECT_TRUE((*fact)->ok);
  EXPECT_EQ((*fact)->as_of_us, 700);
  EXPECT_EQ((*fact)->value.by_rule_size(), 1);
  auto documents = after.Documents();
  ASSERT_TRUE(documents.ok());
  ASSERT_NE(*documents, nullptr);
  EXPECT_FALSE((*documents)->ok);  // the last try failed
  EXPECT_EQ((*documents)->as_of_us, 800);
  ASSERT_TRUE((*documents)->has_value);
  EXPECT_EQ((*documents)->value.documents(0).id(), "basic-policy");
}

TEST_P(PeerFactCacheTest, ABatchIsRecordedInOneGoEachWithItsOutcome) {
  PeerFactCache cache(*store_);
  ASSERT_TRUE(cache.Documents().ok());  // loaded before the batch
  std::vector<PeerFactCache::FindingsRead> reads(3);
  reads[0].organization = "a-town";
  reads[0].time_us = 10;
  reads[0].summary = Summary(4, 1);
  reads[1].organization = "b-city";
  reads[1].time_us = 11;  // failed: no summary
  reads[2].organization = "c-union";
  reads[2].time_us = 12;
  reads[2].summary = Summary(0, 0);
  ASSERT_TRUE(cache.RecordFindings(reads).ok());
  auto all = cache.FindingsBetween("", "");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_TRUE(all->at("a-town")->ok);
  EXPECT_EQ(all->at("a-town")->value.total(), 4);
  EXPECT_FALSE(all->at("b-city")->ok);
  EXPECT_FALSE(all->at("b-city")->has_value);
  EXPECT_TRUE(all->at("c-union")->ok);
  EXPECT_EQ(all->at("c-union")->as_of_us, 12);
  // The rows say the same.
  EXPECT_TRUE(Row("findings", "a-town")->ok);
  EXPECT_FALSE(Row("findings", "b-city")->ok);
  EXPECT_EQ(Row("findings", "c-union")->as_of_us, 12);
}

TEST_P(PeerFactCacheTest, FindingsBetweenIsAnInclusiveRangeOfOrganisations) {
  PeerFactCache cache(*store_);
  const v1::FindingsSummary summary = Summary(1, 0);
  for (const char* org : {"a-town", "b-city", "c-union", "d-village"}) {
    ASSERT_TRUE(Record(cache, org, 100, &summary).ok());
  }
  auto range = cache.FindingsBetween("b-city", "c-union");
  ASSERT_TRUE(range.ok());
  ASSERT_EQ(range->size(), 2u);
  EXPECT_EQ(range->begin()->first, "b-city");
  EXPECT_EQ(range->rbegin()->first, "c-union");
  EXPECT_EQ(cache.FindingsBetween("", "")->size(), 4u);
  EXPECT_EQ(cache.FindingsBetween("c-union", "b-city")->size(), 0u);
  EXPECT_EQ(cache.FindingsBetween("b-city", "")->size(), 3u);
}

SECCOORD_INSTANTIATE_DATABASE_TEST(PeerFactCacheTest);

}  // namespace
}  // namespace seccoord::assessment
