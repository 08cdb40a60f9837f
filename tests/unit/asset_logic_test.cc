// AssetLogic over the real AssetStore, on SQLite and on PostgreSQL: create,
// get, update with etags, list filters and pages, retirement with disposal
// records, history with changed fields, the 第6 scope refusal, connections,
// idempotent retries, atomic CSV import (and dry run), export → import into a
// fresh database, and findings with their summary. Every refusal is checked
// to have changed nothing stored.
#include "services/asset/asset_logic.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/asset_csv.h"
#include "services/asset/compliance_rules.h"
#include "services/asset/asset_store.h"
#include "services/runtime/db/migrations.h"
#include "services/runtime/request_log.h"
#include "tests/support/callers.h"
#include "tests/support/test_database.h"

namespace seccoord::asset {
namespace {

// The per-rule counts SummarizeFindingCounts takes, one entry per finding.
std::vector<std::pair<std::string, int64_t>> OnePerFinding(const std::vector<v1::Finding>& f) {
  std::vector<std::pair<std::string, int64_t>> counts;
  for (const v1::Finding& finding : f) counts.emplace_back(finding.rule_id(), 1);
  return counts;
}

using runtime::Caller;
using seccoord::testing::kAdmin;
using seccoord::testing::kAdvisor;
using seccoord::testing::kStaff;
using seccoord::testing::NewRequestId;


v1::Asset MakeAsset(const std::string& name,
                    v1::AssetCategory category = v1::ASSET_CATEGORY_INFORMATION_SYSTEM,
                    v1::Segment segment = v1::SEGMENT_NONE,
                    v1::Confidentiality confidentiality = v1::CONFIDENTIALITY_2) {
  v1::Asset a;
  a.set_name(name);
  a.set_category(category);
  a.set_segment(segment);
  a.set_confidentiality(confidentiality);
  a.set_integrity(v1::INTEGRITY_1);
  a.set_availability(v1::AVAILABILITY_1);
  a.set_custodian("総務課");
  a.set_location("事務所");
  a.set_external_service(v1::EXTERNAL_SERVICE_USE_NONE);
  return a;
}

bool Contains(absl::string_view haystack, absl::string_view needle) {
  return haystack.find(needle) != absl::string_view::npos;
}

// The asset in a form comparable across databases: without etag and times.
v1::Asset Comparable(v1::Asset a) {
  a.clear_etag();
  a.clear_create_time_us();
  a.clear_update_time_us();
  return a;
}

class AssetLogicTest : public seccoord::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    logic_ = MakeLogic(db(), &store_);
  }

  std::unique_ptr<AssetLogic> MakeLogic(db::Database& database,
                                        std::unique_ptr<AssetStore>* store) {
    EXPECT_TRUE(db::ApplyMigrations(database, "asset", AssetMigrations()).ok());
    EXPECT_TRUE(db::ApplyMigrations(database, "requests", runtime::RequestLogMigrations()).ok());
    *store = std::make_unique<AssetStore>(database);
    Clock clock{[this] { return ++now_us_; }, [this] { return today_; }};
    return std::make_unique<AssetLogic>(**store, clock);
  }

  absl::StatusOr<v1::Asset> Create(const v1::Asset& asset, const Caller& caller = kStaff,
                                   std::string request_id = "") {
    v1::CreateAssetRequest r;
    r.set_request_id(request_id.empty() ? NewRequestId() : request_id);
    *r.mutable_asset() = asset;
    return logic_->CreateAsset(caller, r);
  }

  absl::StatusOr<v1::Asset> Update(const v1::Asset& asset, const Caller& caller = kStaff,
                                   std::string request_id = "") {
    v1::UpdateAssetRequest r;
    r.set_request_id(request_id.empty() ? NewRequestId() : request_id);
    *r.mutable_asset() = asset;
    return logic_->UpdateAsset(caller, r);
  }

  absl::StatusOr<v1::Asset> Retire(const std::string& id, const v1::DisposalRecord* disposal,
                                   const std::string& etag = "") {
    v1::RetireAssetRequest r;
    r.set_request_id(NewRequestId());
    r.set_asset_id(id);
    r.set_etag(etag);
    if (disposal != nullptr) *r.mutable_disposal() = *disposal;
    return logic_->RetireAsset(kStaff, r);
  }

  absl::StatusOr<v1::Asset> Get(const std::string& id) {
    v1::GetAssetRequest r;
    r.set_asset_id(id);
    return logic_->GetAsset(kAdvisor, r);
  }

  // Every asset, all pages.
  std::vector<v1::Asset> All(AssetLogic& logic) {
    std::vector<v1::Asset> out;
    v1::ListAssetsRequest r;
    r.set_page_size(500);
    auto page = logic.ListAssets(kStaff, r);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return out;
    EXPECT_TRUE(page->next_page_token().empty());
    for (const auto& a : page->assets()) out.push_back(a);
    return out;
  }
  std::vector<v1::Asset> All() { return All(*logic_); }

  std::vector<v1::AssetChange> History(const std::string& id) {
    v1::ListAssetHistoryRequest r;
    r.set_asset_id(id);
    auto h = logic_->ListAssetHistory(kAdvisor, r);
    EXPECT_TRUE(h.ok()) << h.status();
    if (!h.ok()) return {};
    return {h->changes().begin(), h->changes().end()};
  }

  int64_t HistoryRows() {
    int64_t n = 0;
    EXPECT_TRUE(store_->Read([&](AssetStore::Tx& tx) -> absl::Status {
      auto ids = tx.ListAssetIds();
      if (!ids.ok()) return ids.status();
      for (const auto& id : *ids) {
        auto v = tx.LatestVersion(id);
        if (!v.ok()) return v.status();
        n += *v;
      }
      return absl::OkStatus();
    }).ok());
    return n;
  }

  absl::StatusOr<v1::ImportAssetsResponse> Import(AssetLogic& logic, const std::string& csv,
                                                  bool dry_run = false, bool update = false) {
    v1::ImportAssetsRequest r;
    r.set_request_id(NewRequestId());
    r.set_csv(csv);
    r.set_encoding(v1::CSV_ENCODING_AUTO);
    r.set_dry_run(dry_run);
    r.set_update(update);
    return logic.ImportAssets(kStaff, r);
  }

  static v1::DisposalRecord Disposal(int y, int m, int d, const std::string& method,
                                     const std::string& witness) {
    v1::DisposalRecord r;
    r.mutable_date()->set_year(y);
    r.mutable_date()->set_month(m);
    r.mutable_date()->set_day(d);
    r.set_erasure_method(method);
    r.set_witness(witness);
    return r;
  }

  // Every stored finding, read in pages of `page_size`.
  std::vector<v1::Finding> StoredFindings(const std::string& organization, int page_size) {
    std::vector<v1::Finding> out;
    v1::ListFindingsRequest r;
    r.set_organization(organization);
    r.set_page_size(page_size);
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = logic_->ListFindings(kAdvisor, r);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_LE(page->findings_size(), page_size);
      out.insert(out.end(), page->findings().begin(), page->findings().end());
      if (page->next_page_token().empty()) break;
      r.set_page_token(page->next_page_token());
    }
    return out;
  }

  // The stored findings and every organisation's stored summary equal a
  // recount over the whole inventory (what the service computed per call
  // before findings were stored).
  void ExpectStoredFindingsMatchARecount(const std::string& after) {
    SCOPED_TRACE(after);
    const std::vector<v1::Asset> assets = All();
    const std::vector<v1::Finding> recount = EvaluateInventory(assets);
    const std::vector<v1::Finding> stored = StoredFindings("", 2);
    ASSERT_EQ(stored.size(), recount.size());
    for (size_t i = 0; i < stored.size(); ++i) {
      EXPECT_EQ(stored[i].SerializeAsString(), recount[i].SerializeAsString())
          << "stored " << stored[i].asset_id() << " " << stored[i].rule_id() << ": "
          << stored[i].message() << "\nrecount " << recount[i].asset_id() << " "
          << recount[i].rule_id() << ": " << recount[i].message();
    }
    std::set<std::string> organizations = {"kasama-union", "mito-city"};
    for (const auto& a : assets) organizations.insert(a.organization());
    for (const std::string& org : organizations) {
      std::vector<v1::Finding> of_org;
      for (const auto& f : recount) {
        if (f.organization() == org) of_org.push_back(f);
      }
      int in_use = 0;
      for (const auto& a : assets) in_use += a.organization() == org && IsInUse(a) ? 1 : 0;
      v1::GetFindingsSummaryRequest r;
      r.set_organization(org);
      auto summary = logic_->GetFindingsSummary(kAdvisor, r);
      ASSERT_TRUE(summary.ok()) << summary.status();
      EXPECT_EQ(summary->SerializeAsString(),
                SummarizeFindingCounts(org, OnePerFinding(of_org), in_use).SerializeAsString())
          << org << ": stored total " << summary->total() << ", recount " << of_org.size()
          << "; in use " << summary->assets_evaluated() << " vs " << in_use;
      EXPECT_EQ(StoredFindings(org, 3).size(), of_org.size()) << org;
    }
  }

  std::atomic<int64_t> now_us_{1'700'000'000'000'000};
  CivilDate today_{2026, 11, 25};
  std::unique_ptr<AssetStore> store_;
  std::unique_ptr<AssetLogic> logic_;
};

