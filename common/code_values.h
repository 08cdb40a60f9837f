// Coded values of the spreadsheet forms and the CLI: enum values that people
// type, in English or Japanese, into a CSV cell or a flag.
//
// An EnumSpec lists the values of one enum: the short name ("PARTIAL"), the
// Japanese label (一部実施), further aliases, and the proto prefixes that may
// come before the name ("ITEM_RESULT_"). ParseChoice matches a text against
// them after NormalizeCode, so "partial", "Ｐａｒｔｉａｌ", " 一部実施　" and
// "ITEM-RESULT-PARTIAL" are the same value. The asset inventory's CSV
// (common/asset_csv.h) and the assessment vocabulary
// (common/assessment_vocab.h) are built on it, so every coded
// value in seccoord is read the same way and refused with the same message.
//
// Thread-safety: stateless functions over caller-owned specs (normally
// immutable function-local statics); safe from any thread.
#ifndef SECCOORD_COMMON_CODE_VALUES_H_
#define SECCOORD_COMMON_CODE_VALUES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace seccoord {

// One value of an enum.
struct CodeChoice {
  int value;                              // the enum value, as int
  std::string_view name;                  // short name, e.g. "PARTIAL" (what writers write)
  std::string_view label;                 // Japanese label, e.g. "一部実施" (may equal name)
  std::vector<std::string_view> aliases;  // further accepted spellings
};

// The values of one enum, in the order they are listed in messages.
struct EnumSpec {
  std::vector<std::string_view> prefixes;  // stripped before matching, e.g. "ITEM_RESULT_"
  std::vector<CodeChoice> choices;
};

// A coded value as compared: full-width ASCII folded to ASCII (common/utf8.h
// FoldFullWidthAscii), surrounding whitespace (ASCII and U+3000) dropped,
// ASCII upper-cased, '-' and ' ' read as '_'. "terms-based" -> "TERMS_BASED".
std::string NormalizeCode(std::string_view text);

// The value `text` names: a choice's name, label or alias, optionally after
// one of the prefixes (compared after NormalizeCode). INVALID_ARGUMENT whose
// message is the reason only, for the caller to put after a field name:
//   empty value; expected IMPLEMENTED, PARTIAL or 実施, 一部実施
//   unknown value "foo"; expected IMPLEMENTED, PARTIAL or 実施, 一部実施
absl::StatusOr<int> ParseChoice(const EnumSpec& spec, std::string_view text);

// "expected A, B, C or ラベルA, ラベルB" (labels equal to their name are left
// out), the tail of ParseChoice's messages.
std::string ExpectedChoices(const EnumSpec& spec);

// The name / label of `value`; "" when no choice has that value.
std::string_view NameIn(const EnumSpec& spec, int value);
std::string_view LabelIn(const EnumSpec& spec, int value);

}  // namespace seccoord

#endif  // SECCOORD_COMMON_CODE_VALUES_H_
