#include "common/answer_sheet.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/assessment_vocab.h"
#include "common/civil_date.h"
#include "common/code_values.h"
#include "common/policy_text.h"
#include "common/proto_convert.h"
#include "common/status.h"
#include "common/wareki.h"

namespace seccoord::assessment {
namespace {

// Fields kept per record beyond which only the count matters: no valid row
// has more than the layout's columns, and a line of a million commas must not
// cost a million strings.
constexpr int kMaxStoredFields = 64;

std::string S(std::string_view text) { return std::string(text); }

// ---------------------------------------------------------------------------
// Columns

enum Col {
  kItemId, kChapter, kQuestion, kRequired, kCarriedOver, kResult, kNote, kEvidenceTitle,
  kEvidenceLocation, kEvidenceSha256, kAction, kOwner, kDue, kConfirm, kColumnCount
};

const std::vector<CsvColumn>& Columns() {
  // Indexed by Col.
  static const std::vector<CsvColumn>* const columns = new std::vector<CsvColumn>{
      {"item_id", "項目ID", true},
      {"chapter", "章", false},
      {"question", "点検項目", false},
      {"required", "必須", false},
      {"carried_over", "前回から引継ぎ", false},
      {"result", "結果", true},
      {"note", "備考", false},
      {"evidence_title", "証跡", false},
      {"evidence_location", "証跡の保管場所", false},
      {"evidence_sha256", "証跡SHA-256", false},
      {"action", "改善措置", false},
      {"owner", "担当", false},
      {"due", "期限", false},
      {"confirm", "確認", false},
  };
  return *columns;
}

// A header cell as compared: full-width folded, ASCII lower-cased, ASCII
// spaces removed ("結果 (result)" -> "結果(result)").
std::string HeaderKey(std::string_view cell) {
  std::string key = absl::AsciiStrToLower(TrimCsvCell(cell));
  key.erase(std::remove(key.begin(), key.end(), ' '), key.end());
  return key;
}

// The header cell WriteAnswerSheet writes: "結果 (result)".
std::string WrittenHeader(const CsvColumn& c) {
  return absl::StrCat(S(c.japanese), " (", S(c.english), ")");
}

// The column a header cell names, or -1.
int ColumnOfHeader(std::string_view cell) {
  const std::string key = HeaderKey(cell);
  const auto& columns = Columns();
  for (int i = 0; i < kColumnCount; ++i) {
    const std::string english = S(columns[i].english);
    // Lower-cased on both sides: 項目ID is also written 項目Id or 項目ｉｄ.
    const std::string japanese = HeaderKey(columns[i].japanese);
    if (key == english || key == japanese || key == HeaderKey(WrittenHeader(columns[i]))) {
      return i;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------
// Cells

const EnumSpec& BooleanSpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {},
      {{1, "true", "はい", {"yes", "1", "○", "◯"}},
       {0, "false", "いいえ", {"no", "0", "×"}}}};
  return *spec;
}

absl::StatusOr<bool> ParseBoolean(std::string_view text) {
  if (TrimCsvCell(text).empty()) return false;
  SECCOORD_ASSIGN_OR_RETURN(int v, ParseChoice(BooleanSpec(), text));
  return v != 0;
}

// The item id a cell names, as written by WriteAnswerSheet (="3-2") or by
// hand (3-2), or what Excel made of it (3月2日) when the checklist has that id.
std::string ItemIdOf(std::string_view cell, const std::map<std::string, int>& items) {
  std::string id = TrimCsvCell(cell);
  if (id.size() >= 3 && id[0] == '=' && id[1] == '"' && id.back() == '"') {
    id = TrimCsvCell(std::string_view(id).substr(2, id.size() - 3));
  }
  if (items.count(id) != 0) return id;
  // 3月2日 -> 3-2
  const size_t month_end = id.find("月");
  if (month_end != std::string::npos && month_end > 0 && id.size() > month_end + 3 &&
      id.compare(id.size() - 3, 3, "日") == 0) {
    const std::string month = id.substr(0, month_end);
    const std::string day = id.substr(month_end + 3, id.size() - 3 - (month_end + 3));
    auto digits = [](const std::string& s) {
      return !s.empty() && s.size() <= 2 &&
             std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
    };
    if (digits(month) && digits(day)) {
      const std::string candidate =
          absl::StrCat(std::stoi(month), "-", std::stoi(day));
      if (items.count(candidate) != 0) return candidate;
    }
  }
  return id;
}

// The lines of a multi-line cell (LF, CRLF or CR inside the quoted cell),
// without trailing empty lines.
std::vector<std::string> CellLines(std::string_view cell) {
  std::vector<std::string> lines;
  std::string current;
  for (size_t i = 0; i < cell.size(); ++i) {
    const char c = cell[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < cell.size() && cell[i + 1] == '\n') ++i;
      lines.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  lines.push_back(std::move(current));
  while (!lines.empty() && TrimCsvCell(lines.back()).empty()) lines.pop_back();
  return lines;
}

// One evidence entry per line across the three cells; *errors gets a reason
// for each bad SHA-256 line (its column is the sha256 column).
std::vector<v1::EvidenceReference> EvidenceOf(std::string_view titles, std::string_view locations,
                                              std::string_view hashes,
                                              std::vector<std::string>* sha_errors) {
  const std::vector<std::string> t = CellLines(titles);
  const std::vector<std::string> l = CellLines(locations);
  const std::vector<std::string> h = CellLines(hashes);
  const size_t n = std::max({t.size(), l.size(), h.size()});
  std::vector<v1::EvidenceReference> out;
  for (size_t i = 0; i < n; ++i) {
    const std::string title = i < t.size() ? t[i] : "";
    const std::string location = i < l.size() ? l[i] : "";
    std::string hash = i < h.size() ? TrimCsvCell(h[i]) : "";
    if (!hash.empty()) {
      // Any case is read; the lowercase form is stored.
      if (!IsSha256Hex(absl::AsciiStrToLower(hash))) {
        sha_errors->push_back(absl::StrCat(
            n > 1 ? absl::StrCat("entry ", i + 1, ": ") : std::string(), "\"", hash,
            "\" is not a SHA-256 (64 hexadecimal digits)"));
        continue;
      }
      hash = absl::AsciiStrToLower(hash);
    }
    if (TrimCsvCell(title).empty() && TrimCsvCell(location).empty() && hash.empty()) continue;
    v1::EvidenceReference& e = out.emplace_back();
    e.set_title(title);
    e.set_location(location);
    e.set_sha256(hash);
  }
  return out;
}

// What the parse keeps between rows.
struct SheetContext {
  std::map<std::string, int> items;        // checklist item id -> index
  std::map<std::string, int> first_line;   // item id -> line of its first row
  const v1::Checklist* checklist;
};

// Converts one data record, appending to *errors every cell that does not
// parse. nullopt for a row with errors and for a row not answered yet.
std::optional<SheetRow> ConvertRecord(const CsvRecord& record, const CsvHeader& csv_header,
                                      SheetContext* ctx, std::vector<SheetError>* errors) {
  const std::vector<std::string>& header = csv_header.cells;
  const size_t errors_before = errors->size();
  auto fail = [&](int index, std::string reason) {
    errors->push_back(SheetError{record.line, index < 0 ? std::string() : header[index],
                                 std::move(reason)});
  };
  if (record.field_count != static_cast<int>(header.size())) {
    fail(-1, absl::StrCat("has ", record.field_count, " fields, the header has ", header.size()));
    return std::nullopt;
  }
  for (size_t i = 0; i < header.size(); ++i) {
    if (record.fields[i].size() > kMaxSheetCellBytes) {
      fail(static_cast<int>(i), absl::StrCat("exceeds ", kMaxSheetCellBytes, " bytes"));
    }
  }
  if (errors->size() != errors_before) return std::nullopt;

  // The cell of a column ("" when the header lacks it) and its index.
  auto cell = [&](Col col) -> std::string_view {
    const int at = csv_header.position_of[col];
    return at < 0 ? std::string_view() : std::string_view(record.fields[at]);
  };
  auto at = [&](Col col) { return csv_header.position_of[col]; };

  // Item id: checked on every row, answered or not.
  const std::string item_id = ItemIdOf(cell(kItemId), ctx->items);
  if (item_id.empty()) {
    fail(at(kItemId), "must not be empty");
  } else if (ctx->items.count(item_id) == 0) {
    fail(at(kItemId), absl::StrCat("unknown item \"", item_id, "\" (not in checklist ",
                                   ctx->checklist->version(), ")"));
  } else {
    auto [it, inserted] = ctx->first_line.emplace(item_id, record.line);
    if (!inserted) {
      fail(at(kItemId), absl::StrCat("item ", item_id, " appears twice (first on line ",
                                     it->second, ")"));
    }
  }

  SheetRow row;
  row.line = record.line;
  row.answer.set_item_id(item_id);
  {
    auto confirm = ParseBoolean(cell(kConfirm));
    if (!confirm.ok()) {
      fail(at(kConfirm), std::string(confirm.status().message()));
    } else {
      row.confirm = *confirm;
    }
  }
  const bool answered = !TrimCsvCell(cell(kResult)).empty();
  if (errors->size() == errors_before && !answered && !row.confirm) {
    return std::nullopt;  // not answered yet
  }

  if (answered) {
    auto result = ParseResultValue(cell(kResult));
    if (!result.ok()) {
      fail(at(kResult), std::string(result.status().message()));
    } else {
      row.answer.set_result(*result);
    }
  }
  row.answer.set_note(S(cell(kNote)));

  std::vector<std::string> sha_errors;
  std::vector<v1::EvidenceReference> evidence =
      EvidenceOf(cell(kEvidenceTitle), cell(kEvidenceLocation), cell(kEvidenceSha256), &sha_errors);
  for (std::string& reason : sha_errors) fail(at(kEvidenceSha256), std::move(reason));
  for (v1::EvidenceReference& e : evidence) *row.answer.add_evidence() = std::move(e);

  const std::string_view action = cell(kAction);
  const std::string_view owner = cell(kOwner);
  std::optional<v1::Date> due;
  {
    const std::string trimmed = TrimCsvCell(cell(kDue));
    if (!trimmed.empty()) {
      auto date = ParseDate(trimmed);
      if (!date.ok()) {
        // ParseDate's reason usually quotes the text already.
        const std::string reason(date.status().message());
        fail(at(kDue), reason.find(trimmed) != std::string::npos
                           ? reason
                           : absl::StrCat("\"", S(cell(kDue)), "\" is not a date: ", reason));
      } else {
        due = ToProtoDate(*date);
      }
    }
  }
  if (!action.empty() || !owner.empty() || due.has_value()) {
    v1::Remediation* r = row.answer.mutable_remediation();
    r->set_action(S(action));
    r->set_owner(S(owner));
    if (due.has_value()) *r->mutable_due() = *due;
  }
  if (errors->size() != errors_before) return std::nullopt;
  return row;
}

// ---------------------------------------------------------------------------
// Writing

// Evidence parts are one line each in their cell.
std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

}  // namespace

const std::vector<CsvColumn>& AnswerSheetColumns() { return Columns(); }

absl::StatusOr<SheetParseResult> ParseAnswerSheet(std::string_view bytes, CsvEncoding encoding,
                                                  const v1::Checklist& checklist, int max_rows) {
  static const CsvLayout layout{&Columns(), &ColumnOfHeader, "docs/answer-sheet.md",
                                CsvReadOptions{kMaxSheetCellBytes, kMaxStoredFields}};
  SheetParseResult result;
  SheetContext ctx;
  ctx.checklist = &checklist;
  for (int i = 0; i < checklist.items_size(); ++i) ctx.items.emplace(checklist.items(i).id(), i);
  SECCOORD_ASSIGN_OR_RETURN(
      result.encoding,
      ReadCsvLayout(bytes, encoding, layout, max_rows,
                    [&](const CsvHeader& header, const CsvRecord& record) {
                      std::optional<SheetRow> row =
                          ConvertRecord(record, header, &ctx, &result.errors);
                      if (row.has_value()) result.rows.push_back(std::move(*row));
                    }));
  return result;
}

absl::StatusOr<std::string> WriteAnswerSheet(const v1::Checklist& checklist,
                                             const v1::Assessment& assessment,
                                             SheetEncoding encoding) {
  if (!assessment.checklist_version().empty() && !checklist.version().empty() &&
      assessment.checklist_version() != checklist.version()) {
    return InvalidField("checklist", absl::StrCat("assessment ", assessment.id(),
                                                  " answers checklist ",
                                                  assessment.checklist_version(), ", not ",
                                                  checklist.version()));
  }
  std::map<std::string, const v1::ItemAnswer*> answers;
  for (const v1::ItemAnswer& a : assessment.answers()) answers.emplace(a.item_id(), &a);
  {
    std::map<std::string, int> items;
    for (const v1::ChecklistItem& item : checklist.items()) items.emplace(item.id(), 0);
    for (const auto& [id, answer] : answers) {
      if (items.count(id) == 0) {
        return InvalidField("answers", absl::StrCat("item \"", id, "\" is not in checklist ",
                                                    checklist.version()));
      }
    }
  }

  std::string out;
  {
    std::vector<std::string> names;
    for (const CsvColumn& c : Columns()) names.push_back(WrittenHeader(c));
    AppendCsvRecord(names, &out);
  }
  static const v1::ItemAnswer* const kNoAnswer = new v1::ItemAnswer();
  for (const v1::ChecklistItem& item : checklist.items()) {
    auto found = answers.find(item.id());
    const v1::ItemAnswer& a = found == answers.end() ? *kNoAnswer : *found->second;
    std::vector<std::string> titles;
    std::vector<std::string> locations;
    std::vector<std::string> hashes;
    for (const v1::EvidenceReference& e : a.evidence()) {
      titles.push_back(OneLine(e.title()));
      locations.push_back(OneLine(e.location()));
      hashes.push_back(OneLine(e.sha256()));
    }
    std::string due;
    if (a.has_remediation() && a.remediation().has_due()) {
      due = FormatIsoDate(FromProtoDate(a.remediation().due()));
    }
    std::vector<std::string> cells(kColumnCount);
    cells[kItemId] = absl::StrCat("=\"", item.id(), "\"");
    cells[kChapter] = item.chapter_title().empty()
                          ? absl::StrCat(item.chapter())
                          : absl::StrCat(item.chapter(), ". ", item.chapter_title());
    cells[kQuestion] = item.question();
    cells[kRequired] = item.required() ? "○" : "";
    cells[kCarriedOver] = a.carried_over() ? "○" : "";
    cells[kResult] = a.result() == v1::ITEM_RESULT_UNSPECIFIED ? "" : S(ResultLabel(a.result()));
    cells[kNote] = a.note();
    cells[kEvidenceTitle] = absl::StrJoin(titles, "\n");
    cells[kEvidenceLocation] = absl::StrJoin(locations, "\n");
    cells[kEvidenceSha256] = absl::StrJoin(hashes, "\n");
    cells[kAction] = a.remediation().action();
    cells[kOwner] = a.remediation().owner();
    cells[kDue] = due;
    cells[kConfirm] = "";
    AppendCsvRecord(cells, &out);
  }

  switch (encoding) {
    case SheetEncoding::kUtf8:
      return out;
    case SheetEncoding::kUtf8Bom:
      return absl::StrCat(S(kUtf8Bom), out);
    case SheetEncoding::kCp932:
      return EncodeCp932(out);
  }
  return absl::InvalidArgumentError("unknown sheet encoding");
}

}  // namespace seccoord::assessment
