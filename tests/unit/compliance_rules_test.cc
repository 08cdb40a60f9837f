// The compliance rule table: every rule with an asset that breaks it and near
// misses that do not, the summary, the table's own invariants, the scope
// check, and the sample inventory in data/ (one finding of each rule).
#include "services/asset/compliance_rules.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/asset_csv.h"

namespace seccoord::asset {
namespace {

// The per-rule counts SummarizeFindingCounts takes, one entry per finding.
std::vector<std::pair<std::string, int64_t>> OnePerFinding(const std::vector<v1::Finding>& f) {
  std::vector<std::pair<std::string, int64_t>> counts;
  for (const v1::Finding& finding : f) counts.emplace_back(finding.rule_id(), 1);
  return counts;
}

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// An asset in use that breaks no rule: every control declared, a location,
// no external service, no connections.
v1::Asset Compliant(const std::string& id = "A-000100") {
  v1::Asset a;
  a.set_id(id);
  a.set_organization("kasama-union");
  a.set_name("テスト資産 " + id);
  a.set_category(v1::ASSET_CATEGORY_INFORMATION_SYSTEM);
  a.set_segment(v1::SEGMENT_NONE);
  a.set_confidentiality(v1::CONFIDENTIALITY_1);
  a.set_integrity(v1::INTEGRITY_1);
  a.set_availability(v1::AVAILABILITY_1);
  a.set_custodian("事務局 総務係");
  a.set_location("斎場 事務室");
  v1::Controls* c = a.mutable_controls();
  c->set_mfa(true);
  c->set_export_blocked(true);
  c->set_traffic_monitoring(true);
  c->set_encryption(true);
  c->set_backup(true);
  a.set_external_service(v1::EXTERNAL_SERVICE_USE_NONE);
  a.set_lifecycle(v1::LIFECYCLE_ACTIVE);
  return a;
}

AssetLookup NoAssets() {
  return [](const std::string&) -> const v1::Asset* { return nullptr; };
}

// Lookup over a fixed set of assets.
class Inventory {
 public:
  void Add(const v1::Asset& a) { assets_[a.id()] = a; }
  AssetLookup Lookup() const {
    return [this](const std::string& id) -> const v1::Asset* {
      auto it = assets_.find(id);
      return it == assets_.end() ? nullptr : &it->second;
    };
  }

