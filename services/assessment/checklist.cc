#include "services/assessment/checklist.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status.h"
#include "common/utf8.h"

namespace seccoord::assessment {
namespace {

// This Abseil's absl::string_view is not std::string_view (see
// services/runtime/internal/views.h); StrCat arguments are converted here.
absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

constexpr std::string_view kDai = "第";

// ---------------------------------------------------------------------------
// Code points.

std::u32string Decode(std::string_view text) {
  std::u32string out;
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t c = 0;
    DecodeUtf8(text, &pos, &c);
    out.push_back(c);
  }
  return out;
}

std::string Encode(char32_t c) {
  std::string out;
  AppendUtf8(c, &out);
  return out;
}

bool IsSpace(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\r' || c == U'\n' || c == 0x00A0 ||
         c == 0x3000;
}

// 0–9 for ASCII digits, and for full-width ones when `full_width` is allowed.
int DigitValue(char32_t c, bool full_width) {
  if (c >= U'0' && c <= U'9') return static_cast<int>(c - U'0');
  if (full_width && c >= U'０' && c <= U'９') return static_cast<int>(c - U'０');
  return -1;
}

bool IsOpenBracket(char32_t c, bool full_width) {
  return c == U'(' || (full_width && c == U'（');
}
bool IsCloseBracket(char32_t c, bool full_width) {
  return c == U')' || (full_width && c == U'）');
}

// The katakana that mark sub-items (ア イ ウ …), as the policy importer reads
// them.
bool IsItemKatakana(char32_t c) {
  static constexpr std::u32string_view kKatakana =
      U"アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホ"
      U"マミムメモヤユヨラリルレロワヲン";
  return kKatakana.find(c) != std::u32string_view::npos;
}

// Reads digits at s[*pos] (at most `max_digits`), advancing *pos. 0 when there
// are none, too many, or (when `strict`) a leading zero.
int ReadNumber(const std::u32string& s, size_t* pos, bool full_width,
               int max_digits, bool strict) {
  size_t p = *pos;
  int value = 0;
  int digits = 0;
  while (p < s.size()) {
    const int digit = DigitValue(s[p], full_width);
    if (digit < 0) break;
    if (strict && digits == 0 && digit == 0) return 0;
    if (++digits > max_digits) return 0;
    value = value * 10 + digit;
    ++p;
  }
  if (digits == 0 || value == 0) return 0;
  *pos = p;
  return value;
}

// ---------------------------------------------------------------------------
// Article references: 第N, 第N(k), 第N(k)ア.

struct ArticleRef {
  int number = 0;        // N
  int item = 0;          // k, 0 when absent
  char32_t sub_item = 0;  // ア, 0 when absent