TEST_P(AssetLogicTest, CreatesGetsAndUpdatesWithEtags) {
  v1::Asset input = MakeAsset("予約管理システム", v1::ASSET_CATEGORY_INFORMATION_SYSTEM,
                              v1::SEGMENT_SENSITIVE, v1::CONFIDENTIALITY_3B);
  input.set_id("A-999999");  // server-set: ignored
  input.set_etag("bogus");
  input.mutable_controls()->set_mfa(true);
  auto created = Create(input);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->id(), "A-000001");
  EXPECT_EQ(created->organization(), "kasama-union");
  EXPECT_EQ(created->lifecycle(), v1::LIFECYCLE_ACTIVE);
  EXPECT_EQ(created->etag(), "1");
  EXPECT_GT(created->create_time_us(), 0);
  auto second = Create(MakeAsset("職員用PC"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->id(), "A-000002");

  auto got = Get("A-000001");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->SerializeAsString(), created->SerializeAsString());
  EXPECT_EQ(Get("A-000099").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get("nonsense").status().code(), absl::StatusCode::kInvalidArgument);

  v1::Asset edit = *got;
  edit.set_location("サーバ室");
  edit.mutable_controls()->set_export_blocked(true);
  auto updated = Update(edit);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->etag(), "2");
  EXPECT_EQ(updated->location(), "サーバ室");
  EXPECT_EQ(updated->create_time_us(), created->create_time_us());
  EXPECT_GT(updated->update_time_us(), created->update_time_us());

  // The same edit again names etag 1, which is stale now: ABORTED, nothing
  // changed.
  edit.set_name("別名");
  auto stale = Update(edit);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(Contains(stale.status().message(), "etag")) << stale.status();
  auto after = Get("A-000001");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->SerializeAsString(), updated->SerializeAsString());
  EXPECT_EQ(History("A-000001").size(), 2u);

  // An update without an etag names the field.
  edit.clear_etag();
  auto no_etag = Update(edit);
  EXPECT_EQ(no_etag.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(no_etag.status().message(), "etag:"));
  // An update that changes nothing makes no new version.
  auto same = Update(*updated);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->etag(), "2");
  EXPECT_EQ(History("A-000001").size(), 2u);
}

TEST_P(AssetLogicTest, BadInputNamesTheFieldAndStoresNothing) {
  struct Case {
    std::string what;
    std::function<void(v1::Asset&)> mutate;
    absl::StatusCode code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"empty name", [](v1::Asset& a) { a.set_name(""); }, absl::StatusCode::kInvalidArgument,
       "name:"},
      {"long name", [](v1::Asset& a) { a.set_name(std::string(201, 'x')); },
       absl::StatusCode::kResourceExhausted, "name:"},
      {"invalid UTF-8", [](v1::Asset& a) { a.set_name("\xff\xfe"); },
       absl::StatusCode::kInvalidArgument, "name:"},
      {"no category", [](v1::Asset& a) { a.clear_category(); },
       absl::StatusCode::kInvalidArgument, "category:"},
      {"unknown category", [](v1::Asset& a) { a.set_category(static_cast<v1::AssetCategory>(99)); },
       absl::StatusCode::kInvalidArgument, "category:"},
      {"no segment", [](v1::Asset& a) { a.clear_segment(); }, absl::StatusCode::kInvalidArgument,
       "segment:"},
      {"no confidentiality", [](v1::Asset& a) { a.clear_confidentiality(); },
       absl::StatusCode::kInvalidArgument, "confidentiality:"},
      {"integrity out of range", [](v1::Asset& a) { a.set_integrity(static_cast<v1::Integrity>(3)); },
       absl::StatusCode::kInvalidArgument, "integrity:"},
      {"no availability", [](v1::Asset& a) { a.clear_availability(); },
       absl::StatusCode::kInvalidArgument, "availability:"},
      {"no external service use", [](v1::Asset& a) { a.clear_external_service(); },
       absl::StatusCode::kInvalidArgument, "external_service:"},
      {"long custodian", [](v1::Asset& a) { a.set_custodian(std::string(201, 'x')); },
       absl::StatusCode::kResourceExhausted, "custodian:"},
      {"long notes", [](v1::Asset& a) { a.set_notes(std::string(4001, 'x')); },
       absl::StatusCode::kResourceExhausted, "notes:"},
      {"bad connection id", [](v1::Asset& a) { a.add_connections()->set_asset_id("X-1"); },
       absl::StatusCode::kInvalidArgument, "connections[0].asset_id:"},
      {"another organisation", [](v1::Asset& a) { a.set_organization("mito-city"); },
       absl::StatusCode::kPermissionDenied, "may only write assets of kasama-union"},
  };
  for (const auto& c : cases) {
    v1::Asset a = MakeAsset("ファイルサーバ");
    c.mutate(a);
    auto result = Create(a);
    EXPECT_EQ(result.status().code(), c.code) << c.what << ": " << result.status();
    EXPECT_TRUE(Contains(result.status().message(), c.field)) << c.what << ": " << result.status();
  }
  v1::Asset many = MakeAsset("多数の接続");
  for (int i = 0; i < 51; ++i) many.add_connections()->set_asset_id(FormatAssetId(i + 1));
  EXPECT_EQ(Create(many).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(All().empty());
  EXPECT_EQ(HistoryRows(), 0);
  // No id was used up by the refusals.
  auto first = Create(MakeAsset("最初の資産"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->id(), "A-000001");
}

TEST_P(AssetLogicTest, OutOfScopeSegmentsAreRefusedNamingArticle6AndNothingIsStored) {
  for (v1::Segment segment : {v1::SEGMENT_MY_NUMBER, v1::SEGMENT_LGWAN}) {
    auto refused = Create(MakeAsset("住民記録システム", v1::ASSET_CATEGORY_INFORMATION_SYSTEM, segment));
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(Contains(refused.status().message(), "第6")) << refused.status();
  }
  EXPECT_TRUE(All().empty());
  EXPECT_EQ(HistoryRows(), 0);
  // Nor can an existing asset be moved there.
  auto asset = Create(MakeAsset("庁内LAN", v1::ASSET_CATEGORY_NETWORK, v1::SEGMENT_SENSITIVE));
  ASSERT_TRUE(asset.ok());
  v1::Asset moved = *asset;
  moved.set_segment(v1::SEGMENT_LGWAN);
  EXPECT_EQ(Update(moved).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Get(asset->id())->segment(), v1::SEGMENT_SENSITIVE);
}

TEST_P(AssetLogicTest, ConnectionsMustNameOtherExistingAssets) {
  auto server = Create(MakeAsset("ファイルサーバ", v1::ASSET_CATEGORY_EQUIPMENT));
  ASSERT_TRUE(server.ok());
  v1::Asset pc = MakeAsset("職員用PC", v1::ASSET_CATEGORY_EQUIPMENT);
  pc.add_connections()->set_asset_id(server->id());
  pc.add_connections()->set_asset_id("A-000098");
  pc.add_connections()->set_asset_id("A-000099");
  auto refused = Create(pc);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "connections[1].asset_id: no asset A-000098");
  EXPECT_EQ(All().size(), 1u);

  pc.mutable_connections()->RemoveLast();
  pc.mutable_connections()->RemoveLast();
  auto created = Create(pc);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_EQ(created->connections_size(), 1);

  // Not to itself, and not twice to the same asset.
  v1::Asset self = *created;
  self.add_connections()->set_asset_id(created->id());
  auto to_self = Update(self);
  EXPECT_EQ(to_self.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(to_self.status().message(), "connections[1].asset_id")) << to_self.status();
  v1::Asset twice = *created;
  twice.add_connections()->set_asset_id(server->id());
  EXPECT_EQ(Update(twice).status().code(), absl::StatusCode::kInvalidArgument);
  v1::Asset missing = *created;
  missing.add_connections()->set_asset_id("A-000099");
  auto update_missing = Update(missing);
  EXPECT_EQ(update_missing.status().message(), "connections[1].asset_id: no asset A-000099");
  EXPECT_EQ(Get(created->id())->etag(), "1");
}