 private:
  std::map<std::string, v1::Asset> assets_;
};

std::vector<std::string> RuleIds(const std::vector<v1::Finding>& findings) {
  std::vector<std::string> ids;
  for (const auto& f : findings) ids.push_back(f.rule_id());
  return ids;
}

std::vector<std::string> Evaluate(const v1::Asset& a, const AssetLookup& lookup = NoAssets()) {
  return RuleIds(EvaluateAsset(a, lookup));
}

// Message of the only finding of `a` (fails if there is not exactly one).
std::string OnlyMessage(const v1::Asset& a, const AssetLookup& lookup = NoAssets()) {
  auto findings = EvaluateAsset(a, lookup);
  EXPECT_EQ(findings.size(), 1u);
  return findings.empty() ? std::string() : findings[0].message();
}

// ---- the table ----

TEST(RuleTableTest, EveryRuleHasIdArticleSeverityMessageAndPredicate) {
  std::set<std::string> ids;
  for (const ComplianceRule& rule : ComplianceRules()) {
    EXPECT_FALSE(rule.id.empty());
    EXPECT_FALSE(rule.article.empty()) << rule.id;
    EXPECT_TRUE(std::string(rule.article).rfind("第", 0) == 0) << rule.id;
    EXPECT_FALSE(rule.message.empty()) << rule.id;
    EXPECT_NE(rule.severity, v1::SEVERITY_UNSPECIFIED) << rule.id;
    EXPECT_NE(rule.violated, nullptr) << rule.id;
    EXPECT_TRUE(ids.insert(std::string(rule.id)).second) << "duplicate id " << rule.id;
    EXPECT_EQ(FindComplianceRule(rule.id), &rule);
  }
  EXPECT_EQ(FindComplianceRule("NO_SUCH_RULE"), nullptr);
}

TEST(RuleTableTest, HoldsTheRulesOfTheDesign) {
  std::map<std::string, std::pair<std::string, v1::Severity>> rules;
  for (const ComplianceRule& r : ComplianceRules()) {
    rules[std::string(r.id)] = {std::string(r.article), r.severity};
  }
  using P = std::pair<std::string, v1::Severity>;
  EXPECT_EQ(rules.size(), 7u);
  EXPECT_EQ(rules["SENSITIVE_MFA_EXPORT"], P("第6(3)ア", v1::SEVERITY_CRITICAL));
  EXPECT_EQ(rules["SENSITIVE_CROSS_SEGMENT"], P("第6(3)ア", v1::SEVERITY_CRITICAL));
  EXPECT_EQ(rules["INTERNET_MONITORING"], P("第6(3)イ", v1::SEVERITY_WARNING));
  EXPECT_EQ(rules["TERMS_BASED_CONFIDENTIAL"], P("第6(8)", v1::SEVERITY_CRITICAL));
  EXPECT_EQ(rules["AVAILABILITY_BACKUP"], P("第6(2)", v1::SEVERITY_WARNING));
  EXPECT_EQ(rules["LOCATION_MISSING"], P("第6(4)", v1::SEVERITY_WARNING));
  EXPECT_EQ(rules["RETIRED_MEDIA_ERASURE"], P("第6(4)", v1::SEVERITY_CRITICAL));
}

TEST(RuleTableTest, CompliantAssetOfEveryCategoryAndSegmentHasNoFinding) {
  for (auto category : {v1::ASSET_CATEGORY_NETWORK, v1::ASSET_CATEGORY_INFORMATION_SYSTEM,
                        v1::ASSET_CATEGORY_EQUIPMENT, v1::ASSET_CATEGORY_STORAGE_MEDIA,
                        v1::ASSET_CATEGORY_INFORMATION, v1::ASSET_CATEGORY_SYSTEM_DOCUMENT}) {
    for (auto segment : {v1::SEGMENT_SENSITIVE, v1::SEGMENT_INTERNET, v1::SEGMENT_NONE}) {
      v1::Asset a = Compliant();
      a.set_category(category);
      a.set_segment(segment);
      a.set_confidentiality(v1::CONFIDENTIALITY_3A);
      a.set_integrity(v1::INTEGRITY_2);
      a.set_availability(v1::AVAILABILITY_2);
      EXPECT_THAT(Evaluate(a), IsEmpty()) << category << " " << segment;
    }
  }
}

TEST(RuleTableTest, FindingCarriesRuleAssetAndArticle) {
  v1::Asset a = Compliant("A-000042");
  a.set_name("ルータ");
  a.set_organization("kasama-union");
  a.set_category(v1::ASSET_CATEGORY_EQUIPMENT);
  a.set_location("");
  auto findings = EvaluateAsset(a, NoAssets());
  ASSERT_EQ(findings.size(), 1u);
  const v1::Finding& f = findings[0];
  EXPECT_EQ(f.rule_id(), "LOCATION_MISSING");
  EXPECT_EQ(f.severity(), v1::SEVERITY_WARNING);
  EXPECT_EQ(f.asset_id(), "A-000042");
  EXPECT_EQ(f.asset_name(), "ルータ");
  EXPECT_EQ(f.organization(), "kasama-union");
  EXPECT_EQ(f.article(), "第6(4)");
  EXPECT_THAT(f.message(), HasSubstr("設置場所"));
}

TEST(RuleTableTest, FindingsComeInTableOrder) {
  v1::Asset a = Compliant();
  a.set_category(v1::ASSET_CATEGORY_NETWORK);
  a.set_segment(v1::SEGMENT_INTERNET);
  a.set_availability(v1::AVAILABILITY_2);
  a.mutable_controls()->set_backup(false);
  a.mutable_controls()->set_traffic_monitoring(false);
  a.set_location(" ");
  EXPECT_THAT(Evaluate(a),
              ElementsAre("INTERNET_MONITORING", "AVAILABILITY_BACKUP", "LOCATION_MISSING"));
}

// ---- SENSITIVE_MFA_EXPORT ----

TEST(SensitiveMfaExportTest, SensitiveWithoutMfaBreaksItAndNamesMfa) {
  v1::Asset a = Compliant();
  a.set_segment(v1::SEGMENT_SENSITIVE);
  a.mutable_controls()->set_mfa(false);
  EXPECT_THAT(Evaluate(a), ElementsAre("SENSITIVE_MFA_EXPORT"));
  const std::string m = OnlyMessage(a);
  EXPECT_THAT(m, HasSubstr("多要素認証"));
  EXPECT_THAT(m, Not(HasSubstr("持ち出し")));
}

TEST(SensitiveMfaExportTest, SensitiveWithoutExportBlockBreaksItAndNamesIt) {
  v1::Asset a = Compliant();
  a.set_segment(v1::SEGMENT_SENSITIVE);
  a.mutable_controls()->set_export_blocked(false);
  EXPECT_THAT(Evaluate(a), ElementsAre("SENSITIVE_MFA_EXPORT"));
  const std::string m = OnlyMessage(a);
  EXPECT_THAT(m, HasSubstr("情報持ち出し不可設定"));
  EXPECT_THAT(m, Not(HasSubstr("多要素認証")));
}

TEST(SensitiveMfaExportTest, SensitiveWithoutBothNamesBoth) {
  v1::Asset a = Compliant();
  a.set_segment(v1::SEGMENT_SENSITIVE);
  a.mutable_controls()->set_mfa(false);
  a.mutable_controls()->set_export_blocked(false);
  a.clear_controls();  // no controls declared at all
  const std::string m = OnlyMessage(a);
  EXPECT_THAT(m, HasSubstr("多要素認証及び情報持ち出し不可設定"));
}

TEST(SensitiveMfaExportTest, NearMisses) {
  v1::Asset sensitive_ok = Compliant();
  sensitive_ok.set_segment(v1::SEGMENT_SENSITIVE);
  EXPECT_THAT(Evaluate(sensitive_ok), IsEmpty());

  v1::Asset internet = Compliant();  // the rule is for the sensitive segment only
  internet.set_segment(v1::SEGMENT_INTERNET);
  internet.mutable_controls()->set_mfa(false);
  internet.mutable_controls()->set_export_blocked(false);
  EXPECT_THAT(Evaluate(internet), IsEmpty());

  v1::Asset retired = Compliant();  // retired assets are not in use
  retired.set_segment(v1::SEGMENT_SENSITIVE);
  retired.mutable_controls()->set_mfa(false);
  retired.set_lifecycle(v1::LIFECYCLE_RETIRED);
  EXPECT_THAT(Evaluate(retired), IsEmpty());
}

// ---- SENSITIVE_CROSS_SEGMENT ----

class CrossSegmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sensitive_ = Compliant("A-000001");
    sensitive_.set_segment(v1::SEGMENT_SENSITIVE);
    internet_ = Compliant("A-000002");
    internet_.set_segment(v1::SEGMENT_INTERNET);
    internet_.set_name("電子メール");
    offline_ = Compliant("A-000003");
    offline_.set_segment(v1::SEGMENT_NONE);
    other_sensitive_ = Compliant("A-000004");
    other_sensitive_.set_segment(v1::SEGMENT_SENSITIVE);
    retired_internet_ = Compliant("A-000005");
    retired_internet_.set_segment(v1::SEGMENT_INTERNET);
    retired_internet_.set_lifecycle(v1::LIFECYCLE_RETIRED);
    for (const auto* a : {&sensitive_, &internet_, &offline_, &other_sensitive_, &retired_internet_}) {
      inventory_.Add(*a);
    }
  }
  static void Connect(v1::Asset* from, const std::string& to, bool approved) {
    v1::Connection* c = from->add_connections();
    c->set_asset_id(to);
    c->set_approved(approved);
  }