  std::string ArticleLabel() const { return absl::StrCat(Av(kDai), number); }
  std::string ItemLabel() const { return absl::StrCat(ArticleLabel(), "(", item, ")"); }
  std::string Canonical() const {
    if (item == 0) return ArticleLabel();
    if (sub_item == 0) return ItemLabel();
    return absl::StrCat(ItemLabel(), Encode(sub_item));
  }
};

// `strict`: the form of a checklist file — half-width digits and brackets, no
// leading zeros, no spaces. Otherwise full-width digits and brackets and
// surrounding spaces are accepted as well.
std::optional<ArticleRef> ParseArticleRef(std::string_view text, bool strict) {
  if (!IsValidUtf8(text)) return std::nullopt;
  std::u32string s = Decode(text);
  if (!strict) {
    size_t begin = 0;
    size_t end = s.size();
    while (begin < end && IsSpace(s[begin])) ++begin;
    while (end > begin && IsSpace(s[end - 1])) --end;
    s = s.substr(begin, end - begin);
  }
  const bool full_width = !strict;
  ArticleRef ref;
  size_t pos = 0;
  if (s.empty() || s[0] != U'第') return std::nullopt;
  pos = 1;
  ref.number = ReadNumber(s, &pos, full_width, 4, strict);
  if (ref.number == 0) return std::nullopt;
  if (pos == s.size()) return ref;
  if (!IsOpenBracket(s[pos], full_width)) return std::nullopt;
  ++pos;
  ref.item = ReadNumber(s, &pos, full_width, 3, strict);
  if (ref.item == 0 || pos >= s.size() || !IsCloseBracket(s[pos], full_width)) {
    return std::nullopt;
  }
  ++pos;
  if (pos == s.size()) return ref;
  if (!IsItemKatakana(s[pos])) return std::nullopt;
  ref.sub_item = s[pos++];
  if (pos != s.size()) return std::nullopt;
  return ref;
}

std::vector<std::string_view> BodyLines(std::string_view body) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    lines.push_back(body.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::u32string WithoutLeadingSpaces(std::string_view line) {
  std::u32string s = Decode(line);
  size_t begin = 0;
  while (begin < s.size() && IsSpace(s[begin])) ++begin;
  return s.substr(begin);
}

// k when `line` begins with an item marker （ｋ）/（k）/(k), else 0.
int ItemNumberOfLine(std::string_view line) {
  const std::u32string s = WithoutLeadingSpaces(line);
  if (s.empty() || !IsOpenBracket(s[0], true)) return 0;
  size_t pos = 1;
  const int k = ReadNumber(s, &pos, true, 3, false);
  if (k == 0 || pos >= s.size() || !IsCloseBracket(s[pos], true)) return 0;
  return k;
}

// True when `line` begins with the sub-item marker `kana`: "ア …", "イ　…",
// "ア）…", "ア" alone, or "（ア）…".
bool IsSubItemLine(std::string_view line, char32_t kana) {
  const std::u32string s = WithoutLeadingSpaces(line);
  if (s.empty()) return false;
  if (IsOpenBracket(s[0], true)) {
    return s.size() >= 3 && s[1] == kana && IsCloseBracket(s[2], true);
  }
  if (s[0] != kana) return false;
  return s.size() == 1 || IsSpace(s[1]) || IsCloseBracket(s[1], true) ||
         s[1] == U'．' || s[1] == U'.';
}

// ---------------------------------------------------------------------------
// YAML fields.

// Names a place in the file: "<file>: items[3] (3-2)" and the like.
class Where {
 public:
  explicit Where(std::string prefix) : prefix_(std::move(prefix)) {}
  absl::Status Invalid(std::string_view field, std::string_view reason) const {
    return InvalidField(absl::StrCat(prefix_, ": ", Av(field)), reason);
  }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
};

// Refuses keys outside `allowed` and duplicate keys; `node` is a map.
absl::Status CheckKeys(const YAML::Node& node, const std::set<std::string>& allowed,
                       const Where& where, std::string_view path_prefix) {
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    if (!it->first.IsScalar()) {
      return where.Invalid(path_prefix.empty() ? "key" : path_prefix, "keys must be strings");
    }
    const std::string field = absl::StrCat(Av(path_prefix), key);
    if (allowed.count(key) == 0) return where.Invalid(field, "unknown key");
    if (!seen.insert(key).second) return where.Invalid(field, "duplicate key");
  }
  return absl::OkStatus();
}

// A string field: required, scalar, valid UTF-8, non-empty unless
// `allow_empty`, at most `max_bytes`.
absl::StatusOr<std::string> StringField(const YAML::Node& map, const std::string& key,
                                        const Where& where, std::string_view field,
                                        size_t max_bytes, bool allow_empty = false) {
  const YAML::Node node = map[key];
  if (!node.IsDefined()) return where.Invalid(field, "missing");
  if (!node.IsNull() && !node.IsScalar()) return where.Invalid(field, "must be a string");
  const std::string value = node.IsNull() ? std::string() : node.Scalar();
  if (value.empty() && !allow_empty) return where.Invalid(field, "must not be empty");
  if (value.size() > max_bytes) {
    return where.Invalid(field, absl::StrCat("exceeds ", max_bytes, " bytes"));
  }
  if (!IsValidUtf8(value)) return where.Invalid(field, "is not valid UTF-8");
  return value;
}

absl::StatusOr<int64_t> IntegerField(const YAML::Node& map, const std::string& key,
                                     const Where& where, std::string_view field) {
  const YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) return where.Invalid(field, "missing");
  int64_t value = 0;
  if (!node.IsScalar() || !absl::SimpleAtoi(node.Scalar(), &value)) {
    return where.Invalid(field, "must be an integer");
  }
  return value;
}

absl::StatusOr<bool> BoolField(const YAML::Node& map, const std::string& key,
                               const Where& where, std::string_view field) {
  const YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) return where.Invalid(field, "missing");
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  return where.Invalid(field, "must be true or false");
}

