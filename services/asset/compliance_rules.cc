#include "services/asset/compliance_rules.h"

#include <string>
#include <unordered_map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/utf8.h"

namespace seccoord::asset {
namespace {

// Blank means nothing but ASCII whitespace or ideographic spaces: a cell that
// holds "　" in a spreadsheet records no location.
bool IsBlank(const std::string& text) {
  const std::string folded = FoldFullWidthAscii(text);
  return absl::StripAsciiWhitespace(folded).empty();
}

std::string S(std::string_view text) { return std::string(text); }

std::string_view ConfidentialityLabel(v1::Confidentiality c) {
  switch (c) {
    case v1::CONFIDENTIALITY_1: return "1";
    case v1::CONFIDENTIALITY_2: return "2";
    case v1::CONFIDENTIALITY_3C: return "3C";
    case v1::CONFIDENTIALITY_3B: return "3B";
    case v1::CONFIDENTIALITY_3A: return "3A";
    default: return "未設定";
  }
}

// ---- SENSITIVE_MFA_EXPORT (第6(3)ア) ----
// 第6(3)ア names 端末からの情報持ち出し不可設定 and 多要素認証 as the way the
// 機微情報取扱系 keeps personal data from leaking; both must be declared.

bool SensitiveMfaExportViolated(const v1::Asset& a, const AssetLookup&) {
  return IsInUse(a) && a.segment() == v1::SEGMENT_SENSITIVE &&
         (!a.controls().mfa() || !a.controls().export_blocked());
}

std::string SensitiveMfaExportDescribe(const v1::Asset& a, const AssetLookup&) {
  std::string missing;
  if (!a.controls().mfa() && !a.controls().export_blocked()) {
    missing = "多要素認証及び情報持ち出し不可設定";
  } else if (!a.controls().mfa()) {
    missing = "多要素認証";
  } else {
    missing = "情報持ち出し不可設定";
  }
  return absl::StrCat("機微情報取扱系の資産に", missing, "がありません。", missing,
                      "を導入してください。");
}

// ---- SENSITIVE_CROSS_SEGMENT (第6(3)ア) ----
// 第6(3)ア: 原則として、他の領域との通信を制限. A connection across the
// boundary of the 機微情報取扱系 is allowed only as a declared, approved
// exception. The asset declaring the connection gets the finding, whichever
// side of the boundary it is on, so a connection declared only on the
// internet side is caught too.

// The target of `c` if it is an asset in use on the other side of the
// 機微情報取扱系 boundary from `a` and the connection is not approved.
const v1::Asset* UnapprovedCrossing(const v1::Asset& a, const v1::Connection& c,
                                    const AssetLookup& lookup) {
  if (c.approved() || !lookup) return nullptr;
  const v1::Asset* target = lookup(c.asset_id());
  if (target == nullptr || !IsInUse(*target)) return nullptr;
  const bool from_sensitive = a.segment() == v1::SEGMENT_SENSITIVE;
  const bool to_sensitive = target->segment() == v1::SEGMENT_SENSITIVE;
  return from_sensitive != to_sensitive ? target : nullptr;
}

bool SensitiveCrossSegmentViolated(const v1::Asset& a, const AssetLookup& lookup) {
  if (!IsInUse(a)) return false;
  for (const v1::Connection& c : a.connections()) {
    if (UnapprovedCrossing(a, c, lookup) != nullptr) return true;
  }
  return false;
}

std::string SensitiveCrossSegmentDescribe(const v1::Asset& a, const AssetLookup& lookup) {
  std::vector<std::string> crossings;
  for (const v1::Connection& c : a.connections()) {
    if (const v1::Asset* target = UnapprovedCrossing(a, c, lookup)) {
      crossings.push_back(absl::StrCat(target->id(), "（", target->name(), "／",
                                       S(SegmentLabel(target->segment())), "）"));
    }
  }
  return absl::StrCat(
      "機微情報取扱系と他の領域との接続が承認されていません（", S(SegmentLabel(a.segment())),
      "の本資産から ", absl::StrJoin(crossings, "、"),
      "）。接続を廃止するか、必要な例外として承認（approved）を記録してください。");
}

// ---- INTERNET_MONITORING (第6(3)イ) ----
// 不正通信の監視 is about what carries traffic: the line, the systems and the
// equipment. Media, data and documents in the segment carry none.

bool InternetMonitoringViolated(const v1::Asset& a, const AssetLookup&) {
  if (!IsInUse(a) || a.segment() != v1::SEGMENT_INTERNET) return false;
  const bool carries_traffic = a.category() == v1::ASSET_CATEGORY_NETWORK ||
                               a.category() == v1::ASSET_CATEGORY_INFORMATION_SYSTEM ||
                               a.category() == v1::ASSET_CATEGORY_EQUIPMENT;
  return carries_traffic && !a.controls().traffic_monitoring();
}

// ---- TERMS_BASED_CONFIDENTIAL (第6(8)) ----
// The MIC guideline: 機密性2以上 is in principle not handled in 約款型 services;
// such data belongs with a contractor bound by security requirements.

bool TermsBasedConfidentialViolated(const v1::Asset& a, const AssetLookup&) {
  return IsInUse(a) && a.external_service() == v1::EXTERNAL_SERVICE_USE_TERMS_BASED &&
         IsConfidentialityTwoOrAbove(a.confidentiality());
}

std::string TermsBasedConfidentialDescribe(const v1::Asset& a, const AssetLookup&) {
  const std::string service =
      a.external_service_name().empty() ? std::string()
                                        : absl::StrCat("（", a.external_service_name(), "）");
  return absl::StrCat("機密性", S(ConfidentialityLabel(a.confidentiality())),
                      "の情報資産を約款による外部サービス", service,
                      "で扱っています。情報セキュリティ要件を明記した契約による外部委託に移すか、"
                      "機密性2以上の情報を扱わないようにしてください。");
}

// ---- AVAILABILITY_BACKUP (第6(2)) ----
// 可用性2 means its loss hinders administration; the classification calls for
// a backup (for a line: a redundant one).

bool AvailabilityBackupViolated(const v1::Asset& a, const AssetLookup&) {
  return IsInUse(a) && a.availability() == v1::AVAILABILITY_2 && !a.controls().backup();
}

// ---- LOCATION_MISSING (第6(4)) ----
// 第6(4) asks for physical measures 設置場所の実態に応じた: without a recorded
// location there is nothing to inspect.

bool LocationMissingViolated(const v1::Asset& a, const AssetLookup&) {
  const bool physical = a.category() == v1::ASSET_CATEGORY_EQUIPMENT ||
                        a.category() == v1::ASSET_CATEGORY_NETWORK;
  return IsInUse(a) && physical && IsBlank(a.location());
}

// ---- RETIRED_MEDIA_ERASURE (第6(4)) ----
// Media holding 機密性2 or above are erased (crypto-erase, secure erase,
// degaussing, destruction) with a staff witness; a disposal record without
// either proves nothing. Only records imported from an old spreadsheet can
// break it: RetireAsset refuses such a record.

bool RetiredMediaErasureViolated(const v1::Asset& a, const AssetLookup&) {
  if (a.lifecycle() != v1::LIFECYCLE_RETIRED || !RequiresErasureRecord(a)) return false;
  return IsBlank(a.disposal().erasure_method()) || IsBlank(a.disposal().witness());
}

std::string RetiredMediaErasureDescribe(const v1::Asset& a, const AssetLookup&) {
  const bool no_method = IsBlank(a.disposal().erasure_method());
  const bool no_witness = IsBlank(a.disposal().witness());
  std::string missing = no_method && no_witness ? "消去方法及び立会者"
                        : no_method             ? "消去方法"
                                                : "立会者";
  return absl::StrCat("機密性", S(ConfidentialityLabel(a.confidentiality())),
                      "の記録媒体・機器の廃棄記録に", missing,
                      "がありません。データ消去の方法と立ち会った職員を廃棄記録に記入してください。");
}

std::vector<ComplianceRule> BuildRules() {
  return {
      {"SENSITIVE_MFA_EXPORT", "第6(3)ア", v1::SEVERITY_CRITICAL,
       "機微情報取扱系の資産に多要素認証又は情報持ち出し不可設定がありません。両方を導入してください。",
       &SensitiveMfaExportViolated, &SensitiveMfaExportDescribe},
      {"SENSITIVE_CROSS_SEGMENT", "第6(3)ア", v1::SEVERITY_CRITICAL,
       "機微情報取扱系と他の領域との接続が承認されていません。接続を廃止するか、"
       "必要な例外として承認（approved）を記録してください。",
       &SensitiveCrossSegmentViolated, &SensitiveCrossSegmentDescribe},
      {"INTERNET_MONITORING", "第6(3)イ", v1::SEVERITY_WARNING,
       "インターネット接続系の資産に不正通信の監視がありません。通信の監視機能を導入してください。",
       &InternetMonitoringViolated, nullptr},
      {"TERMS_BASED_CONFIDENTIAL", "第6(8)", v1::SEVERITY_CRITICAL,
       "機密性2以上の情報資産を約款による外部サービスで扱っています。情報セキュリティ要件を"
       "明記した契約による外部委託に移すか、機密性2以上の情報を扱わないようにしてください。",
       &TermsBasedConfidentialViolated, &TermsBasedConfidentialDescribe},
      {"AVAILABILITY_BACKUP", "第6(2)", v1::SEVERITY_WARNING,
       "可用性2の資産にバックアップがありません。バックアップ（回線は冗長化）を用意し、"
       "復元できることを確認してください。",
       &AvailabilityBackupViolated, nullptr},
      {"LOCATION_MISSING", "第6(4)", v1::SEVERITY_WARNING,
       "サーバ等・通信機器の設置場所が記録されていません。設置場所を記録し、"
       "設置場所に応じた物理的な対策を講じてください。",
       &LocationMissingViolated, nullptr},
      {"RETIRED_MEDIA_ERASURE", "第6(4)", v1::SEVERITY_CRITICAL,
       "機密性2以上の記録媒体・機器の廃棄記録に消去方法又は立会者がありません。"
       "データ消去の方法と立ち会った職員を廃棄記録に記入してください。",
       &RetiredMediaErasureViolated, &RetiredMediaErasureDescribe},
  };
}

}  // namespace

const std::vector<ComplianceRule>& ComplianceRules() {
  static const std::vector<ComplianceRule>* const rules =
      new std::vector<ComplianceRule>(BuildRules());
  return *rules;
}

const ComplianceRule* FindComplianceRule(std::string_view id) {
  for (const ComplianceRule& rule : ComplianceRules()) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

int ComplianceRuleIndex(std::string_view id) {
  const ComplianceRule* rule = FindComplianceRule(id);
  return rule == nullptr ? -1 : static_cast<int>(rule - ComplianceRules().data());
}

std::vector<v1::Finding> EvaluateAsset(const v1::Asset& asset, const AssetLookup& lookup) {
  std::vector<v1::Finding> findings;
  for (const ComplianceRule& rule : ComplianceRules()) {
    if (!rule.violated(asset, lookup)) continue;
    v1::Finding& f = findings.emplace_back();
    f.set_rule_id(S(rule.id));
    f.set_severity(rule.severity);
    f.set_asset_id(asset.id());
    f.set_asset_name(asset.name());
    f.set_organization(asset.organization());
    f.set_message(rule.describe != nullptr ? rule.describe(asset, lookup) : S(rule.message));
    f.set_article(S(rule.article));
  }
  return findings;
}

std::vector<v1::Finding> EvaluateInventory(const std::vector<v1::Asset>& assets) {
  std::unordered_map<std::string, const v1::Asset*> by_id;
  by_id.reserve(assets.size());
  for (const v1::Asset& a : assets) by_id.emplace(a.id(), &a);
  const AssetLookup lookup = [&by_id](const std::string& id) -> const v1::Asset* {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : it->second;
  };
  std::vector<v1::Finding> findings;
  for (const v1::Asset& a : assets) {
    for (v1::Finding& f : EvaluateAsset(a, lookup)) findings.push_back(std::move(f));
  }
  return findings;
}

v1::FindingsSummary SummarizeFindingCounts(
    const std::string& organization, const std::vector<std::pair<std::string, int64_t>>& by_rule,
    int assets_evaluated) {
  v1::FindingsSummary summary;
  summary.set_organization(organization);
  summary.set_assets_evaluated(assets_evaluated);
  const auto& rules = ComplianceRules();
  for (const ComplianceRule& rule : rules) {
    v1::FindingsSummary::RuleCount* rc = summary.add_by_rule();
    rc->set_rule_id(S(rule.id));
    rc->set_article(S(rule.article));
    rc->set_severity(rule.severity);
  }
  for (const auto& [rule_id, count] : by_rule) {
    const int index = ComplianceRuleIndex(rule_id);
    if (index < 0 || count == 0) continue;
    v1::FindingsSummary::RuleCount* rc = summary.mutable_by_rule(index);
    rc->set_count(rc->count() + static_cast<int32_t>(count));
    summary.set_total(summary.total() + static_cast<int32_t>(count));
    switch (rules[index].severity) {
      case v1::SEVERITY_CRITICAL: summary.set_critical(summary.critical() + count); break;
      case v1::SEVERITY_WARNING: summary.set_warning(summary.warning() + count); break;
      case v1::SEVERITY_INFO: summary.set_info(summary.info() + count); break;
      default: break;
    }
  }
  return summary;
}

bool IsOutOfScopeSegment(v1::Segment segment) {
  return segment == v1::SEGMENT_MY_NUMBER || segment == v1::SEGMENT_LGWAN;
}

absl::Status CheckSegmentInScope(const v1::Asset& asset) {
  if (!IsOutOfScopeSegment(asset.segment())) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "segment: ", S(SegmentLabel(asset.segment())),
      " is out of scope of the basic policy (第6: 当組合ではマイナンバー利用事務系及び"
      "LGWAN接続系の情報システムは保有しておらず、本基本方針の対象外)"));
}

