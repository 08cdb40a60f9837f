// Checklists of the assessment service: the loader of the versioned
// self-inspection checklists shipped as data (data/checklists/*.yaml), their
// canonical content hash, the comparison of a loaded file with a stored
// version, and the check that an item's article (第6(3)ア) exists in a
// basic-policy revision.
//
// A checklist is immutable once stored: at start the server loads every file,
// stores the versions it does not hold yet and refuses a file whose version
// is stored with other content (ChecklistContentHash differs), naming the file
// and FirstDifference. A change of content is a new version in a new file.
//
// File format (YAML; every key below is required unless marked optional,
// unknown keys are refused):
//
//   version: "2026.1"                 # [0-9A-Za-z.-], at most 32 bytes
//   title: 令和8年度 情報セキュリティ自己点検票
//   default: true                     # optional, false when absent
//   derived_from:
//     document: basic-policy          # document id, at most 64 bytes
//     revision: 1                     # > 0
//     content_hash: <64 lowercase hex: ContentHashHex of that revision>
//   items:                            # 1 to 500, in order of chapter, then n
//     - id: "3-2"                     # "<chapter>-<n>", unique, n 1–999
//       chapter: 3                    # 1–9, the prefix of id
//       chapter_title: 情報システム全体の強靭性の向上   # same for the chapter
//       question: 機微情報取扱系の端末で…             # at most 1000 bytes
//       article: 第6(3)ア              # 第N, 第N(k) or 第N(k)ア, half-width
//       required: true
//       asset_rules: [SENSITIVE_MFA_EXPORT]   # optional; [A-Z0-9_]+, ≤ 20
//
// Thread-safety: stateless functions over value types; safe from any thread.
#ifndef SECCOORD_SERVICES_ASSESSMENT_CHECKLIST_H_
#define SECCOORD_SERVICES_ASSESSMENT_CHECKLIST_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/policy_text.h"
#include "seccoord/v1/assessment.pb.h"

namespace seccoord::assessment {

// Bounds of a checklist file.
inline constexpr size_t kMaxChecklistVersionBytes = 32;
inline constexpr size_t kMaxChecklistTitleBytes = 200;
inline constexpr size_t kMaxChecklistDocumentBytes = 64;
inline constexpr int kMaxChecklistItems = 500;
inline constexpr size_t kMaxChecklistChapterTitleBytes = 200;
inline constexpr size_t kMaxChecklistQuestionBytes = 1000;
inline constexpr int kMaxChecklistAssetRules = 20;
inline constexpr size_t kMaxChecklistAssetRuleBytes = 64;

// Parses one checklist file and validates all of it (see the format above).
// Errors are INVALID_ARGUMENT naming the file, the item and the field, e.g.
//   "2026.1.yaml: items[3] (3-2): question: must not be empty"
//   "2026.1.yaml: derived_from.content_hash: must be 64 lowercase hex digits"
// (items[i] counts from 0). The result has every field of v1::Checklist set:
// content_hash = ChecklistContentHash, item_count = items, is_default from
// `default`. The article is checked for its form only; whether it exists in
// the revision is CheckArticleReference's business.
absl::StatusOr<v1::Checklist> ParseChecklist(std::string_view yaml_text,
                                             std::string_view file_name);

// Parses every regular file named *.yaml in `dir`, in order of file name,
// naming each by its path (dir + "/" + name) in errors. At most one may say
// `default: true` and no two may have the same version: INVALID_ARGUMENT
// naming both files otherwise. NOT_FOUND when `dir` does not exist or is not
// a directory; INTERNAL when a file cannot be read. An empty directory gives
// an empty list.
absl::StatusOr<std::vector<v1::Checklist>> LoadChecklistDir(const std::string& dir);

// Lowercase hex SHA-256 (64 characters) of the canonical content of a
// checklist, stored and compared at start, so its layout is a contract:
//
//   "seccoord-checklist-v1\n"
//   field("version", version)
//   field("title", title)
//   field("document", derived_from.document_id)
//   field("revision", decimal(derived_from.revision_number))
//   field("source_hash", derived_from.content_hash)
//   field("items", decimal(item count))
//   for each item, in order:
//     field("id", id)
//     field("chapter", decimal(chapter))
//     field("chapter_title", chapter_title)
//     field("question", question)
//     field("article", article)
//     field("required", "true" or "false")
//     field("asset_rules", decimal(count))
//     for each asset rule id, in order: field("asset_rule", id)
//
// with field(name, value) = name " " decimal(byte length of value) "\n"
// value "\n", as in common/policy_text.h's CanonicalContent. is_default,
// content_hash and item_count are not part of it: which checklist is the
// default may change without changing a stored version.
std::string ChecklistContentHash(const v1::Checklist& checklist);

// "" when `stored` and `loaded` have the same content (exactly when their
// ChecklistContentHash is equal); otherwise the first difference, looking at
// version, title and derived_from, then every stored item in order, then
// every loaded item, then the order of the items:
//   "version differs", "title differs", "derived_from.revision differs",
//   "item 3-2: question differs", "item 2-1 removed", "item 4-5 added",
//   "item order differs at position 4: 2-1 stored, 2-2 loaded".
std::string FirstDifference(const v1::Checklist& stored, const v1::Checklist& loaded);

// OK when `article` exists in `policy`: the article 第N is one of its
// articles; for 第N(k), a line of that article's body begins with the item
// marker (k) — （ｋ）, （k）or (k), digits full- or half-width; for 第N(k)ア, a
// line after that item's line and before the next item line (（k+1）…)
// begins, after spaces (ASCII or U+3000), with the katakana ア as an item
// marker (followed by a space, a closing bracket or the end of the line, or
// written （ア）). `article` may be written in half- or full-width
// (第６（３）ア). NOT_FOUND naming the missing part, e.g.
//   "第11: no article 第11 in the policy"
//   "第6(12): no item (12) in 第6"
//   "第6(3)ウ: no sub-item ウ in 第6(3)"
// INVALID_ARGUMENT when `article` is not of the form 第N, 第N(k) or 第N(k)ア.
absl::Status CheckArticleReference(const PolicyText& policy, std::string_view article);

}  // namespace seccoord::assessment

#endif  // SECCOORD_SERVICES_ASSESSMENT_CHECKLIST_H_