bool IsVersionChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         c == '.' || c == '-';
}

bool IsRuleId(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// "<chapter>-<n>": chapter 1–9, n 1–999 without a leading zero.
bool ParseItemId(std::string_view id, int* chapter, int* n) {
  if (id.size() < 3 || id.size() > 5 || id[1] != '-') return false;
  if (id[0] < '1' || id[0] > '9') return false;
  if (id[2] < '1' || id[2] > '9') return false;
  int value = 0;
  for (char c : id.substr(2)) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *chapter = id[0] - '0';
  *n = value;
  return true;
}

absl::Status ParseHeader(const YAML::Node& root, const Where& where, v1::Checklist* out) {
  SECCOORD_RETURN_IF_ERROR(CheckKeys(
      root, {"version", "title", "default", "derived_from", "items"}, where, ""));

  SECCOORD_ASSIGN_OR_RETURN(std::string version,
                            StringField(root, "version", where, "version",
                                        kMaxChecklistVersionBytes));
  if (!std::all_of(version.begin(), version.end(), IsVersionChar)) {
    return where.Invalid("version", "may only contain 0-9, A-Z, a-z, '.' and '-'");
  }
  out->set_version(version);

  SECCOORD_ASSIGN_OR_RETURN(std::string title, StringField(root, "title", where, "title",
                                                           kMaxChecklistTitleBytes));
  out->set_title(title);

  if (root["default"].IsDefined()) {
    SECCOORD_ASSIGN_OR_RETURN(bool is_default, BoolField(root, "default", where, "default"));
    out->set_is_default(is_default);
  }

  const YAML::Node source = root["derived_from"];
  if (!source.IsDefined() || source.IsNull()) return where.Invalid("derived_from", "missing");
  if (!source.IsMap()) {
    return where.Invalid("derived_from", "must be a map of document, revision, content_hash");
  }
  SECCOORD_RETURN_IF_ERROR(
      CheckKeys(source, {"document", "revision", "content_hash"}, where, "derived_from."));
  SECCOORD_ASSIGN_OR_RETURN(std::string document,
                            StringField(source, "document", where, "derived_from.document",
                                        kMaxChecklistDocumentBytes));
  SECCOORD_ASSIGN_OR_RETURN(int64_t revision, IntegerField(source, "revision", where,
                                                           "derived_from.revision"));
  if (revision <= 0) return where.Invalid("derived_from.revision", "must be 1 or more");
  SECCOORD_ASSIGN_OR_RETURN(std::string hash,
                            StringField(source, "content_hash", where,
                                        "derived_from.content_hash", 64));
  if (!IsSha256Hex(hash)) {
    return where.Invalid("derived_from.content_hash", "must be 64 lowercase hex digits");
  }
  v1::ChecklistSource* derived = out->mutable_derived_from();
  derived->set_document_id(document);
  derived->set_revision_number(revision);
  derived->set_content_hash(hash);
  return absl::OkStatus();
}

absl::Status ParseItems(const YAML::Node& root, const Where& where, v1::Checklist* out) {
  const YAML::Node items = root["items"];
  if (!items.IsDefined() || items.IsNull()) return where.Invalid("items", "missing");
  if (!items.IsSequence()) return where.Invalid("items", "must be a list");
  if (items.size() == 0) return where.Invalid("items", "must not be empty");
  if (items.size() > static_cast<size_t>(kMaxChecklistItems)) {
    return where.Invalid("items", absl::StrCat("more than ", kMaxChecklistItems, " items"));
  }

  std::map<std::string, size_t> index_of_id;
  std::map<int, std::pair<std::string, size_t>> title_of_chapter;  // → (title, index)
  std::pair<int, int> previous_key = {0, 0};
  size_t previous_index = 0;

  for (size_t i = 0; i < items.size(); ++i) {
    const YAML::Node node = items[i];
    const std::string at = absl::StrCat("items[", i, "]");
    const Where here(absl::StrCat(where.prefix(), ": ", at));
    if (!node.IsMap()) return where.Invalid(at, "must be a map");

    SECCOORD_ASSIGN_OR_RETURN(std::string id, StringField(node, "id", here, "id", 16));
    int id_chapter = 0;
    int id_number = 0;
    if (!ParseItemId(id, &id_chapter, &id_number)) {
      return here.Invalid("id", absl::StrCat("\"", id,
                                             "\" is not <chapter>-<n> (chapter 1-9, n 1-999)"));
    }
    // From here on errors name the item by its id too.
    const Where item(absl::StrCat(here.prefix(), " (", id, ")"));
    SECCOORD_RETURN_IF_ERROR(CheckKeys(node,
                                       {"id", "chapter", "chapter_title", "question",
                                        "article", "required", "asset_rules"},
                                       item, ""));
    if (auto [it, inserted] = index_of_id.emplace(id, i); !inserted) {
      return item.Invalid("id", absl::StrCat("duplicate id (also items[", it->second, "])"));
    }
    const std::pair<int, int> key = {id_chapter, id_number};
    if (i > 0 && key <= previous_key) {
      return item.Invalid("id", absl::StrCat("out of order: comes after ",
                                             out->items(static_cast<int>(previous_index)).id(),
                                             "; items must be in order of chapter, then number"));
    }
    previous_key = key;
    previous_index = i;

    SECCOORD_ASSIGN_OR_RETURN(int64_t chapter, IntegerField(node, "chapter", item, "chapter"));
    if (chapter < 1 || chapter > 9) return item.Invalid("chapter", "must be 1 to 9");
    if (chapter != id_chapter) {
      return item.Invalid("chapter", absl::StrCat(chapter, " does not match the id's chapter ",
                                                  id_chapter));
    }

    SECCOORD_ASSIGN_OR_RETURN(std::string chapter_title,
                              StringField(node, "chapter_title", item, "chapter_title",
                                          kMaxChecklistChapterTitleBytes));
    if (auto [it, inserted] =
            title_of_chapter.emplace(static_cast<int>(chapter), std::make_pair(chapter_title, i));
        !inserted && it->second.first != chapter_title) {
      return item.Invalid(
          "chapter_title",
          absl::StrCat("\"", chapter_title, "\" differs from \"", it->second.first,
                       "\" of items[", it->second.second, "] (",
                       out->items(static_cast<int>(it->second.second)).id(),
                       "); every item of chapter ", chapter, " must have the same title"));
    }

    SECCOORD_ASSIGN_OR_RETURN(std::string question,
                              StringField(node, "question", item, "question",
                                          kMaxChecklistQuestionBytes));

    SECCOORD_ASSIGN_OR_RETURN(std::string article,
                              StringField(node, "article", item, "article", 64));
    if (!ParseArticleRef(article, /*strict=*/true)) {
      return item.Invalid("article", absl::StrCat("\"", article,
                                                  "\" is not of the form 第N, 第N(k) or "
                                                  "第N(k)ア (half-width digits and brackets)"));
    }

    SECCOORD_ASSIGN_OR_RETURN(bool required, BoolField(node, "required", item, "required"));

    std::vector<std::string> rules;
    if (const YAML::Node list = node["asset_rules"]; list.IsDefined() && !list.IsNull()) {
      if (!list.IsSequence()) return item.Invalid("asset_rules", "must be a list");
      if (list.size() > static_cast<size_t>(kMaxChecklistAssetRules)) {
        return item.Invalid("asset_rules",
                            absl::StrCat("more than ", kMaxChecklistAssetRules, " rule ids"));
      }
      for (size_t r = 0; r < list.size(); ++r) {
        const std::string field = absl::StrCat("asset_rules[", r, "]");
        const YAML::Node rule = list[r];
        if (!rule.IsScalar()) return item.Invalid(field, "must be a rule id");
        const std::string& value = rule.Scalar();
        if (value.size() > kMaxChecklistAssetRuleBytes || !IsRuleId(value)) {
          return item.Invalid(field, absl::StrCat("\"", value,
                                                  "\" is not a rule id ([A-Z0-9_]+, at most ",
                                                  kMaxChecklistAssetRuleBytes, " bytes)"));
        }
        if (std::find(rules.begin(), rules.end(), value) != rules.end()) {
          return item.Invalid(field, absl::StrCat("duplicate rule id ", value));
        }
        rules.push_back(value);
      }
    }

    v1::ChecklistItem* added = out->add_items();
    added->set_id(id);
    added->set_chapter(static_cast<int32_t>(chapter));
    added->set_chapter_title(chapter_title);
    added->set_question(question);
    added->set_article(article);
    added->set_required(required);
    for (std::string& rule : rules) added->add_asset_rule_ids(std::move(rule));
  }
  return absl::OkStatus();
}

// field(name, value) of the canonical layouts (common/policy_text.h).
void AppendField(std::string* out, std::string_view name, std::string_view value) {
  absl::StrAppend(out, Av(name), " ", value.size(), "\n", Av(value), "\n");
}

// The first field in which two items of the same id differ, or "".
std::string_view ItemFieldDifference(const v1::ChecklistItem& a, const v1::ChecklistItem& b) {
  if (a.chapter() != b.chapter()) return "chapter";
  if (a.chapter_title() != b.chapter_title()) return "chapter_title";
  if (a.question() != b.question()) return "question";
  if (a.article() != b.article()) return "article";
  if (a.required() != b.required()) return "required";
  if (!std::equal(a.asset_rule_ids().begin(), a.asset_rule_ids().end(),
                  b.asset_rule_ids().begin(), b.asset_rule_ids().end())) {
    return "asset_rules";
  }
  return "";
}

}  // namespace