  v1::Asset sensitive_, internet_, offline_, other_sensitive_, retired_internet_;
  Inventory inventory_;
};

TEST_F(CrossSegmentTest, SensitiveToInternetUnapprovedBreaksItAndNamesTheTarget) {
  Connect(&sensitive_, "A-000002", false);
  EXPECT_THAT(Evaluate(sensitive_, inventory_.Lookup()), ElementsAre("SENSITIVE_CROSS_SEGMENT"));
  const std::string m = OnlyMessage(sensitive_, inventory_.Lookup());
  EXPECT_THAT(m, HasSubstr("A-000002"));
  EXPECT_THAT(m, HasSubstr("電子メール"));
  EXPECT_THAT(m, HasSubstr("インターネット接続系"));
}

TEST_F(CrossSegmentTest, InternetToSensitiveUnapprovedBreaksIt) {
  Connect(&internet_, "A-000001", false);
  EXPECT_THAT(Evaluate(internet_, inventory_.Lookup()), ElementsAre("SENSITIVE_CROSS_SEGMENT"));
}

TEST_F(CrossSegmentTest, SensitiveToOfflineUnapprovedBreaksIt) {
  Connect(&sensitive_, "A-000003", false);  // e.g. a USB memory: another segment
  EXPECT_THAT(Evaluate(sensitive_, inventory_.Lookup()), ElementsAre("SENSITIVE_CROSS_SEGMENT"));
}

TEST_F(CrossSegmentTest, OneFindingPerAssetNamingEveryUnapprovedConnection) {
  Connect(&sensitive_, "A-000002", false);
  Connect(&sensitive_, "A-000003", false);
  Connect(&sensitive_, "A-000004", false);
  const std::string m = OnlyMessage(sensitive_, inventory_.Lookup());
  EXPECT_THAT(m, HasSubstr("A-000002"));
  EXPECT_THAT(m, HasSubstr("A-000003"));
  EXPECT_THAT(m, Not(HasSubstr("A-000004")));
}