TEST_P(AssetLogicTest, ListsWithFiltersAcrossPages) {
  const std::vector<v1::Asset> inputs = {
      MakeAsset("予約システム", v1::ASSET_CATEGORY_INFORMATION_SYSTEM, v1::SEGMENT_SENSITIVE,
                v1::CONFIDENTIALITY_3B),
      MakeAsset("庁内LAN", v1::ASSET_CATEGORY_NETWORK, v1::SEGMENT_SENSITIVE),
      MakeAsset("インターネット回線", v1::ASSET_CATEGORY_NETWORK, v1::SEGMENT_INTERNET,
                v1::CONFIDENTIALITY_1),
      MakeAsset("ウェブサイト", v1::ASSET_CATEGORY_INFORMATION_SYSTEM, v1::SEGMENT_INTERNET,
                v1::CONFIDENTIALITY_1),
      MakeAsset("USBメモリ", v1::ASSET_CATEGORY_STORAGE_MEDIA, v1::SEGMENT_NONE),
      MakeAsset("ネットワーク構成図", v1::ASSET_CATEGORY_SYSTEM_DOCUMENT, v1::SEGMENT_NONE,
                v1::CONFIDENTIALITY_3C),
      MakeAsset("火葬記録", v1::ASSET_CATEGORY_INFORMATION, v1::SEGMENT_SENSITIVE,
                v1::CONFIDENTIALITY_3B),
  };
  for (const auto& a : inputs) ASSERT_TRUE(Create(a).ok());
  ASSERT_TRUE(Retire("A-000005", nullptr).status().code() == absl::StatusCode::kInvalidArgument);
  v1::DisposalRecord d = Disposal(2026, 10, 1, "物理破壊", "総務課長");
  ASSERT_TRUE(Retire("A-000005", &d).ok());

  // Three pages of 3, 3 and 1, in id order, with no asset twice.
  v1::ListAssetsRequest r;
  r.set_page_size(3);
  std::vector<std::string> ids;
  int pages = 0;
  do {
    auto page = logic_->ListAssets(kAdvisor, r);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    for (const auto& a : page->assets()) ids.push_back(a.id());
    r.set_page_token(page->next_page_token());
  } while (!r.page_token().empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(ids, (std::vector<std::string>{"A-000001", "A-000002", "A-000003", "A-000004",
                                           "A-000005", "A-000006", "A-000007"}));

  auto count = [&](const std::function<void(v1::ListAssetsRequest&)>& set) -> std::vector<std::string> {
    v1::ListAssetsRequest f;
    set(f);
    std::vector<std::string> out;
    auto page = logic_->ListAssets(kStaff, f);
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) {
      for (const auto& a : page->assets()) out.push_back(a.id());
    }
    return out;
  };
  EXPECT_EQ(count([](auto& f) { f.set_segment(v1::SEGMENT_SENSITIVE); }),
            (std::vector<std::string>{"A-000001", "A-000002", "A-000007"}));
  EXPECT_EQ(count([](auto& f) { f.set_category(v1::ASSET_CATEGORY_NETWORK); }),
            (std::vector<std::string>{"A-000002", "A-000003"}));
  EXPECT_EQ(count([](auto& f) { f.set_confidentiality(v1::CONFIDENTIALITY_3B); }),
            (std::vector<std::string>{"A-000001", "A-000007"}));
  EXPECT_EQ(count([](auto& f) { f.set_lifecycle(v1::LIFECYCLE_RETIRED); }),
            (std::vector<std::string>{"A-000005"}));
  EXPECT_EQ(count([](auto& f) {
              f.set_segment(v1::SEGMENT_INTERNET);
              f.set_category(v1::ASSET_CATEGORY_NETWORK);
              f.set_organization("kasama-union");
            }),
            (std::vector<std::string>{"A-000003"}));
  EXPECT_TRUE(count([](auto& f) { f.set_organization("mito-city"); }).empty());
  // Filters page too.
  v1::ListAssetsRequest sensitive;
  sensitive.set_segment(v1::SEGMENT_SENSITIVE);
  sensitive.set_page_size(2);
  auto first = logic_->ListAssets(kStaff, sensitive);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->assets_size(), 2);
  sensitive.set_page_token(first->next_page_token());
  auto second = logic_->ListAssets(kStaff, sensitive);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->assets_size(), 1);
  EXPECT_EQ(second->assets(0).id(), "A-000007");
  EXPECT_TRUE(second->next_page_token().empty());

  // Bad values name the field.
  const std::vector<std::pair<std::function<void(v1::ListAssetsRequest&)>, std::string>> bad = {
      {[](auto& f) { f.set_page_size(-1); }, "page_size:"},
      {[](auto& f) { f.set_page_size(501); }, "page_size:"},
      {[](auto& f) { f.set_page_token("garbage!"); }, "page_token:"},
      {[](auto& f) { f.set_category(static_cast<v1::AssetCategory>(42)); }, "category:"},
      {[](auto& f) { f.set_lifecycle(static_cast<v1::Lifecycle>(7)); }, "lifecycle:"},
  };
  for (const auto& [set, field] : bad) {
    v1::ListAssetsRequest f;
    set(f);
    auto result = logic_->ListAssets(kStaff, f);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_TRUE(Contains(result.status().message(), field)) << result.status();
  }
}

TEST_P(AssetLogicTest, RetiresWithADisposalRecordAndErasureDetailsWhereRequired) {
  auto usb = Create(MakeAsset("USBメモリ（住民情報）", v1::ASSET_CATEGORY_STORAGE_MEDIA,
                              v1::SEGMENT_NONE, v1::CONFIDENTIALITY_2));
  ASSERT_TRUE(usb.ok());
  struct Case {
    v1::DisposalRecord disposal;
    bool present;
    std::string field;
  };
  const std::vector<Case> refused = {
      {{}, false, "disposal:"},
      {Disposal(2026, 11, 1, "", ""), true, "disposal.erasure_method:"},
      {Disposal(2026, 11, 1, "物理破壊", ""), true, "disposal.witness:"},
      {Disposal(2026, 11, 1, "", "総務課長"), true, "disposal.erasure_method:"},
      {Disposal(0, 0, 0, "物理破壊", "総務課長"), true, "disposal.date:"},
      {Disposal(2026, 2, 30, "物理破壊", "総務課長"), true, "disposal.date:"},
      {Disposal(2026, 11, 26, "物理破壊", "総務課長"), true, "disposal.date:"},  // tomorrow
  };
  for (const auto& c : refused) {
    auto result = Retire(usb->id(), c.present ? &c.disposal : nullptr);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_TRUE(Contains(result.status().message(), c.field)) << result.status();
  }
  EXPECT_EQ(Get(usb->id())->lifecycle(), v1::LIFECYCLE_ACTIVE);
  EXPECT_EQ(History(usb->id()).size(), 1u);

  // A stale etag is ABORTED.
  v1::DisposalRecord full = Disposal(2026, 11, 25, "物理破壊", "総務課長");
  EXPECT_EQ(Retire(usb->id(), &full, "7").status().code(), absl::StatusCode::kAborted);
  auto retired = Retire(usb->id(), &full, "1");
  ASSERT_TRUE(retired.ok()) << retired.status();
  EXPECT_EQ(retired->lifecycle(), v1::LIFECYCLE_RETIRED);
  EXPECT_EQ(retired->disposal().witness(), "総務課長");
  EXPECT_EQ(retired->etag(), "2");

  // Retired: no update, no second retirement.
  v1::Asset edit = *retired;
  edit.set_lifecycle(v1::LIFECYCLE_ACTIVE);
  edit.set_name("復活");
  EXPECT_EQ(Update(edit).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Retire(usb->id(), &full).status().code(), absl::StatusCode::kFailedPrecondition);

  // Information of confidentiality 1 needs only the date.
  auto leaflet = Create(MakeAsset("広報チラシ原稿", v1::ASSET_CATEGORY_INFORMATION,
                                  v1::SEGMENT_NONE, v1::CONFIDENTIALITY_1));
  ASSERT_TRUE(leaflet.ok());
  v1::DisposalRecord date_only = Disposal(2026, 4, 1, "", "");
  auto simple = Retire(leaflet->id(), &date_only);
  ASSERT_TRUE(simple.ok()) << simple.status();
  EXPECT_EQ(simple->lifecycle(), v1::LIFECYCLE_RETIRED);
  // Equipment of confidentiality 2 needs the erasure details too.
  auto pc = Create(MakeAsset("職員用PC", v1::ASSET_CATEGORY_EQUIPMENT));
  ASSERT_TRUE(pc.ok());
  EXPECT_EQ(Retire(pc->id(), &date_only).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(AssetLogicTest, HistoryRecordsWhoChangedWhatAndPagesByVersion) {
  v1::Asset input = MakeAsset("ファイルサーバ", v1::ASSET_CATEGORY_EQUIPMENT);
  auto created = Create(input);
  ASSERT_TRUE(created.ok());
  v1::Asset edit = *created;
  edit.set_name("ファイルサーバ（新）");
  edit.mutable_controls()->set_backup(true);
  auto updated = Update(edit, kAdmin);
  ASSERT_TRUE(updated.ok()) << updated.status();
  v1::DisposalRecord d = Disposal(2026, 11, 20, "暗号化消去", "総務課長");
  auto retired = Retire(created->id(), &d);
  ASSERT_TRUE(retired.ok()) << retired.status();

  auto history = History(created->id());
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].version(), 1);
  EXPECT_EQ(history[0].action(), "CREATED");
  EXPECT_EQ(history[0].actor(), "seccoord://kasama-union/staff1");
  const std::set<std::string> created_fields(history[0].changed_fields().begin(),
                                             history[0].changed_fields().end());
  EXPECT_TRUE(created_fields.count("name"));
  EXPECT_TRUE(created_fields.count("category"));
  EXPECT_EQ(history[0].snapshot().name(), "ファイルサーバ");

  EXPECT_EQ(history[1].version(), 2);
  EXPECT_EQ(history[1].action(), "UPDATED");
  EXPECT_EQ(history[1].actor(), "seccoord://kasama-union/admin1");
  EXPECT_EQ(std::vector<std::string>(history[1].changed_fields().begin(),
                                     history[1].changed_fields().end()),
            (std::vector<std::string>{"name", "controls.backup"}));
  EXPECT_EQ(history[1].snapshot().name(), "ファイルサーバ（新）");
  EXPECT_EQ(history[1].snapshot().etag(), "2");
  EXPECT_GT(history[1].time_us(), history[0].time_us());

  EXPECT_EQ(history[2].action(), "RETIRED");
  const std::set<std::string> retired_fields(history[2].changed_fields().begin(),
                                             history[2].changed_fields().end());
  EXPECT_EQ(retired_fields, (std::set<std::string>{"lifecycle", "disposal.date",
                                                   "disposal.erasure_method",
                                                   "disposal.witness"}));
  EXPECT_EQ(history[2].snapshot().lifecycle(), v1::LIFECYCLE_RETIRED);

  // One version per page.
  v1::ListAssetHistoryRequest r;
  r.set_asset_id(created->id());
  r.set_page_size(1);
  std::vector<int64_t> versions;
  for (int i = 0; i < 5; ++i) {
    auto page = logic_->ListAssetHistory(kStaff, r);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->changes()) versions.push_back(c.version());
    if (page->next_page_token().empty()) break;
    r.set_page_token(page->next_page_token());
  }
  EXPECT_EQ(versions, (std::vector<int64_t>{1, 2, 3}));
  r.set_asset_id("A-000099");
  r.clear_page_token();
  EXPECT_EQ(logic_->ListAssetHistory(kStaff, r).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(AssetLogicTest, RetriedRequestIdsDoNothingTwice) {
  auto first = Create(MakeAsset("メールサーバ"), kStaff, "create-1");
  ASSERT_TRUE(first.ok());
  auto again = Create(MakeAsset("メールサーバ"), kStaff, "create-1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id(), first->id());
  EXPECT_EQ(All().size(), 1u);

  v1::Asset edit = *first;
  edit.set_location("2階サーバ室");
  auto updated = Update(edit, kStaff, "update-1");
  ASSERT_TRUE(updated.ok());
  auto retried = Update(edit, kStaff, "update-1");  // etag 1 is stale, but it is a retry
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->etag(), "2");
  EXPECT_EQ(History(first->id()).size(), 2u);

  // Another principal's request id is its own.
  auto other = Create(MakeAsset("メールサーバ"), kAdmin, "create-1");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->id(), first->id());
  // Reusing an id for another method is a client bug; a missing id is refused.
  EXPECT_EQ(Update(edit, kStaff, "create-1").status().code(), absl::StatusCode::kInvalidArgument);
  v1::CreateAssetRequest no_id;
  *no_id.mutable_asset() = MakeAsset("無番号");
  auto refused = logic_->CreateAsset(kStaff, no_id);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(refused.status().message(), "request_id"));
  EXPECT_EQ(All().size(), 2u);
}

