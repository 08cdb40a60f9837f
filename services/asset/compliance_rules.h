// Compliance rules of the asset service: THE table of the places where an
// information asset breaks the union's basic policy (basic-policy-r8.txt,
// 第6), and the scope check of 第6's note.
//
// Each rule is one row of ComplianceRules(): an id, the article it comes from,
// a severity, a Japanese message that says what to fix, a predicate and an
// optional message builder that names the exact gap (which control is
// missing, which connection is not approved). Adding a rule is adding a row;
// EvaluateAsset and SummarizeFindingCounts pick it up, and the summary lists every
// row even when it has no finding, so a reader can tell "0" from "not checked".
//
// Rules (the asset is "in use" unless its lifecycle is RETIRED; rules apply to
// assets in use unless said otherwise):
//   SENSITIVE_MFA_EXPORT      第6(3)ア CRITICAL  機微情報取扱系 without MFA or
//                                                without export blocked
//   SENSITIVE_CROSS_SEGMENT   第6(3)ア CRITICAL  a connection between 機微情報取扱系
//                                                and another segment (either
//                                                direction) not declared approved
//   INTERNET_MONITORING       第6(3)イ WARNING   インターネット接続系 network,
//                                                information system or equipment
//                                                without traffic monitoring
//   TERMS_BASED_CONFIDENTIAL  第6(8)   CRITICAL  機密性2 or above on a 約款
//                                                (terms-of-service) external service
//   AVAILABILITY_BACKUP       第6(2)   WARNING   可用性2 without backup
//   LOCATION_MISSING          第6(4)   WARNING   equipment or network without a
//                                                recorded location
//   RETIRED_MEDIA_ERASURE     第6(4)   CRITICAL  a RETIRED storage medium or piece
//                                                of equipment of 機密性2 or above
//                                                whose disposal record lacks the
//                                                erasure method or the witness
// RETIRED_MEDIA_ERASURE covers EQUIPMENT as well as STORAGE_MEDIA because PCs,
// servers and routers keep data on their own disks; it is the same condition
// under which RetireAsset demands a disposal record (RequiresErasureRecord), so
// the rule only fires on records imported from an old spreadsheet.
//
// Thread-safety: the table is immutable static data and every function is
// stateless; safe from any thread. An AssetLookup is called on the caller's
// thread only.
#ifndef SECCOORD_SERVICES_ASSET_COMPLIANCE_RULES_H_
#define SECCOORD_SERVICES_ASSET_COMPLIANCE_RULES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "seccoord/v1/asset.pb.h"
#include "seccoord/v1/common.pb.h"

namespace seccoord::asset {

// Finds another asset of the inventory by id; nullptr for an unknown id.
// Rules that look across assets (connections) use it; the pointer need only
// stay valid for the duration of the call that received it.
using AssetLookup = std::function<const v1::Asset*(const std::string& asset_id)>;

// One row of the rule table.
struct ComplianceRule {
  // Stable id, e.g. "SENSITIVE_MFA_EXPORT"; clients and the assessment
  // service key on it.
  std::string_view id;
  // Article of the basic policy, e.g. "第6(3)ア".
  std::string_view article;
  v1::Severity severity;
  // Japanese message saying what to fix; used when `describe` is null.
  std::string_view message;
  // True if `asset` breaks the rule.
  bool (*violated)(const v1::Asset& asset, const AssetLookup& lookup);
  // Optional: the message for one violating asset, naming the exact gap (the
  // missing control, the unapproved connection). Only called when `violated`
  // returned true.
  std::string (*describe)(const v1::Asset& asset, const AssetLookup& lookup) = nullptr;
};

// The rule table, in a stable order (the order of findings and of by_rule).
const std::vector<ComplianceRule>& ComplianceRules();

// The rule with this id, or nullptr.
const ComplianceRule* FindComplianceRule(std::string_view id);

// The place of the rule with this id in the table (0, 1, …); -1 if none.
int ComplianceRuleIndex(std::string_view id);

// Findings of one asset, in table order: rule_id, severity, asset_id,
// asset_name, organization, message and article filled. `lookup` resolves the
// targets of the asset's connections; connections to unknown or RETIRED
// assets are ignored (the former is refused when the asset is written, the
// latter no longer carries traffic).
std::vector<v1::Finding> EvaluateAsset(const v1::Asset& asset, const AssetLookup& lookup);

// Findings of a whole inventory (each asset in order, connections resolved
// among `assets`).
std::vector<v1::Finding> EvaluateInventory(const std::vector<v1::Asset>& assets);

// The summary of an organisation from counts kept per rule (rule id →
// findings; a rule named twice adds up, ids not in the table are ignored):
// total, by severity, and by rule — one RuleCount for EVERY rule of the
// table, in table order, count possibly 0.
v1::FindingsSummary SummarizeFindingCounts(
    const std::string& organization, const std::vector<std::pair<std::string, int64_t>>& by_rule,
    int assets_evaluated);

// True for the segments 第6 puts out of scope (マイナンバー利用事務系, LGWAN接続系).
bool IsOutOfScopeSegment(v1::Segment segment);

// FAILED_PRECONDITION for an asset in an out-of-scope segment, e.g.
// "segment: マイナンバー利用事務系 is out of scope of the basic policy (第6: …)";
// OK otherwise. Handlers call it before storing anything.
absl::Status CheckSegmentInScope(const v1::Asset& asset);

// Japanese name of a segment: 機微情報取扱系, インターネット接続系, なし,
// マイナンバー利用事務系, LGWAN接続系; "未設定" for UNSPECIFIED.
std::string_view SegmentLabel(v1::Segment segment);

// 機密性 as an ordered rank: 1 → 1, 2 → 2, 3C → 3, 3B → 4, 3A → 5,
// UNSPECIFIED (or unknown) → 0. "2 or above" is rank >= 2.
int ConfidentialityRank(v1::Confidentiality confidentiality);

// True for confidentiality 2, 3C, 3B or 3A.
bool IsConfidentialityTwoOrAbove(v1::Confidentiality confidentiality);

// True if retiring `asset` must record an erasure method and a witness:
// storage media and equipment of 機密性2 or above. RetireAsset refuses a
// disposal record without them; RETIRED_MEDIA_ERASURE flags stored ones.
bool RequiresErasureRecord(const v1::Asset& asset);

// True unless the asset is RETIRED (an asset whose lifecycle is unset counts
// as in use, as the service stores new assets ACTIVE).
bool IsInUse(const v1::Asset& asset);

}  // namespace seccoord::asset

#endif  // SECCOORD_SERVICES_ASSET_COMPLIANCE_RULES_H_