TEST_F(CrossSegmentTest, NearMisses) {
  Connect(&sensitive_, "A-000002", true);   // approved exception
  Connect(&sensitive_, "A-000004", false);  // same segment
  Connect(&sensitive_, "A-000005", false);  // target retired
  Connect(&sensitive_, "A-999999", false);  // unknown target (refused on write)
  EXPECT_THAT(Evaluate(sensitive_, inventory_.Lookup()), IsEmpty());

  Connect(&internet_, "A-000003", false);  // neither side sensitive
  EXPECT_THAT(Evaluate(internet_, inventory_.Lookup()), IsEmpty());

  Connect(&internet_, "A-000001", true);  // approved the other way
  EXPECT_THAT(Evaluate(internet_, inventory_.Lookup()), IsEmpty());

  v1::Asset retired = sensitive_;  // a retired asset carries no traffic
  Connect(&retired, "A-000002", false);
  retired.set_lifecycle(v1::LIFECYCLE_RETIRED);
  EXPECT_THAT(Evaluate(retired, inventory_.Lookup()), IsEmpty());

  Connect(&sensitive_, "A-000002", false);  // no lookup given: nothing to judge
  EXPECT_THAT(Evaluate(sensitive_, AssetLookup()), IsEmpty());
}

// ---- INTERNET_MONITORING ----

TEST(InternetMonitoringTest, InternetSystemsWithoutMonitoringBreakIt) {
  for (auto category : {v1::ASSET_CATEGORY_NETWORK, v1::ASSET_CATEGORY_INFORMATION_SYSTEM,
                        v1::ASSET_CATEGORY_EQUIPMENT}) {
    v1::Asset a = Compliant();
    a.set_category(category);
    a.set_segment(v1::SEGMENT_INTERNET);
    a.mutable_controls()->set_traffic_monitoring(false);
    EXPECT_THAT(Evaluate(a), ElementsAre("INTERNET_MONITORING")) << category;
  }
}

TEST(InternetMonitoringTest, NearMisses) {
  v1::Asset monitored = Compliant();
  monitored.set_category(v1::ASSET_CATEGORY_NETWORK);
  monitored.set_segment(v1::SEGMENT_INTERNET);
  EXPECT_THAT(Evaluate(monitored), IsEmpty());

  for (auto category : {v1::ASSET_CATEGORY_STORAGE_MEDIA, v1::ASSET_CATEGORY_INFORMATION,
                        v1::ASSET_CATEGORY_SYSTEM_DOCUMENT}) {
    v1::Asset data = Compliant();  // carries no traffic
    data.set_category(category);
    data.set_segment(v1::SEGMENT_INTERNET);
    data.mutable_controls()->set_traffic_monitoring(false);
    EXPECT_THAT(Evaluate(data), IsEmpty()) << category;
  }

  v1::Asset sensitive = Compliant();
  sensitive.set_segment(v1::SEGMENT_SENSITIVE);
  sensitive.mutable_controls()->set_traffic_monitoring(false);
  EXPECT_THAT(Evaluate(sensitive), IsEmpty());

  v1::Asset retired = monitored;
  retired.mutable_controls()->set_traffic_monitoring(false);
  retired.set_lifecycle(v1::LIFECYCLE_RETIRED);
  EXPECT_THAT(Evaluate(retired), IsEmpty());
}

// ---- TERMS_BASED_CONFIDENTIAL ----

TEST(TermsBasedConfidentialTest, TwoOrAboveOnTermsBasedServiceBreaksIt) {
  for (auto c : {v1::CONFIDENTIALITY_2, v1::CONFIDENTIALITY_3C, v1::CONFIDENTIALITY_3B,
                 v1::CONFIDENTIALITY_3A}) {
    v1::Asset a = Compliant();
    a.set_confidentiality(c);
    a.set_external_service(v1::EXTERNAL_SERVICE_USE_TERMS_BASED);
    a.set_external_service_name("クラウドメールサービス");
    EXPECT_THAT(Evaluate(a), ElementsAre("TERMS_BASED_CONFIDENTIAL")) << c;
  }
  v1::Asset a = Compliant();
  a.set_confidentiality(v1::CONFIDENTIALITY_3B);
  a.set_external_service(v1::EXTERNAL_SERVICE_USE_TERMS_BASED);
  a.set_external_service_name("クラウドストレージ");
  const std::string m = OnlyMessage(a);
  EXPECT_THAT(m, HasSubstr("機密性3B"));
  EXPECT_THAT(m, HasSubstr("クラウドストレージ"));
}