const char kHeader[] =
    "id,name,category,segment,confidentiality,integrity,availability,location,connections,"
    "lifecycle,disposal_date,erasure_method,witness\n";

// A file Notepad saved as 「Unicode」 (UTF-16 LE with its BOM) is imported
// and reported as UTF-16, not as UTF-8.
TEST_P(AssetLogicTest, Utf16ImportIsReportedAsUtf16) {
  const std::u16string text =
      u"name,category,segment,confidentiality,integrity,availability,location\r\n"
      u"予約システム,INFORMATION_SYSTEM,NONE,2,1,1,事務室\r\n"
      u"庁内LAN,NETWORK,NONE,1,1,1,サーバ室\r\n";
  std::string utf16 = "\xFF\xFE";  // LE, as Notepad writes it
  for (char16_t unit : text) {
    utf16.push_back(static_cast<char>(unit & 0xFF));
    utf16.push_back(static_cast<char>(unit >> 8));
  }
  auto dry = Import(*logic_, utf16, /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(dry->detected_encoding(), v1::CSV_ENCODING_UTF16);
  auto done = Import(*logic_, utf16);
  ASSERT_TRUE(done.ok()) << done.status();
  ASSERT_EQ(done->errors_size(), 0) << done->errors(0).reason();
  EXPECT_EQ(done->detected_encoding(), v1::CSV_ENCODING_UTF16);
  EXPECT_EQ(done->imported(), 2);
  const std::vector<v1::Asset> stored = All();
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].name(), "予約システム");
  EXPECT_EQ(stored[1].location(), "サーバ室");
}

TEST_P(AssetLogicTest, ImportIsAtomicAndFailsOnItsLastRowWithoutStoringAnything) {
  ASSERT_TRUE(Create(MakeAsset("既存のサーバ", v1::ASSET_CATEGORY_EQUIPMENT)).ok());  // A-000001
  const std::string good_rows = std::string(kHeader) +
                                ",予約システム,INFORMATION_SYSTEM,SENSITIVE,3B,2,2,,A-000001,,,,\n"
                                "A-000010,庁内LAN,NETWORK,SENSITIVE,2,2,2,サーバ室,,,,,\n"
                                ",職員用PC,EQUIPMENT,SENSITIVE,2,1,1,事務室,A-000010;A-000001,,,,\n"
                                ",旧USBメモリ,STORAGE_MEDIA,NONE,2,1,1,,,RETIRED,2025-03-31,,\n";
  const std::string bad_last =
      good_rows + ",ネットワーク構成図,SYSTEM_DOCUMENT,NONE,3C,1,1,,A-000099,,,,\n";
  auto failed = Import(*logic_, bad_last);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->imported(), 0);
  ASSERT_EQ(failed->errors_size(), 1);
  EXPECT_EQ(failed->errors(0).line(), 6);
  EXPECT_EQ(failed->errors(0).column(), "connections");
  EXPECT_TRUE(Contains(failed->errors(0).reason(), "no asset A-000099")) << failed->errors(0).reason();
  EXPECT_EQ(failed->detected_encoding(), v1::CSV_ENCODING_UTF8);
  EXPECT_EQ(All().size(), 1u);
  EXPECT_EQ(HistoryRows(), 1);

  // Every bad row is reported, each with its line and column.
  const std::string many_bad = std::string(kHeader) +
                               "A-000001,重複ID,INFORMATION,NONE,1,1,1,,,,,,\n"
                               "A-000020,一件目,INFORMATION,NONE,1,1,1,,,,,,\n"
                               "A-000020,二件目,INFORMATION,NONE,1,1,1,,,,,,\n"
                               ",LGWAN端末,EQUIPMENT,LGWAN,2,1,1,事務室,,,,,\n"
                               ",,INFORMATION,NONE,1,1,1,,,,,,\n"
                               ",稼働中,INFORMATION,NONE,1,1,1,,,,2026-01-01,,\n"
                               ",未来の廃棄,INFORMATION,NONE,1,1,1,,,RETIRED,2027-01-01,,\n"
                               ",不明な分類,GADGET,NONE,1,1,1,,,,,,\n";
  auto report = Import(*logic_, many_bad);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->imported(), 0);
  std::map<int, std::string> columns;
  for (const auto& e : report->errors()) columns[e.line()] += e.column() + ";";
  EXPECT_EQ(columns[2], "id;");
  EXPECT_EQ(columns[4], "id;");
  EXPECT_EQ(columns[5], "segment;");
  EXPECT_TRUE(Contains(columns[6], "name")) << columns[6];
  EXPECT_EQ(columns[7], "disposal_date;");
  EXPECT_EQ(columns[8], "disposal_date;");
  EXPECT_TRUE(Contains(columns[9], "category")) << columns[9];
  EXPECT_EQ(columns.count(3), 0u);
  for (const auto& e : report->errors()) {
    if (e.line() == 5) EXPECT_TRUE(Contains(e.reason(), "第6")) << e.reason();
    if (e.line() == 2) EXPECT_TRUE(Contains(e.reason(), "already exists")) << e.reason();
  }
  EXPECT_EQ(All().size(), 1u);

  // The good rows import, all in one go, with the file's ids kept and the
  // others numbered after the highest.
  auto ok = Import(*logic_, good_rows);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->errors_size(), 0) << ok->errors(0).reason();
  EXPECT_EQ(ok->imported(), 4);
  auto all = All();
  ASSERT_EQ(all.size(), 5u);
  std::map<std::string, v1::Asset> by_name;
  for (const auto& a : all) by_name[a.name()] = a;
  EXPECT_EQ(by_name["庁内LAN"].id(), "A-000010");
  EXPECT_EQ(by_name["予約システム"].id(), "A-000011");
  EXPECT_EQ(by_name["職員用PC"].connections_size(), 2);
  EXPECT_EQ(by_name["旧USBメモリ"].lifecycle(), v1::LIFECYCLE_RETIRED);
  EXPECT_EQ(by_name["旧USBメモリ"].disposal().date().year(), 2025);
  EXPECT_EQ(History(by_name["庁内LAN"].id())[0].action(), "IMPORTED");
  auto next = Create(MakeAsset("次の資産"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->id(), "A-000014");
  // Importing the same ids again: every row already exists.
  auto twice = Import(*logic_, std::string(kHeader) +
                                   "A-000010,庁内LAN,NETWORK,SENSITIVE,2,2,2,サーバ室,,,,,\n");
  ASSERT_TRUE(twice.ok());
  ASSERT_EQ(twice->errors_size(), 1);
  EXPECT_EQ(twice->errors(0).column(), "id");
}