absl::StatusOr<v1::Checklist> ParseChecklist(std::string_view yaml_text,
                                             std::string_view file_name) {
  const Where where{std::string(file_name)};
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return where.Invalid("YAML", e.what());
  }
  if (!root.IsMap()) {
    return InvalidField(std::string(file_name),
                        "must be a YAML map of version, title, derived_from and items");
  }
  v1::Checklist checklist;
  try {
    SECCOORD_RETURN_IF_ERROR(ParseHeader(root, where, &checklist));
    SECCOORD_RETURN_IF_ERROR(ParseItems(root, where, &checklist));
  } catch (const YAML::Exception& e) {
    // Node access on malformed structures; the checks above should catch
    // them first, but a YAML exception never escapes.
    return where.Invalid("YAML", e.what());
  }
  checklist.set_item_count(checklist.items_size());
  checklist.set_content_hash(ChecklistContentHash(checklist));
  return checklist;
}

absl::StatusOr<std::vector<v1::Checklist>> LoadChecklistDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(fs::path(dir), error)) {
    return absl::NotFoundError(absl::StrCat(dir, ": no such checklist directory"));
  }
  std::vector<std::string> names;
  for (fs::directory_iterator it(fs::path(dir), error), end; !error && it != end;
       it.increment(error)) {
    const fs::path& path = it->path();
    std::error_code type_error;
    if (path.extension() == ".yaml" && it->is_regular_file(type_error)) {
      names.push_back(path.filename().string());
    }
  }
  if (error) {
    return absl::InternalError(absl::StrCat(dir, ": cannot list: ", error.message()));
  }
  std::sort(names.begin(), names.end());

  std::vector<v1::Checklist> checklists;
  std::vector<std::string> files;
  std::string default_file;
  for (const std::string& name : names) {
    const std::string file = (fs::path(dir) / name).string();
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) {
      return absl::InternalError(absl::StrCat(file, ": cannot read"));
    }
    SECCOORD_ASSIGN_OR_RETURN(v1::Checklist checklist, ParseChecklist(text.str(), file));
    for (size_t i = 0; i < checklists.size(); ++i) {
      if (checklists[i].version() == checklist.version()) {
        return InvalidField(absl::StrCat(file, ": version"),
                            absl::StrCat(checklist.version(), " is also the version of ",
                                         files[i]));
      }
    }
    if (checklist.is_default()) {
      if (!default_file.empty()) {
        return InvalidField(absl::StrCat(file, ": default"),
                            absl::StrCat("only one checklist may be the default, and ",
                                         default_file, " is"));
      }
      default_file = file;
    }
    checklists.push_back(std::move(checklist));
    files.push_back(file);
  }
  return checklists;
}