TEST(TermsBasedConfidentialTest, NearMisses) {
  v1::Asset public_info = Compliant();
  public_info.set_confidentiality(v1::CONFIDENTIALITY_1);
  public_info.set_external_service(v1::EXTERNAL_SERVICE_USE_TERMS_BASED);
  EXPECT_THAT(Evaluate(public_info), IsEmpty());

  v1::Asset contracted = Compliant();
  contracted.set_confidentiality(v1::CONFIDENTIALITY_3A);
  contracted.set_external_service(v1::EXTERNAL_SERVICE_USE_CONTRACTED);
  EXPECT_THAT(Evaluate(contracted), IsEmpty());

  v1::Asset retired = Compliant();
  retired.set_confidentiality(v1::CONFIDENTIALITY_2);
  retired.set_external_service(v1::EXTERNAL_SERVICE_USE_TERMS_BASED);
  retired.set_lifecycle(v1::LIFECYCLE_RETIRED);
  EXPECT_THAT(Evaluate(retired), IsEmpty());
}

// ---- AVAILABILITY_BACKUP ----

TEST(AvailabilityBackupTest, AvailabilityTwoWithoutBackupBreaksIt) {
  v1::Asset a = Compliant();
  a.set_availability(v1::AVAILABILITY_2);
  a.mutable_controls()->set_backup(false);
  EXPECT_THAT(Evaluate(a), ElementsAre("AVAILABILITY_BACKUP"));
}

TEST(AvailabilityBackupTest, NearMisses) {
  v1::Asset backed_up = Compliant();
  backed_up.set_availability(v1::AVAILABILITY_2);
  EXPECT_THAT(Evaluate(backed_up), IsEmpty());

  v1::Asset low = Compliant();
  low.set_availability(v1::AVAILABILITY_1);
  low.mutable_controls()->set_backup(false);
  EXPECT_THAT(Evaluate(low), IsEmpty());

  v1::Asset retired = Compliant();
  retired.set_availability(v1::AVAILABILITY_2);
  retired.mutable_controls()->set_backup(false);
  retired.set_lifecycle(v1::LIFECYCLE_RETIRED);
  EXPECT_THAT(Evaluate(retired), IsEmpty());
}

// ---- LOCATION_MISSING ----

TEST(LocationMissingTest, EquipmentAndNetworkWithoutLocationBreakIt) {
  for (const std::string location : {"", "   ", "　", " \t　"}) {
    for (auto category : {v1::ASSET_CATEGORY_EQUIPMENT, v1::ASSET_CATEGORY_NETWORK}) {
      v1::Asset a = Compliant();
      a.set_category(category);
      a.set_location(location);
      EXPECT_THAT(Evaluate(a), ElementsAre("LOCATION_MISSING"))
          << category << " \"" << location << "\"";
    }
  }
}

TEST(LocationMissingTest, NearMisses) {
  v1::Asset placed = Compliant();
  placed.set_category(v1::ASSET_CATEGORY_EQUIPMENT);
  placed.set_location("斎場 事務室 通信機器ラック");
  EXPECT_THAT(Evaluate(placed), IsEmpty());

  for (auto category : {v1::ASSET_CATEGORY_INFORMATION_SYSTEM, v1::ASSET_CATEGORY_STORAGE_MEDIA,
                        v1::ASSET_CATEGORY_INFORMATION, v1::ASSET_CATEGORY_SYSTEM_DOCUMENT}) {
    v1::Asset a = Compliant();
    a.set_category(category);
    a.set_location("");
    EXPECT_THAT(Evaluate(a), IsEmpty()) << category;
  }

  v1::Asset retired = Compliant();
  retired.set_category(v1::ASSET_CATEGORY_EQUIPMENT);
  retired.set_location("");
  retired.set_lifecycle(v1::LIFECYCLE_RETIRED);
  EXPECT_THAT(Evaluate(retired), IsEmpty());
}

// ---- RETIRED_MEDIA_ERASURE ----

v1::Asset RetiredMedia(v1::AssetCategory category, v1::Confidentiality c,
                       const std::string& method, const std::string& witness) {
  v1::Asset a = Compliant();
  a.set_category(category);
  a.set_confidentiality(c);
  a.set_lifecycle(v1::LIFECYCLE_RETIRED);
  v1::DisposalRecord* d = a.mutable_disposal();
  d->mutable_date()->set_year(2023);
  d->mutable_date()->set_month(3);
  d->mutable_date()->set_day(31);
  d->set_erasure_method(method);
  d->set_witness(witness);
  return a;
}