TEST_P(AssetLogicTest, DryRunReportsWithoutWriting) {
  const std::string csv = std::string(kHeader) +
                          ",予約システム,INFORMATION_SYSTEM,SENSITIVE,3B,2,2,,,,,,\n"
                          ",庁内LAN,NETWORK,SENSITIVE,2,2,2,サーバ室,,,,,\n";
  auto dry = Import(*logic_, csv, /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_TRUE(dry->dry_run());
  EXPECT_EQ(dry->imported(), 2);
  EXPECT_EQ(dry->errors_size(), 0);
  EXPECT_TRUE(All().empty());
  EXPECT_EQ(HistoryRows(), 0);
  auto bad = Import(*logic_, csv + ",,NETWORK,SENSITIVE,2,2,2,,,,,,\n", /*dry_run=*/true);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->imported(), 0);
  EXPECT_EQ(bad->errors_size(), 1);
  EXPECT_TRUE(All().empty());
  auto real = Import(*logic_, csv);
  ASSERT_TRUE(real.ok());
  EXPECT_FALSE(real->dry_run());
  EXPECT_EQ(real->imported(), 2);
  EXPECT_EQ(All().size(), 2u);
  // File-level problems fail the call; too many rows are RESOURCE_EXHAUSTED.
  EXPECT_EQ(Import(*logic_, "name,category\nx,NETWORK\n").status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string huge = kHeader;
  for (int i = 0; i < kMaxImportRows + 1; ++i) {
    absl::StrAppend(&huge, ",資産", i, ",INFORMATION,NONE,1,1,1,,,,,,\n");
  }
  EXPECT_EQ(Import(*logic_, huge, true).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(All().size(), 2u);
}

TEST_P(AssetLogicTest, ExportThenImportIntoAFreshDatabaseGivesTheSameInventory) {
  auto lan = Create(MakeAsset("庁内LAN", v1::ASSET_CATEGORY_NETWORK, v1::SEGMENT_SENSITIVE));
  ASSERT_TRUE(lan.ok());
  v1::Asset system = MakeAsset("火葬場予約システム, \"本番\"", v1::ASSET_CATEGORY_INFORMATION_SYSTEM,
                               v1::SEGMENT_SENSITIVE, v1::CONFIDENTIALITY_3B);
  system.mutable_controls()->set_mfa(true);
  system.mutable_controls()->set_export_blocked(true);
  system.mutable_controls()->set_backup(true);
  system.set_availability(v1::AVAILABILITY_2);
  system.set_integrity(v1::INTEGRITY_2);
  system.set_notes("複数行の\n備考; セミコロン付き");
  auto* c = system.add_connections();
  c->set_asset_id(lan->id());
  c->set_approved(true);
  c->set_note("業務上必要; R7-3承認");
  system.set_sample(true);
  auto sys = Create(system);
  ASSERT_TRUE(sys.ok()) << sys.status();
  v1::Asset web = MakeAsset("ホームページ管理", v1::ASSET_CATEGORY_INFORMATION_SYSTEM,
                            v1::SEGMENT_INTERNET, v1::CONFIDENTIALITY_1);
  web.set_external_service(v1::EXTERNAL_SERVICE_USE_TERMS_BASED);
  web.set_external_service_name("CMSクラウド");
  web.mutable_controls()->set_traffic_monitoring(true);
  ASSERT_TRUE(Create(web).ok());
  auto usb = Create(MakeAsset("USBメモリ", v1::ASSET_CATEGORY_STORAGE_MEDIA));
  ASSERT_TRUE(usb.ok());
  v1::DisposalRecord d = Disposal(2026, 5, 1, "物理破壊", "総務課長");
  ASSERT_TRUE(Retire(usb->id(), &d).ok());
  const std::vector<v1::Asset> before = All();
  ASSERT_EQ(before.size(), 4u);

  v1::ExportAssetsRequest er;
  er.set_include_retired(true);
  er.set_bom(true);
  auto exported = logic_->ExportAssets(kStaff, er);
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_EQ(exported->rows(), 4);
  EXPECT_EQ(exported->csv().substr(0, 3), "\xEF\xBB\xBF");
  er.set_include_retired(false);
  EXPECT_EQ(logic_->ExportAssets(kStaff, er)->rows(), 3);
  // The advisor sees every asset in ListAssets, and so in the export (its
  // own organisation keeps none): one visibility rule for every read path.
  auto advisor_export = logic_->ExportAssets(kAdvisor, er);
  ASSERT_TRUE(advisor_export.ok()) << advisor_export.status();
  EXPECT_EQ(advisor_export->rows(), 3);
  EXPECT_EQ(advisor_export->csv(), logic_->ExportAssets(kStaff, er)->csv());
  er.set_organization("mito-city");
  EXPECT_EQ(logic_->ExportAssets(kAdvisor, er)->rows(), 0);
  er.clear_organization();

  auto fresh_db = seccoord::testing::TestDatabase::Create(driver());
  ASSERT_TRUE(fresh_db.ok()) << fresh_db.status();
  std::unique_ptr<AssetStore> fresh_store;
  auto fresh = MakeLogic((*fresh_db)->db(), &fresh_store);
  auto imported = Import(*fresh, exported->csv());
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(imported->errors_size(), 0) << imported->errors(0).line() << " "
                                         << imported->errors(0).column() << " "
                                         << imported->errors(0).reason();
  EXPECT_EQ(imported->imported(), 4);
  const std::vector<v1::Asset> after = All(*fresh);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(Comparable(after[i]).SerializeAsString(), Comparable(before[i]).SerializeAsString())
        << before[i].id() << " differs in: "
        << absl::StrJoin(ChangedFields(before[i], after[i]), ", ");
  }
  // And the fresh inventory exports to the same file.
  er.set_include_retired(true);
  EXPECT_EQ(fresh->ExportAssets(kStaff, er)->csv(), exported->csv());
  fresh.reset();
  fresh_store.reset();
}

TEST_P(AssetLogicTest, FindingsAndSummaryOnASmallInventory) {
  // Sensitive system without MFA: SENSITIVE_MFA_EXPORT.
  v1::Asset reservation = MakeAsset("予約システム", v1::ASSET_CATEGORY_INFORMATION_SYSTEM,
                                    v1::SEGMENT_SENSITIVE, v1::CONFIDENTIALITY_3B);
  reservation.mutable_controls()->set_export_blocked(true);
  auto r = Create(reservation);
  ASSERT_TRUE(r.ok());
  // Internet line without monitoring and without location, availability 2
  // without backup: INTERNET_MONITORING, LOCATION_MISSING,
  // AVAILABILITY_BACKUP; and an unapproved connection to the sensitive
  // system: SENSITIVE_CROSS_SEGMENT.
  v1::Asset line = MakeAsset("インターネット回線", v1::ASSET_CATEGORY_NETWORK,
                             v1::SEGMENT_INTERNET, v1::CONFIDENTIALITY_1);
  line.clear_location();
  line.set_availability(v1::AVAILABILITY_2);
  line.add_connections()->set_asset_id(r->id());
  auto l = Create(line);
  ASSERT_TRUE(l.ok());
  // A compliant document.
  ASSERT_TRUE(Create(MakeAsset("規程集", v1::ASSET_CATEGORY_SYSTEM_DOCUMENT)).ok());

  v1::ListFindingsRequest all;
  auto findings = logic_->ListFindings(kAdvisor, all);
  ASSERT_TRUE(findings.ok()) << findings.status();
  std::multiset<std::string> rules;
  for (const auto& f : findings->findings()) {
    rules.insert(f.rule_id());
    EXPECT_FALSE(f.article().empty());
    EXPECT_EQ(f.organization(), "kasama-union");
  }
  EXPECT_EQ(rules, (std::multiset<std::string>{"SENSITIVE_MFA_EXPORT", "SENSITIVE_CROSS_SEGMENT",
                                               "INTERNET_MONITORING", "AVAILABILITY_BACKUP",
                                               "LOCATION_MISSING"}));
  v1::ListFindingsRequest one;
  one.set_asset_id(r->id());
  auto of_one = logic_->ListFindings(kStaff, one);
  ASSERT_TRUE(of_one.ok());
  ASSERT_EQ(of_one->findings_size(), 1);
  EXPECT_EQ(of_one->findings(0).rule_id(), "SENSITIVE_MFA_EXPORT");
  EXPECT_EQ(of_one->findings(0).article(), "第6(3)ア");
  one.set_organization("mito-city");
  EXPECT_EQ(logic_->ListFindings(kStaff, one).status().code(), absl::StatusCode::kNotFound);
  v1::ListFindingsRequest mito;
  mito.set_organization("mito-city");
  EXPECT_EQ(logic_->ListFindings(kStaff, mito)->findings_size(), 0);

  auto summary = logic_->GetFindingsSummary(kAdvisor, {});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->organization(), "kasama-union");
  EXPECT_EQ(summary->total(), 5);
  EXPECT_EQ(summary->critical(), 2);
  EXPECT_EQ(summary->warning(), 3);
  EXPECT_EQ(summary->assets_evaluated(), 3);
  std::map<std::string, int> by_rule;
  for (const auto& rc : summary->by_rule()) by_rule[rc.rule_id()] = rc.count();
  EXPECT_EQ(by_rule["SENSITIVE_MFA_EXPORT"], 1);
  EXPECT_EQ(by_rule["TERMS_BASED_CONFIDENTIAL"], 0);
  EXPECT_EQ(by_rule.size(), ComplianceRules().size());

  // Fixing the system removes its finding; the summary follows.
  v1::Asset fixed = *r;
  fixed.mutable_controls()->set_mfa(true);
  ASSERT_TRUE(Update(fixed).ok());
  EXPECT_EQ(logic_->GetFindingsSummary(kStaff, {})->total(), 4);
  v1::GetFindingsSummaryRequest other;
  other.set_organization("mito-city");
  auto empty = logic_->GetFindingsSummary(kStaff, other);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->total(), 0);
  EXPECT_EQ(empty->assets_evaluated(), 0);
}