std::string ChecklistContentHash(const v1::Checklist& checklist) {
  std::string out = "seccoord-checklist-v1\n";
  AppendField(&out, "version", checklist.version());
  AppendField(&out, "title", checklist.title());
  AppendField(&out, "document", checklist.derived_from().document_id());
  AppendField(&out, "revision", absl::StrCat(checklist.derived_from().revision_number()));
  AppendField(&out, "source_hash", checklist.derived_from().content_hash());
  AppendField(&out, "items", absl::StrCat(checklist.items_size()));
  for (const v1::ChecklistItem& item : checklist.items()) {
    AppendField(&out, "id", item.id());
    AppendField(&out, "chapter", absl::StrCat(item.chapter()));
    AppendField(&out, "chapter_title", item.chapter_title());
    AppendField(&out, "question", item.question());
    AppendField(&out, "article", item.article());
    AppendField(&out, "required", item.required() ? "true" : "false");
    AppendField(&out, "asset_rules", absl::StrCat(item.asset_rule_ids_size()));
    for (const std::string& rule : item.asset_rule_ids()) {
      AppendField(&out, "asset_rule", rule);
    }
  }
  return Sha256Hex(out);
}

std::string FirstDifference(const v1::Checklist& stored, const v1::Checklist& loaded) {
  if (stored.version() != loaded.version()) return "version differs";
  if (stored.title() != loaded.title()) return "title differs";
  const v1::ChecklistSource& a = stored.derived_from();
  const v1::ChecklistSource& b = loaded.derived_from();
  if (a.document_id() != b.document_id()) return "derived_from.document differs";
  if (a.revision_number() != b.revision_number()) return "derived_from.revision differs";
  if (a.content_hash() != b.content_hash()) return "derived_from.content_hash differs";

  std::map<std::string_view, const v1::ChecklistItem*> loaded_by_id;
  for (const v1::ChecklistItem& item : loaded.items()) loaded_by_id.emplace(item.id(), &item);
  std::set<std::string_view> stored_ids;
  for (const v1::ChecklistItem& item : stored.items()) {
    stored_ids.insert(item.id());
    auto it = loaded_by_id.find(item.id());
    if (it == loaded_by_id.end()) return absl::StrCat("item ", item.id(), " removed");
    const std::string_view field = ItemFieldDifference(item, *it->second);
    if (!field.empty()) return absl::StrCat("item ", item.id(), ": ", Av(field), " differs");
  }
  for (const v1::ChecklistItem& item : loaded.items()) {
    if (stored_ids.count(item.id()) == 0) return absl::StrCat("item ", item.id(), " added");
  }
  // Same ids with the same content; only the order (or a repeated id in a
  // checklist that was not parsed) can still differ.
  const int n = std::min(stored.items_size(), loaded.items_size());
  for (int i = 0; i < n; ++i) {
    if (stored.items(i).id() != loaded.items(i).id()) {
      return absl::StrCat("item order differs at position ", i, ": ", stored.items(i).id(),
                          " stored, ", loaded.items(i).id(), " loaded");
    }
  }
  if (stored.items_size() != loaded.items_size()) {
    return absl::StrCat("item count differs: ", stored.items_size(), " stored, ",
                        loaded.items_size(), " loaded");
  }
  return "";
}