TEST(RetiredMediaErasureTest, MissingMethodOrWitnessBreaksItAndSaysWhich) {
  v1::Asset no_method =
      RetiredMedia(v1::ASSET_CATEGORY_STORAGE_MEDIA, v1::CONFIDENTIALITY_2, "", "総務係 職員");
  EXPECT_THAT(Evaluate(no_method), ElementsAre("RETIRED_MEDIA_ERASURE"));
  EXPECT_THAT(OnlyMessage(no_method), HasSubstr("に消去方法がありません"));

  v1::Asset no_witness =
      RetiredMedia(v1::ASSET_CATEGORY_STORAGE_MEDIA, v1::CONFIDENTIALITY_3B, "物理破壊", "　");
  EXPECT_THAT(Evaluate(no_witness), ElementsAre("RETIRED_MEDIA_ERASURE"));
  EXPECT_THAT(OnlyMessage(no_witness), HasSubstr("に立会者がありません"));

  v1::Asset no_record = Compliant();  // imported RETIRED with no disposal at all
  no_record.set_category(v1::ASSET_CATEGORY_STORAGE_MEDIA);
  no_record.set_confidentiality(v1::CONFIDENTIALITY_3A);
  no_record.set_lifecycle(v1::LIFECYCLE_RETIRED);
  EXPECT_THAT(Evaluate(no_record), ElementsAre("RETIRED_MEDIA_ERASURE"));
  EXPECT_THAT(OnlyMessage(no_record), HasSubstr("消去方法及び立会者"));

  // Equipment keeps data on its own disks: the same rule applies.
  v1::Asset pc = RetiredMedia(v1::ASSET_CATEGORY_EQUIPMENT, v1::CONFIDENTIALITY_3C, "", "");
  EXPECT_THAT(Evaluate(pc), ElementsAre("RETIRED_MEDIA_ERASURE"));
}

TEST(RetiredMediaErasureTest, NearMisses) {
  EXPECT_THAT(Evaluate(RetiredMedia(v1::ASSET_CATEGORY_STORAGE_MEDIA, v1::CONFIDENTIALITY_3A,
                                    "暗号化消去", "総務係 職員")),
              IsEmpty());
  EXPECT_THAT(Evaluate(RetiredMedia(v1::ASSET_CATEGORY_STORAGE_MEDIA, v1::CONFIDENTIALITY_1, "", "")),
              IsEmpty());
  EXPECT_THAT(Evaluate(RetiredMedia(v1::ASSET_CATEGORY_INFORMATION, v1::CONFIDENTIALITY_3A, "", "")),
              IsEmpty());
  EXPECT_THAT(Evaluate(RetiredMedia(v1::ASSET_CATEGORY_SYSTEM_DOCUMENT, v1::CONFIDENTIALITY_2, "", "")),
              IsEmpty());
  v1::Asset active = Compliant();  // in use: no disposal record expected
  active.set_category(v1::ASSET_CATEGORY_STORAGE_MEDIA);
  active.set_confidentiality(v1::CONFIDENTIALITY_3A);
  EXPECT_THAT(Evaluate(active), IsEmpty());
}

TEST(RetiredMediaErasureTest, RequiresErasureRecordMatchesTheRule) {
  v1::Asset a = Compliant();
  a.set_category(v1::ASSET_CATEGORY_STORAGE_MEDIA);
  a.set_confidentiality(v1::CONFIDENTIALITY_2);
  EXPECT_TRUE(RequiresErasureRecord(a));
  a.set_category(v1::ASSET_CATEGORY_EQUIPMENT);
  EXPECT_TRUE(RequiresErasureRecord(a));
  a.set_confidentiality(v1::CONFIDENTIALITY_1);
  EXPECT_FALSE(RequiresErasureRecord(a));
  a.set_category(v1::ASSET_CATEGORY_INFORMATION);
  a.set_confidentiality(v1::CONFIDENTIALITY_3A);
  EXPECT_FALSE(RequiresErasureRecord(a));
}

// ---- helpers ----

TEST(ConfidentialityTest, RanksInOrder) {
  EXPECT_EQ(ConfidentialityRank(v1::CONFIDENTIALITY_UNSPECIFIED), 0);
  EXPECT_LT(ConfidentialityRank(v1::CONFIDENTIALITY_1), ConfidentialityRank(v1::CONFIDENTIALITY_2));
  EXPECT_LT(ConfidentialityRank(v1::CONFIDENTIALITY_2), ConfidentialityRank(v1::CONFIDENTIALITY_3C));
  EXPECT_LT(ConfidentialityRank(v1::CONFIDENTIALITY_3C), ConfidentialityRank(v1::CONFIDENTIALITY_3B));
  EXPECT_LT(ConfidentialityRank(v1::CONFIDENTIALITY_3B), ConfidentialityRank(v1::CONFIDENTIALITY_3A));
  EXPECT_FALSE(IsConfidentialityTwoOrAbove(v1::CONFIDENTIALITY_UNSPECIFIED));
  EXPECT_FALSE(IsConfidentialityTwoOrAbove(v1::CONFIDENTIALITY_1));
  EXPECT_TRUE(IsConfidentialityTwoOrAbove(v1::CONFIDENTIALITY_2));
  EXPECT_TRUE(IsConfidentialityTwoOrAbove(v1::CONFIDENTIALITY_3A));
}