TEST_P(AssetLogicTest, ConcurrentUpdatesOfOneEtagLetExactlyOneWin) {
  auto created = Create(MakeAsset("共有フォルダ", v1::ASSET_CATEGORY_INFORMATION));
  ASSERT_TRUE(created.ok());
  constexpr int kWriters = 6;
  std::atomic<int> ok{0}, aborted{0}, other{0};
  std::vector<std::thread> threads;
  std::vector<std::string> request_ids;
  for (int i = 0; i < kWriters; ++i) request_ids.push_back(NewRequestId());
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      v1::Asset edit = *created;
      edit.set_notes(absl::StrCat("writer ", i));
      v1::UpdateAssetRequest r;
      r.set_request_id(request_ids[i]);
      *r.mutable_asset() = edit;
      auto result = logic_->UpdateAsset(kStaff, r);
      if (result.ok()) {
        ++ok;
      } else if (result.status().code() == absl::StatusCode::kAborted) {
        ++aborted;
      } else {
        ++other;
        ADD_FAILURE() << result.status();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), kWriters - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Get(created->id())->etag(), "2");
  EXPECT_EQ(History(created->id()).size(), 2u);
}

TEST_P(AssetLogicTest, TheSampleInventoryImportsAndBreaksEveryRuleAtLeastOnce) {
  const char* root = std::getenv("SECCOORD_SOURCE_DIR");
  std::ifstream in(std::string(root ? root : ".") + "/data/sample-assets.csv", std::ios::binary);
  ASSERT_TRUE(in.good()) << "data/sample-assets.csv not found (set SECCOORD_SOURCE_DIR)";
  std::stringstream csv;
  csv << in.rdbuf();
  auto imported = Import(*logic_, csv.str());
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(imported->errors_size(), 0) << imported->errors(0).line() << " "
                                         << imported->errors(0).column() << ": "
                                         << imported->errors(0).reason();
  EXPECT_GE(imported->imported(), 12);
  for (const auto& a : All()) EXPECT_TRUE(a.sample()) << a.id();
  auto summary = logic_->GetFindingsSummary(kStaff, {});
  ASSERT_TRUE(summary.ok()) << summary.status();
  for (const auto& rc : summary->by_rule()) EXPECT_GE(rc.count(), 1) << rc.rule_id();
}

TEST_P(AssetLogicTest, UpdatingARetiredAssetAsReadIsAFailedPrecondition) {
  auto usb = Create(MakeAsset("USBメモリ", v1::ASSET_CATEGORY_STORAGE_MEDIA,
                              v1::SEGMENT_NONE, v1::CONFIDENTIALITY_1));
  ASSERT_TRUE(usb.ok());
  v1::DisposalRecord d = Disposal(2026, 5, 1, "", "");
  auto retired = Retire(usb->id(), &d);
  ASSERT_TRUE(retired.ok()) << retired.status();
  // Sent back exactly as read (lifecycle RETIRED, disposal set), and with
  // the lifecycle cleared: both are told the real reason.
  v1::Asset as_read = *retired;
  as_read.set_notes("廃棄後の追記");
  auto refused = Update(as_read);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_TRUE(Contains(refused.status().message(), "retired assets cannot be updated"))
      << refused.status();
  as_read.clear_lifecycle();
  as_read.clear_disposal();
  EXPECT_EQ(Update(as_read).status().code(), absl::StatusCode::kFailedPrecondition);
  // Nothing stored: still version 2, no third history entry.
  EXPECT_EQ(Get(usb->id())->etag(), "2");
  EXPECT_EQ(History(usb->id()).size(), 2u);
  // An active asset still cannot be retired by an update.
  auto active = Create(MakeAsset("共有フォルダ", v1::ASSET_CATEGORY_INFORMATION));
  ASSERT_TRUE(active.ok());
  v1::Asset retire_by_update = *active;
  retire_by_update.set_lifecycle(v1::LIFECYCLE_RETIRED);
  auto invalid = Update(retire_by_update);
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(invalid.status().message(), "lifecycle")) << invalid.status();
}

TEST_P(AssetLogicTest, StoredFindingsAndSummaryEqualARecountAfterEveryKindOfChange) {
  ExpectStoredFindingsMatchARecount("nothing stored");
  // A sensitive system, and an internet line connected to it (unapproved
  // crossing: the line's finding depends on the system).
  v1::Asset system = MakeAsset("予約システム", v1::ASSET_CATEGORY_INFORMATION_SYSTEM,
                               v1::SEGMENT_SENSITIVE, v1::CONFIDENTIALITY_3B);
  auto sys = Create(system);
  ASSERT_TRUE(sys.ok());
  ExpectStoredFindingsMatchARecount("create");
  v1::Asset line = MakeAsset("インターネット回線", v1::ASSET_CATEGORY_NETWORK,
                             v1::SEGMENT_INTERNET, v1::CONFIDENTIALITY_1);
  line.add_connections()->set_asset_id(sys->id());
  auto ln = Create(line);
  ASSERT_TRUE(ln.ok());
  ExpectStoredFindingsMatchARecount("create with a connection");
  // An asset of another organisation, connected to the union's system.
  const Caller mito = seccoord::testing::MakeCaller("mito-city", "staff", runtime::Role::kUnionStaff);
  v1::Asset branch = MakeAsset("水戸市 窓口端末", v1::ASSET_CATEGORY_EQUIPMENT,
                               v1::SEGMENT_INTERNET, v1::CONFIDENTIALITY_2);
  branch.clear_location();
  branch.add_connections()->set_asset_id(sys->id());
  auto br = Create(branch, mito);
  ASSERT_TRUE(br.ok()) << br.status();
  ExpectStoredFindingsMatchARecount("create in another organisation");

  // Changing the target alone changes the findings of those connected to it.
  v1::Asset renamed = *sys;
  renamed.set_name("施設予約システム");
  auto sys2 = Update(renamed);
  ASSERT_TRUE(sys2.ok());
  ExpectStoredFindingsMatchARecount("target renamed (the crossing's message names it)");
  v1::Asset moved = *sys2;
  moved.set_segment(v1::SEGMENT_INTERNET);
  auto sys3 = Update(moved);
  ASSERT_TRUE(sys3.ok());
  ExpectStoredFindingsMatchARecount("target moved out of the sensitive segment");
  v1::Asset back = *sys3;
  back.set_segment(v1::SEGMENT_SENSITIVE);
  back.mutable_controls()->set_mfa(true);
  back.mutable_controls()->set_export_blocked(true);
  auto sys4 = Update(back);
  ASSERT_TRUE(sys4.ok());
  ExpectStoredFindingsMatchARecount("target back, controls fixed");
  // The connection approved, then removed.
  v1::Asset approved = *ln;
  approved.mutable_connections(0)->set_approved(true);
  auto ln2 = Update(approved);
  ASSERT_TRUE(ln2.ok());
  ExpectStoredFindingsMatchARecount("connection approved");
  v1::Asset unlinked = *ln2;
  unlinked.clear_connections();
  unlinked.mutable_controls()->set_traffic_monitoring(true);
  auto ln3 = Update(unlinked);
  ASSERT_TRUE(ln3.ok());
  ExpectStoredFindingsMatchARecount("connection removed");
  // An update that changes nothing.
  ASSERT_TRUE(Update(*ln3).ok());
  ExpectStoredFindingsMatchARecount("update without change");
  // Retiring the target: a crossing to an asset out of use is no finding.
  v1::DisposalRecord d = Disposal(2026, 5, 1, "物理破壊", "総務課長");
  ASSERT_TRUE(Retire(sys4->id(), &d).ok());
  ExpectStoredFindingsMatchARecount("target retired");
  // An import: new rows, one connected to an existing asset, one retired
  // without erasure record (RETIRED_MEDIA_ERASURE), one of them named by
  // another row of the file.
  auto imported = Import(
      *logic_,
      "id,name,category,segment,confidentiality,integrity,availability,connections,"
      "lifecycle,disposal_date\n"
      "A-000100,庁内LAN,NETWORK,SENSITIVE,2,1,2,,,\n"
      ",職員PC,EQUIPMENT,INTERNET,2,1,1,A-000100;" + ln3->id() + ",,\n"
      ",古いHDD,STORAGE_MEDIA,NONE,3B,1,1,,RETIRED,2025-03-31\n");
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(imported->errors_size(), 0) << imported->errors(0).reason();
  ExpectStoredFindingsMatchARecount("import");
}

