#include "common/code_values.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/utf8.h"

namespace seccoord {
namespace {

std::string S(std::string_view text) { return std::string(text); }

}  // namespace

std::string NormalizeCode(std::string_view text) {
  const std::string folded = FoldFullWidthAscii(text);
  std::string out = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(folded));
  for (char& c : out) {
    if (c == '-' || c == ' ') c = '_';
  }
  return out;
}

std::string ExpectedChoices(const EnumSpec& spec) {
  std::vector<std::string> names;
  std::vector<std::string> labels;
  for (const CodeChoice& c : spec.choices) {
    names.push_back(S(c.name));
    if (!c.label.empty() && c.label != c.name) labels.push_back(S(c.label));
  }
  std::string out = absl::StrCat("expected ", absl::StrJoin(names, ", "));
  if (!labels.empty()) absl::StrAppend(&out, " or ", absl::StrJoin(labels, ", "));
  return out;
}

absl::StatusOr<int> ParseChoice(const EnumSpec& spec, std::string_view text) {
  std::string code = NormalizeCode(text);
  if (code.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("empty value; ", ExpectedChoices(spec)));
  }
  for (std::string_view prefix : spec.prefixes) {
    const std::string p = NormalizeCode(prefix);
    if (code.size() > p.size() && code.compare(0, p.size(), p) == 0) {
      code.erase(0, p.size());
      break;
    }
  }
  for (const CodeChoice& c : spec.choices) {
    if (code == NormalizeCode(c.name) || code == NormalizeCode(c.label)) return c.value;
    for (std::string_view alias : c.aliases) {
      if (code == NormalizeCode(alias)) return c.value;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown value \"", S(text), "\"; ", ExpectedChoices(spec)));
}

std::string_view NameIn(const EnumSpec& spec, int value) {
  for (const CodeChoice& c : spec.choices) {
    if (c.value == value) return c.name;
  }
  return "";
}

std::string_view LabelIn(const EnumSpec& spec, int value) {
  for (const CodeChoice& c : spec.choices) {
    if (c.value == value) return c.label;
  }
  return "";
}

}  // namespace seccoord