// ---- scope (第6 note) ----

TEST(ScopeTest, OutOfScopeSegmentsAreRefusedNamingTheSegmentAndArticle) {
  EXPECT_TRUE(IsOutOfScopeSegment(v1::SEGMENT_MY_NUMBER));
  EXPECT_TRUE(IsOutOfScopeSegment(v1::SEGMENT_LGWAN));
  v1::Asset a = Compliant();
  a.set_segment(v1::SEGMENT_MY_NUMBER);
  absl::Status s = CheckSegmentInScope(a);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("segment: マイナンバー利用事務系 is out of scope of the basic policy (第6"));
  a.set_segment(v1::SEGMENT_LGWAN);
  s = CheckSegmentInScope(a);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("LGWAN接続系 is out of scope"));
}

TEST(ScopeTest, InScopeSegmentsPass) {
  for (auto segment : {v1::SEGMENT_SENSITIVE, v1::SEGMENT_INTERNET, v1::SEGMENT_NONE}) {
    EXPECT_FALSE(IsOutOfScopeSegment(segment));
    v1::Asset a = Compliant();
    a.set_segment(segment);
    EXPECT_TRUE(CheckSegmentInScope(a).ok()) << segment;
  }
}

// ---- summary ----

TEST(SummaryTest, CountsPerRuleAndSeverityListingEveryRule) {
  std::vector<v1::Finding> findings;
  auto add = [&](const std::string& rule_id, v1::Severity severity) {
    v1::Finding f;
    f.set_rule_id(rule_id);
    f.set_severity(severity);
    findings.push_back(f);
  };
  add("SENSITIVE_MFA_EXPORT", v1::SEVERITY_CRITICAL);
  add("SENSITIVE_MFA_EXPORT", v1::SEVERITY_CRITICAL);
  add("LOCATION_MISSING", v1::SEVERITY_WARNING);
  add("AVAILABILITY_BACKUP", v1::SEVERITY_WARNING);
  add("RETIRED_MEDIA_ERASURE", v1::SEVERITY_CRITICAL);

  const v1::FindingsSummary s = SummarizeFindingCounts("kasama-union", OnePerFinding(findings), 12);
  EXPECT_EQ(s.organization(), "kasama-union");
  EXPECT_EQ(s.total(), 5);
  EXPECT_EQ(s.critical(), 3);
  EXPECT_EQ(s.warning(), 2);
  EXPECT_EQ(s.info(), 0);
  EXPECT_EQ(s.assets_evaluated(), 12);
  const auto& rules = ComplianceRules();
  ASSERT_EQ(s.by_rule_size(), static_cast<int>(rules.size()));
  std::map<std::string, int> counts;
  for (int i = 0; i < s.by_rule_size(); ++i) {
    EXPECT_EQ(s.by_rule(i).rule_id(), rules[i].id);
    EXPECT_EQ(s.by_rule(i).article(), rules[i].article);
    EXPECT_EQ(s.by_rule(i).severity(), rules[i].severity);
    counts[s.by_rule(i).rule_id()] = s.by_rule(i).count();
  }
  EXPECT_EQ(counts["SENSITIVE_MFA_EXPORT"], 2);
  EXPECT_EQ(counts["SENSITIVE_CROSS_SEGMENT"], 0);
  EXPECT_EQ(counts["INTERNET_MONITORING"], 0);
  EXPECT_EQ(counts["TERMS_BASED_CONFIDENTIAL"], 0);
  EXPECT_EQ(counts["AVAILABILITY_BACKUP"], 1);
  EXPECT_EQ(counts["LOCATION_MISSING"], 1);
  EXPECT_EQ(counts["RETIRED_MEDIA_ERASURE"], 1);
}

TEST(SummaryTest, NoFindingsStillListsEveryRuleWithZero) {
  const v1::FindingsSummary s = SummarizeFindingCounts("kasama-union", {}, 0);
  EXPECT_EQ(s.total(), 0);
  EXPECT_EQ(s.by_rule_size(), static_cast<int>(ComplianceRules().size()));
  for (const auto& rc : s.by_rule()) EXPECT_EQ(rc.count(), 0) << rc.rule_id();
}