absl::Status CheckArticleReference(const PolicyText& policy, std::string_view article) {
  const std::optional<ArticleRef> ref = ParseArticleRef(article, /*strict=*/false);
  if (!ref) {
    return InvalidField("article", absl::StrCat("\"", Av(article),
                                                "\" is not of the form 第N, 第N(k) or 第N(k)ア"));
  }
  const std::string canonical = ref->Canonical();
  const std::string number = ref->ArticleLabel();
  const Article* found = nullptr;
  for (const Article& a : policy.articles) {
    if (a.number == number) {
      found = &a;
      break;
    }
  }
  if (found == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(canonical, ": no article ", number, " in the policy"));
  }
  if (ref->item == 0) return absl::OkStatus();

  const std::vector<std::string_view> lines = BodyLines(found->body);
  size_t line = 0;
  while (line < lines.size() && ItemNumberOfLine(lines[line]) != ref->item) ++line;
  if (line == lines.size()) {
    return absl::NotFoundError(
        absl::StrCat(canonical, ": no item (", ref->item, ") in ", number));
  }
  if (ref->sub_item == 0) return absl::OkStatus();

  for (++line; line < lines.size(); ++line) {
    if (ItemNumberOfLine(lines[line]) != 0) break;  // The next item (k+1).
    if (IsSubItemLine(lines[line], ref->sub_item)) return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat(canonical, ": no sub-item ", Encode(ref->sub_item),
                                          " in ", ref->ItemLabel()));
}

}  // namespace seccoord::assessment