std::string_view SegmentLabel(v1::Segment segment) {
  switch (segment) {
    case v1::SEGMENT_SENSITIVE: return "機微情報取扱系";
    case v1::SEGMENT_INTERNET: return "インターネット接続系";
    case v1::SEGMENT_NONE: return "なし";
    case v1::SEGMENT_MY_NUMBER: return "マイナンバー利用事務系";
    case v1::SEGMENT_LGWAN: return "LGWAN接続系";
    default: return "未設定";
  }
}

int ConfidentialityRank(v1::Confidentiality confidentiality) {
  switch (confidentiality) {
    case v1::CONFIDENTIALITY_1: return 1;
    case v1::CONFIDENTIALITY_2: return 2;
    case v1::CONFIDENTIALITY_3C: return 3;
    case v1::CONFIDENTIALITY_3B: return 4;
    case v1::CONFIDENTIALITY_3A: return 5;
    default: return 0;
  }
}

bool IsConfidentialityTwoOrAbove(v1::Confidentiality confidentiality) {
  return ConfidentialityRank(confidentiality) >= 2;
}

bool RequiresErasureRecord(const v1::Asset& asset) {
  const bool holds_data = asset.category() == v1::ASSET_CATEGORY_STORAGE_MEDIA ||
                          asset.category() == v1::ASSET_CATEGORY_EQUIPMENT;
  return holds_data && IsConfidentialityTwoOrAbove(asset.confidentiality());
}

bool IsInUse(const v1::Asset& asset) { return asset.lifecycle() != v1::LIFECYCLE_RETIRED; }

}  // namespace seccoord::asset