TEST_P(AssetLogicTest, ConcurrentWritersOfConnectedAssetsKeepTheStoredFindingsTrue) {
  // A sensitive system and three internet lines connected to it: the
  // lines' cross-segment findings depend on the system. One writer moves
  // the system in and out of the sensitive segment while three others
  // change their own line's segment, all at once (on PostgreSQL, READ
  // COMMITTED: the keeper's locks make each see the other's commit).
  auto system = Create(MakeAsset("予約システム", v1::ASSET_CATEGORY_INFORMATION_SYSTEM,
                                 v1::SEGMENT_SENSITIVE, v1::CONFIDENTIALITY_3B));
  ASSERT_TRUE(system.ok());
  constexpr int kLines = 3;
  std::vector<std::string> ids = {system->id()};
  for (int i = 0; i < kLines; ++i) {
    v1::Asset line = MakeAsset(absl::StrCat("回線", i), v1::ASSET_CATEGORY_NETWORK,
                               v1::SEGMENT_INTERNET, v1::CONFIDENTIALITY_1);
    line.add_connections()->set_asset_id(system->id());
    auto created = Create(line);
    ASSERT_TRUE(created.ok());
    ids.push_back(created->id());
  }
  constexpr int kChanges = 8;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (size_t w = 0; w < ids.size(); ++w) {
    writers.emplace_back([&, w] {
      for (int k = 0; k < kChanges; ++k) {
        // Read, change, write; a concurrent change (ABORTED) is read again.
        for (int attempt = 0; attempt < 50; ++attempt) {
          v1::GetAssetRequest get;
          get.set_asset_id(ids[w]);
          auto current = logic_->GetAsset(kStaff, get);
          if (!current.ok()) {
            ++failures;
            return;
          }
          v1::Asset next = *current;
          const bool flip = k % 2 == 0;
          if (w == 0) {
            next.set_segment(flip ? v1::SEGMENT_NONE : v1::SEGMENT_SENSITIVE);
          } else {
            next.set_segment(flip ? v1::SEGMENT_SENSITIVE : v1::SEGMENT_INTERNET);
            next.mutable_controls()->set_traffic_monitoring(flip);
          }
          auto updated = Update(next);
          if (updated.ok()) break;
          if (updated.status().code() != absl::StatusCode::kAborted) {
            ADD_FAILURE() << updated.status();
            ++failures;
            return;
          }
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(failures.load(), 0);
  ExpectStoredFindingsMatchARecount("concurrent writers of connected assets");
}

TEST_P(AssetLogicTest, FindingsAndExportComeInPagesBoundToTheirQuery) {
  for (int i = 0; i < 5; ++i) {
    v1::Asset a = MakeAsset(absl::StrCat("回線", i), v1::ASSET_CATEGORY_NETWORK,
                            v1::SEGMENT_INTERNET, v1::CONFIDENTIALITY_1);
    a.clear_location();
    ASSERT_TRUE(Create(a).ok());
  }
  // Two findings per asset (monitoring, location), across pages of 3.
  const std::vector<v1::Finding> paged = StoredFindings("", 3);
  EXPECT_EQ(paged.size(), 10u);
  const std::vector<v1::Finding> whole = StoredFindings("", 500);
  ASSERT_EQ(whole.size(), paged.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(paged[i].SerializeAsString(), whole[i].SerializeAsString()) << i;
  }
  v1::ListFindingsRequest first;
  first.set_page_size(3);
  auto page = logic_->ListFindings(kStaff, first);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_page_token().empty());
  v1::ListFindingsRequest other = first;
  other.set_organization("mito-city");
  other.set_page_token(page->next_page_token());
  auto refused = logic_->ListFindings(kStaff, other);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(refused.status().message(), "page_token: was issued for a different query"))
      << refused.status();
  // The token holds only the position; the query it binds to is the whole
  // request but its page size.
  other = first;
  other.set_page_size(5);
  other.set_page_token(page->next_page_token());
  auto resized = logic_->ListFindings(kStaff, other);
  ASSERT_TRUE(resized.ok()) << resized.status();
  EXPECT_EQ(resized->findings(0).SerializeAsString(), whole[3].SerializeAsString());

  // The export in pages of 2 concatenates to the export in one page.
  v1::ExportAssetsRequest er;
  er.set_bom(true);
  auto one = logic_->ExportAssets(kStaff, er);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_TRUE(one->next_page_token().empty());
  EXPECT_EQ(one->rows(), 5);
  er.set_page_size(2);
  std::string csv;
  int rows = 0, pages = 0;
  while (pages < 10) {
    auto p = logic_->ExportAssets(kStaff, er);
    ASSERT_TRUE(p.ok()) << p.status();
    ++pages;
    csv += p->csv();
    rows += p->rows();
    if (p->next_page_token().empty()) break;
    er.set_page_token(p->next_page_token());
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(rows, 5);
  EXPECT_EQ(csv, one->csv());
  // A token of this export is refused for another (retired included).
  er.set_page_size(2);
  er.clear_page_token();
  auto p1 = logic_->ExportAssets(kStaff, er);
  ASSERT_TRUE(p1.ok());
  er.set_page_token(p1->next_page_token());
  er.set_include_retired(true);
  auto wrong = logic_->ExportAssets(kStaff, er);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(wrong.status().message(), "page_token: was issued for a different query"))
      << wrong.status();
}

TEST_P(AssetLogicTest, UpgradingFromStoredAssetsWithoutFindingsComputesThemOnce) {
  // A database of asset schema version 1, with assets stored the way that
  // version stored them (no findings, links or counts).
  auto old_db = seccoord::testing::TestDatabase::Create(driver());
  ASSERT_TRUE(old_db.ok()) << old_db.status();
  db::Database& database = (*old_db)->db();
  std::vector<db::Migration> v1_only = AssetMigrations();
  v1_only.resize(1);
  ASSERT_TRUE(db::ApplyMigrations(database, "asset", v1_only).ok());
  v1::Asset sensitive = MakeAsset("予約システム", v1::ASSET_CATEGORY_INFORMATION_SYSTEM,
                                  v1::SEGMENT_SENSITIVE, v1::CONFIDENTIALITY_3B);
  sensitive.set_id("A-000001");
  sensitive.set_organization("kasama-union");
  sensitive.set_lifecycle(v1::LIFECYCLE_ACTIVE);
  sensitive.set_etag("1");
  v1::Asset line = MakeAsset("インターネット回線", v1::ASSET_CATEGORY_NETWORK,
                             v1::SEGMENT_INTERNET, v1::CONFIDENTIALITY_1);
  line.set_id("A-000002");
  line.set_organization("mito-city");
  line.set_lifecycle(v1::LIFECYCLE_ACTIVE);
  line.set_etag("1");
  line.add_connections()->set_asset_id("A-000001");
  v1::Asset disk = MakeAsset("古いHDD", v1::ASSET_CATEGORY_STORAGE_MEDIA);
  disk.set_id("A-000003");
  disk.set_organization("kasama-union");
  disk.set_lifecycle(v1::LIFECYCLE_RETIRED);
  disk.set_etag("1");
  {
    auto tx = database.Begin(db::TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok()) << tx.status();
    AssetStore::Tx typed(**tx);
    for (const auto* a : {&sensitive, &line, &disk}) {
      ASSERT_TRUE(typed.InsertAsset(*a, 1).ok());
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  // The upgrade: migration 2, then the findings computed at start.
  std::unique_ptr<AssetStore> upgraded_store;
  auto upgraded = MakeLogic(database, &upgraded_store);
  ASSERT_TRUE(BackfillStoredFindings(*upgraded_store).ok());
  std::swap(logic_, upgraded);
  std::swap(store_, upgraded_store);
  ExpectStoredFindingsMatchARecount("upgrade");
  auto union_summary = logic_->GetFindingsSummary(kAdvisor, {});
  ASSERT_TRUE(union_summary.ok());
  EXPECT_EQ(union_summary->assets_evaluated(), 1);
  EXPECT_GE(union_summary->total(), 2);  // MFA/export, retired media erasure
  // A second start computes nothing again (counts do not double).
  ASSERT_TRUE(BackfillStoredFindings(*store_).ok());
  ExpectStoredFindingsMatchARecount("second start");
  // And later writes keep them true: the line's crossing follows its target.
  v1::Asset moved = *Get("A-000001");
  moved.set_segment(v1::SEGMENT_INTERNET);
  ASSERT_TRUE(Update(moved).ok());
  ExpectStoredFindingsMatchARecount("write after the upgrade");
  std::swap(logic_, upgraded);
  std::swap(store_, upgraded_store);
  upgraded.reset();
  upgraded_store.reset();
}

TEST_P(AssetLogicTest, ExportEditImportWithUpdateIsTheSpreadsheetRoundTrip) {
  auto folder = Create(MakeAsset("共有フォルダ", v1::ASSET_CATEGORY_INFORMATION));
  ASSERT_TRUE(folder.ok());
  v1::Asset line_asset = MakeAsset("インターネット回線", v1::ASSET_CATEGORY_NETWORK,
                                   v1::SEGMENT_INTERNET, v1::CONFIDENTIALITY_1);
  auto line = Create(line_asset);
  ASSERT_TRUE(line.ok());
  auto usb = Create(MakeAsset("USBメモリ", v1::ASSET_CATEGORY_STORAGE_MEDIA, v1::SEGMENT_NONE,
                              v1::CONFIDENTIALITY_1));
  ASSERT_TRUE(usb.ok());
  v1::DisposalRecord d = Disposal(2026, 5, 1, "", "");
  ASSERT_TRUE(Retire(usb->id(), &d).ok());
  v1::ExportAssetsRequest er;
  er.set_include_retired(true);
  auto exported = logic_->ExportAssets(kStaff, er);
  ASSERT_TRUE(exported.ok()) << exported.status();
  const std::string original = exported->csv();
  EXPECT_TRUE(Contains(original, ",etag\r\n")) << original;

  // The office edits: the line gets traffic monitoring, a new row without
  // id; the folder and the retired USB stick stay as they were.
  std::string edited = original;
  const std::string line_row_start = "\r\n" + line->id() + ",";
  const size_t at = edited.find(line_row_start);
  ASSERT_NE(at, std::string::npos);
  const size_t end = edited.find("\r\n", at + 2);
  v1::Asset monitored = *line;
  monitored.mutable_controls()->set_traffic_monitoring(true);
  std::string new_row = WriteAssetCsvRecords({monitored});
  edited.replace(at + 2, end + 2 - (at + 2), new_row);
  v1::Asset added = MakeAsset("新しいPC", v1::ASSET_CATEGORY_EQUIPMENT, v1::SEGMENT_INTERNET);
  edited += WriteAssetCsvRecords({added});

  auto dry = Import(*logic_, edited, /*dry_run=*/true, /*update=*/true);
  ASSERT_TRUE(dry.ok()) << dry.status();
  ASSERT_EQ(dry->errors_size(), 0) << dry->errors(0).column() << ": " << dry->errors(0).reason();
  EXPECT_EQ(dry->imported(), 2);
  std::map<std::string, std::string> action;
  for (const auto& c : dry->changes()) action[c.asset_id()] = c.action();
  EXPECT_EQ(action[folder->id()], "UNCHANGED");
  EXPECT_EQ(action[line->id()], "UPDATE");
  EXPECT_EQ(action[usb->id()], "UNCHANGED");
  EXPECT_EQ(action[""], "CREATE");
  for (const auto& c : dry->changes()) {
    if (c.asset_id() == line->id()) {
      EXPECT_EQ(std::vector<std::string>(c.changed_fields().begin(), c.changed_fields().end()),
                std::vector<std::string>{"controls.traffic_monitoring"});
    }
  }
  EXPECT_EQ(All().size(), 3u);
  EXPECT_EQ(Get(line->id())->etag(), "1");  // the dry run wrote nothing

  auto done = Import(*logic_, edited, /*dry_run=*/false, /*update=*/true);
  ASSERT_TRUE(done.ok()) << done.status();
  ASSERT_EQ(done->errors_size(), 0) << done->errors(0).reason();
  EXPECT_EQ(done->imported(), 2);
  EXPECT_EQ(All().size(), 4u);
  auto updated_line = Get(line->id());
  EXPECT_TRUE(updated_line->controls().traffic_monitoring());
  EXPECT_EQ(updated_line->etag(), "2");
  EXPECT_EQ(History(line->id()).back().action(), "UPDATED");
  EXPECT_EQ(Get(folder->id())->etag(), "1");  // unchanged: no new version
  EXPECT_EQ(History(folder->id()).size(), 1u);
  EXPECT_EQ(Get(usb->id())->lifecycle(), v1::LIFECYCLE_RETIRED);  // retired stays retired
  EXPECT_EQ(Get(usb->id())->etag(), "2");
  ExpectStoredFindingsMatchARecount("import with update");

  // The same sheet again: the line's row is stale now. A row error naming
  // the etag, and nothing stored (not even the new row).
  const int64_t history_before = HistoryRows();
  auto stale = Import(*logic_, edited, /*dry_run=*/false, /*update=*/true);
  ASSERT_TRUE(stale.ok()) << stale.status();
  ASSERT_EQ(stale->errors_size(), 1);
  EXPECT_EQ(stale->errors(0).column(), "etag");
  EXPECT_TRUE(Contains(stale->errors(0).reason(), "has changed since")) << stale->errors(0).reason();
  EXPECT_EQ(stale->imported(), 0);
  EXPECT_EQ(All().size(), 4u);
  EXPECT_EQ(HistoryRows(), history_before);

  // A changed row of a retired asset is refused; so is a row retiring an
  // active one, and (without update) a row naming an existing asset.
  auto fresh = logic_->ExportAssets(kStaff, er);
  ASSERT_TRUE(fresh.ok());
  v1::Asset usb_now = *Get(usb->id());
  std::string retired_edit = fresh->csv();
  const std::string usb_row = WriteAssetCsvRecords({usb_now});
  ASSERT_NE(retired_edit.find(usb_row), std::string::npos);
  usb_now.set_notes("廃棄後に追記");
  retired_edit.replace(retired_edit.find(usb_row), usb_row.size(), WriteAssetCsvRecords({usb_now}));
  auto refused = Import(*logic_, retired_edit, /*dry_run=*/false, /*update=*/true);
  ASSERT_TRUE(refused.ok());
  ASSERT_EQ(refused->errors_size(), 1);
  EXPECT_TRUE(Contains(refused->errors(0).reason(), "retired assets cannot be updated"))
      << refused->errors(0).reason();
  v1::Asset folder_now = *Get(folder->id());
  std::string retire_edit = fresh->csv();
  const std::string folder_row = WriteAssetCsvRecords({folder_now});
  folder_now.set_lifecycle(v1::LIFECYCLE_RETIRED);
  *folder_now.mutable_disposal() = d;
  retire_edit.replace(retire_edit.find(folder_row), folder_row.size(),
                      WriteAssetCsvRecords({folder_now}));
  auto no_retire = Import(*logic_, retire_edit, /*dry_run=*/false, /*update=*/true);
  ASSERT_TRUE(no_retire.ok());
  ASSERT_GE(no_retire->errors_size(), 1);
  EXPECT_EQ(no_retire->errors(0).column(), "lifecycle");
  auto without_update = Import(*logic_, fresh->csv());
  ASSERT_TRUE(without_update.ok());
  ASSERT_GE(without_update->errors_size(), 1);
  EXPECT_TRUE(Contains(without_update->errors(0).reason(), "already exists"));
  EXPECT_EQ(All().size(), 4u);
  EXPECT_EQ(Get(usb->id())->notes(), "");
  EXPECT_EQ(Get(folder->id())->lifecycle(), v1::LIFECYCLE_ACTIVE);
}

// An import with update writes a row as UpdateAsset writes the same edit
// (one MergeUpdate and WriteUpdate): lifecycle from the stored asset, no
// disposal record, the same new version and history entry.
TEST_P(AssetLogicTest, ImportWithUpdateWritesARowAsUpdateAssetWritesTheEdit) {
  v1::Asset base = MakeAsset("庁内サーバ", v1::ASSET_CATEGORY_EQUIPMENT);
  auto by_rpc = Create(base);
  auto by_sheet = Create(base);
  ASSERT_TRUE(by_rpc.ok() && by_sheet.ok());

  // UpdateAsset: the asset as read with a new location, sent without a
  // lifecycle and with a disposal record; both are the server's to keep.
  v1::Asset edit = *by_rpc;
  edit.set_location("別館サーバ室");
  edit.clear_lifecycle();
  *edit.mutable_disposal() = Disposal(2026, 5, 1, "物理破壊", "佐藤");
  auto updated = Update(edit);
  ASSERT_TRUE(updated.ok()) << updated.status();

  // The same edit through the spreadsheet round trip.
  v1::ExportAssetsRequest er;
  auto exported = logic_->ExportAssets(kStaff, er);
  ASSERT_TRUE(exported.ok()) << exported.status();
  std::string sheet = exported->csv();
  const std::string row = WriteAssetCsvRecords({*by_sheet});
  ASSERT_NE(sheet.find(row), std::string::npos);
  v1::Asset sheet_edit = *by_sheet;
  sheet_edit.set_location("別館サーバ室");
  sheet.replace(sheet.find(row), row.size(), WriteAssetCsvRecords({sheet_edit}));
  auto imported = Import(*logic_, sheet, /*dry_run=*/false, /*update=*/true);
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(imported->errors_size(), 0) << imported->errors(0).reason();
  EXPECT_EQ(imported->imported(), 1);

  auto rpc_now = Get(by_rpc->id());
  auto sheet_now = Get(by_sheet->id());
  ASSERT_TRUE(rpc_now.ok() && sheet_now.ok());
  for (const v1::Asset* a : {&*rpc_now, &*sheet_now}) {
    EXPECT_EQ(a->lifecycle(), v1::LIFECYCLE_ACTIVE) << a->id();
    EXPECT_FALSE(a->has_disposal()) << a->id();
    EXPECT_EQ(a->etag(), "2") << a->id();
    EXPECT_EQ(a->location(), "別館サーバ室") << a->id();
  }
  v1::Asset rpc_cmp = Comparable(*rpc_now);
  v1::Asset sheet_cmp = Comparable(*sheet_now);
  rpc_cmp.clear_id();
  sheet_cmp.clear_id();
  EXPECT_EQ(rpc_cmp.SerializeAsString(), sheet_cmp.SerializeAsString())
      << rpc_cmp.DebugString() << "\n" << sheet_cmp.DebugString();
  const auto rpc_history = History(by_rpc->id());
  const auto sheet_history = History(by_sheet->id());
  ASSERT_EQ(rpc_history.size(), 2u);
  ASSERT_EQ(sheet_history.size(), 2u);
  EXPECT_EQ(rpc_history.back().action(), sheet_history.back().action());
  EXPECT_EQ(std::vector<std::string>(rpc_history.back().changed_fields().begin(),
                                     rpc_history.back().changed_fields().end()),
            std::vector<std::string>{"location"});
  EXPECT_EQ(std::vector<std::string>(sheet_history.back().changed_fields().begin(),
                                     sheet_history.back().changed_fields().end()),
            std::vector<std::string>{"location"});
  ExpectStoredFindingsMatchARecount("update and import with update");
}

SECCOORD_INSTANTIATE_DATABASE_TEST(AssetLogicTest);

}  // namespace
}  // namespace seccoord::asset