TEST(SummaryTest, SummaryOfEvaluatedInventory) {
  v1::Asset a = Compliant("A-000001");
  a.set_segment(v1::SEGMENT_SENSITIVE);
  a.mutable_controls()->set_mfa(false);
  v1::Asset b = Compliant("A-000002");
  b.set_segment(v1::SEGMENT_INTERNET);
  b.add_connections()->set_asset_id("A-000001");
  const auto findings = EvaluateInventory({a, b});
  EXPECT_THAT(RuleIds(findings), ElementsAre("SENSITIVE_MFA_EXPORT", "SENSITIVE_CROSS_SEGMENT"));
  EXPECT_EQ(findings[1].asset_id(), "A-000002");
  const auto s = SummarizeFindingCounts("kasama-union", OnePerFinding(findings), 2);
  EXPECT_EQ(s.total(), 2);
  EXPECT_EQ(s.critical(), 2);
}

// ---- the sample inventory (data/sample-assets.csv) ----

std::string SourceDir() {
  if (const char* dir = std::getenv("SECCOORD_SOURCE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
#ifdef SECCOORD_SOURCE_DIR_DEFAULT
  return SECCOORD_SOURCE_DIR_DEFAULT;
#else
  return ".";
#endif
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(SampleInventoryTest, ParsesAndYieldsAFindingOfEveryRule) {
  const std::string path = SourceDir() + "/data/sample-assets.csv";
  const std::string bytes = ReadFile(path);
  ASSERT_FALSE(bytes.empty()) << "cannot read " << path;

  auto parsed = ParseAssetCsv(bytes, v1::CSV_ENCODING_AUTO, 10000);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  for (const auto& e : parsed->errors) {
    ADD_FAILURE() << "line " << e.line() << " " << e.column() << ": " << e.reason();
  }
  EXPECT_EQ(parsed->encoding, v1::CSV_ENCODING_UTF8);
  ASSERT_GE(parsed->rows.size(), 10u);

  std::vector<v1::Asset> assets;
  std::set<std::string> ids;
  for (const auto& row : parsed->rows) {
    const v1::Asset& a = row.asset;
    EXPECT_TRUE(a.sample()) << a.id();
    EXPECT_EQ(a.organization(), "kasama-union") << a.id();
    EXPECT_FALSE(a.id().empty()) << "line " << row.line;
    EXPECT_TRUE(ids.insert(a.id()).second) << "duplicate " << a.id();
    EXPECT_TRUE(CheckSegmentInScope(a).ok()) << a.id();
    assets.push_back(a);
  }
  for (const auto& a : assets) {  // connections reference assets of the sample
    for (const auto& c : a.connections()) {
      EXPECT_TRUE(ids.count(c.asset_id())) << a.id() << " -> " << c.asset_id();
    }
  }

  const auto findings = EvaluateInventory(assets);
  std::map<std::string, std::vector<std::string>> by_rule;
  for (const auto& f : findings) by_rule[f.rule_id()].push_back(f.asset_id());
  for (const ComplianceRule& rule : ComplianceRules()) {
    EXPECT_FALSE(by_rule[std::string(rule.id)].empty()) << "no finding of " << rule.id;
  }
  // The exact findings, so that a change of the sample or a rule is seen.
  using V = std::vector<std::string>;
  EXPECT_EQ(by_rule["SENSITIVE_MFA_EXPORT"], V({"A-000001"}));
  EXPECT_EQ(by_rule["SENSITIVE_CROSS_SEGMENT"], V({"A-000002"}));
  EXPECT_EQ(by_rule["INTERNET_MONITORING"], V({"A-000004"}));
  EXPECT_EQ(by_rule["TERMS_BASED_CONFIDENTIAL"], V({"A-000006"}));
  EXPECT_EQ(by_rule["AVAILABILITY_BACKUP"], V({"A-000004"}));
  EXPECT_EQ(by_rule["LOCATION_MISSING"], V({"A-000003"}));
  EXPECT_EQ(by_rule["RETIRED_MEDIA_ERASURE"], V({"A-000013"}));

  const int in_use = static_cast<int>(std::count_if(
      assets.begin(), assets.end(), [](const v1::Asset& a) { return IsInUse(a); }));
  const auto summary = SummarizeFindingCounts("kasama-union", OnePerFinding(findings), in_use);
  EXPECT_EQ(summary.total(), static_cast<int>(findings.size()));
  for (const auto& rc : summary.by_rule()) EXPECT_GE(rc.count(), 1) << rc.rule_id();
}

}  // namespace
}  // namespace seccoord::asset
