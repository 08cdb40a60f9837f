#include "clients/seccoord/report.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/seccoord/assessment_commands.h"
#include "clients/seccoord/output.h"
#include "common/assessment_vocab.h"
#include "common/civil_date.h"
#include "common/text_width.h"
#include "common/wareki.h"

namespace seccoord::cli {
namespace {

// Paper size 9 is A4 in Excel's page setup.
constexpr uint8_t kPaperA4 = 9;
// Column widths: at least this, at most that (longer text wraps).
constexpr double kMinColumnWidth = 6;
constexpr double kMaxColumnWidth = 60;
constexpr double kMaxCoverValueWidth = 80;

// The formats every sheet uses (owned by the workbook).
struct Formats {
  lxw_format* title = nullptr;    // the cover's heading
  lxw_format* header = nullptr;   // a table's header row
  lxw_format* label = nullptr;    // a cover label
  lxw_format* text = nullptr;     // wrapped text, aligned to the top
  lxw_format* thread = nullptr;   // an advice thread entry
  lxw_format* number = nullptr;   // a count
  lxw_format* percent = nullptr;  // a rate 0–1 shown as 82.5%
  lxw_format* date = nullptr;     // a civil date
  lxw_format* total = nullptr;    // the total row's text
  lxw_format* total_number = nullptr;
  lxw_format* total_percent = nullptr;
};

Formats MakeFormats(lxw_workbook* workbook) {
  Formats f;
  f.title = workbook_add_format(workbook);
  format_set_bold(f.title);
  format_set_font_size(f.title, 16);
  f.header = workbook_add_format(workbook);
  format_set_bold(f.header);
  format_set_bg_color(f.header, 0xD9E1F2);
  format_set_border(f.header, LXW_BORDER_THIN);
  format_set_text_wrap(f.header);
  format_set_align(f.header, LXW_ALIGN_VERTICAL_CENTER);
  f.label = workbook_add_format(workbook);
  format_set_bold(f.label);
  format_set_align(f.label, LXW_ALIGN_VERTICAL_TOP);
  f.text = workbook_add_format(workbook);
  format_set_text_wrap(f.text);
  format_set_align(f.text, LXW_ALIGN_VERTICAL_TOP);
  f.thread = workbook_add_format(workbook);
  format_set_text_wrap(f.thread);
  format_set_italic(f.thread);
  format_set_font_color(f.thread, 0x404040);
  format_set_align(f.thread, LXW_ALIGN_VERTICAL_TOP);
  f.number = workbook_add_format(workbook);
  format_set_align(f.number, LXW_ALIGN_VERTICAL_TOP);
  f.percent = workbook_add_format(workbook);
  format_set_num_format(f.percent, "0.0%");
  format_set_align(f.percent, LXW_ALIGN_VERTICAL_TOP);
  f.date = workbook_add_format(workbook);
  format_set_num_format(f.date, "yyyy/mm/dd");
  format_set_align(f.date, LXW_ALIGN_VERTICAL_TOP);
  f.total = workbook_add_format(workbook);
  format_set_bold(f.total);
  format_set_top(f.total, LXW_BORDER_THIN);
  f.total_number = workbook_add_format(workbook);
  format_set_bold(f.total_number);
  format_set_top(f.total_number, LXW_BORDER_THIN);
  f.total_percent = workbook_add_format(workbook);
  format_set_bold(f.total_percent);
  format_set_top(f.total_percent, LXW_BORDER_THIN);
  format_set_num_format(f.total_percent, "0.0%");
  return f;
}

// One worksheet being written: cells go through it so every column's width
// fits its widest text at the end.
class Sheet {
 public:
  Sheet(lxw_workbook* workbook, const char* name, const Formats& formats)
      : sheet_(workbook_add_worksheet(workbook, name)), formats_(formats) {}

  lxw_worksheet* get() const { return sheet_; }

  void Text(int row, int col, const std::string& text, lxw_format* format = nullptr) {
    if (text.empty()) return;
    worksheet_write_string(sheet_, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col),
                           text.c_str(), format == nullptr ? formats_.text : format);
    Measure(col, text);
  }
  void Number(int row, int col, double value, lxw_format* format = nullptr) {
    worksheet_write_number(sheet_, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col),
                           value, format == nullptr ? formats_.number : format);
    Measure(col, "000000");
  }
  // A rate 0–1 as a percent number, or "-" without a rate.
  void Rate(int row, int col, const v1::ResultCounts& counts, lxw_format* percent = nullptr) {
    if (counts.has_rate()) {
      Number(row, col, counts.implementation_rate(),
             percent == nullptr ? formats_.percent : percent);
    } else {
      Text(row, col, "-");
    }
  }
  // A civil date as a real date cell (text when it is not a valid date).
  void Date(int row, int col, const v1::Date& date) {
    if (!IsDateSet(date)) return;
    if (!IsValidCivilDate(date.year(), date.month(), date.day())) {
      Text(row, col, FormatDate(date, false));
      return;
    }
    lxw_datetime value = {date.year(), date.month(), date.day(), 0, 0, 0};
    worksheet_write_datetime(sheet_, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col),
                             &value, formats_.date);
    Measure(col, "2026/04/01");
  }
  void Header(int row, const std::vector<std::string>& titles) {
    for (size_t col = 0; col < titles.size(); ++col) {
      Text(row, static_cast<int>(col), titles[col], formats_.header);
    }
    header_columns_ = static_cast<int>(titles.size());
  }

  // Sets every column's width to its widest text, capped at `max_width`
  // (or the column's own cap).
  void FitColumns(double max_width = kMaxColumnWidth,
                  const std::map<int, double>& caps = {}) {
    for (const auto& [col, cells] : cells_) {
      auto cap = caps.find(col);
      worksheet_set_column(sheet_, static_cast<lxw_col_t>(col), static_cast<lxw_col_t>(col),
                           ReportColumnWidth(cells, kMinColumnWidth,
                                             cap == caps.end() ? max_width : cap->second),
                           nullptr);
    }
  }

  // A4, the given orientation, fitted to one page wide; a table's header row
  // repeats on every page and stays in view.
  void PrintSetup(bool landscape, bool has_table_header) {
    worksheet_set_paper(sheet_, kPaperA4);
    if (landscape) {
      worksheet_set_landscape(sheet_);
    } else {
      worksheet_set_portrait(sheet_);
    }
    worksheet_fit_to_pages(sheet_, 1, 0);
    worksheet_set_margins(sheet_, 0.5, 0.5, 0.75, 0.75);
    worksheet_set_footer(sheet_, "&C&P / &N");
    if (has_table_header) {
      worksheet_repeat_rows(sheet_, 0, 0);
      worksheet_freeze_panes(sheet_, 1, 0);
    }
  }

  int header_columns() const { return header_columns_; }

 private:
  void Measure(int col, const std::string& text) { cells_[col].push_back(text); }

  lxw_worksheet* sheet_;
  const Formats& formats_;
  std::map<int, std::vector<std::string>> cells_;
  int header_columns_ = 0;
};

// ---- Facts taken from the messages.

struct ChapterCounts {
  int number = 0;
  std::string title;
  v1::ResultCounts counts;
};

// Whole-number counts of `results` (one per item) with the one 実施率.
v1::ResultCounts CountResults(const std::vector<v1::ItemResult>& results) {
  v1::ResultCounts counts;
  for (v1::ItemResult result : results) {
    switch (result) {
      case v1::ITEM_RESULT_IMPLEMENTED: counts.set_implemented(counts.implemented() + 1); break;
      case v1::ITEM_RESULT_PARTIAL: counts.set_partial(counts.partial() + 1); break;
      case v1::ITEM_RESULT_NOT_IMPLEMENTED:
        counts.set_not_implemented(counts.not_implemented() + 1);
        break;
      case v1::ITEM_RESULT_NOT_APPLICABLE:
        counts.set_not_applicable(counts.not_applicable() + 1);
        break;
      default: counts.set_unanswered(counts.unanswered() + 1); break;
    }
  }
  counts.set_items(static_cast<int>(results.size()));
  std::optional<double> rate = assessment::ImplementationRate(
      counts.implemented(), counts.partial(), counts.not_implemented(), counts.not_applicable(),
      counts.unanswered());
  counts.set_has_rate(rate.has_value());
  counts.set_implementation_rate(rate.value_or(0));
  return counts;
}

// The answer of each item, by item id.
std::map<std::string, const v1::ItemAnswer*> AnswersById(const v1::Assessment& assessment) {
  std::map<std::string, const v1::ItemAnswer*> answers;
  for (const v1::ItemAnswer& answer : assessment.answers()) answers[answer.item_id()] = &answer;
  return answers;
}

// The federation view's row of the assessment's organisation, if it is the
// summary of this very assessment.
const v1::OrganizationStatus* SummaryRowOf(const v1::Assessment& assessment,
                                           const v1::FederationStatus& federation) {
  for (const v1::OrganizationStatus& row : federation.organizations()) {
    if (row.organization() == assessment.organization() && row.has_assessment() &&
        row.assessment_id() == assessment.id()) {
      return &row;
    }
  }
  return nullptr;
}

// The chapter counts and total: the server's summary row when it is of this
// assessment, else counted from its answers. `source` says which.
std::vector<ChapterCounts> ChapterSummary(const v1::Assessment& assessment,
                                          const v1::Checklist& checklist,
                                          const v1::FederationStatus& federation,
                                          v1::ResultCounts* total, std::string* source) {
  std::vector<ChapterCounts> chapters;
  if (const v1::OrganizationStatus* row = SummaryRowOf(assessment, federation)) {
    for (const v1::ChapterStatus& c : row->chapters()) {
      chapters.push_back({c.chapter(), c.chapter_title(), c.counts()});
    }
    *total = row->counts();
    *source = row->counted_submission() > 0
                  ? absl::StrCat("集計: 提出 #", row->counted_submission(),
                                 " の回答 (サーバーの集計)")
                  : "集計: 現在の回答 (未提出; サーバーの集計)";
    return chapters;
  }
  const auto answers = AnswersById(assessment);
  const auto result_of = [&](const v1::ChecklistItem& item) {
    auto found = answers.find(item.id());
    return found == answers.end() ? v1::ITEM_RESULT_UNSPECIFIED : found->second->result();
  };
  std::vector<v1::ItemResult> all;
  std::vector<v1::ItemResult> chapter_results;
  for (int i = 0; i < checklist.items_size(); ++i) {
    const v1::ChecklistItem& item = checklist.items(i);
    chapter_results.push_back(result_of(item));
    all.push_back(result_of(item));
    const bool last_of_chapter =
        i + 1 == checklist.items_size() || checklist.items(i + 1).chapter() != item.chapter();
    if (last_of_chapter) {
      chapters.push_back({item.chapter(), item.chapter_title(), CountResults(chapter_results)});
      chapter_results.clear();
    }
  }
  *total = CountResults(all);
  *source = "集計: この点検の現在の回答";
  return chapters;
}

// The organisation's trend over first_fiscal_year … fiscal_year, a point
// (without assessment) for every year the server left out.
std::vector<v1::TrendPoint> TrendOf(const std::string& organization,
                                    const v1::FederationStatus& federation) {
  std::map<int, v1::TrendPoint> by_year;
  for (const v1::OrganizationTrend& trend : federation.trends()) {
    if (trend.organization() != organization) continue;
    for (const v1::TrendPoint& point : trend.points()) by_year[point.fiscal_year()] = point;
  }
  std::vector<v1::TrendPoint> points;
  const int first = federation.first_fiscal_year() > 0 ? federation.first_fiscal_year()
                                                       : federation.fiscal_year();
  for (int fy = first; fy <= federation.fiscal_year(); ++fy) {
    auto found = by_year.find(fy);
    if (found != by_year.end()) {
      points.push_back(found->second);
    } else {
      v1::TrendPoint empty;
      empty.set_fiscal_year(fy);
      points.push_back(empty);
    }
  }
  return points;
}

std::string DateBoth(const v1::Date& date) { return FormatDateBoth(date, /*wareki=*/true); }

std::string WhoAndWhen(const std::string& who, int64_t time_us) {
  if (who.empty() && time_us == 0) return "-";
  return absl::StrCat(FormatTimeUs(time_us), who.empty() ? "" : " ", who);
}

// ---- The sheets.

void WriteCover(Sheet& sheet, const v1::Assessment& a, const v1::Checklist& checklist,
                const Formats& f) {
  sheet.Text(0, 0, "情報セキュリティ自己点検 報告書", f.title);
  std::vector<std::pair<std::string, std::string>> rows = {
      {"組織", a.organization()},
      {"年度", FormatFiscalYearOrNumber(a.fiscal_year())},
      {"点検 ID", a.id()},
      {"回", absl::StrCat("第", a.round(), "回")},
      {"点検票", absl::StrCat(OrDash(a.checklist_version()), checklist.title().empty() ? "" : " ",
                              checklist.title())},
      {"状態", AssessmentStateText(a.state())},
  };
  if (a.has_policy() && !a.policy().none_in_force()) {
    const v1::PolicyBinding& p = a.policy();
    rows.push_back({"基本方針", p.document_id()});
    rows.push_back({"版", absl::StrCat("revision ", p.revision_number())});
    rows.push_back({"内容ハッシュ", OrDash(p.content_hash())});
    rows.push_back({"施行日", DateBoth(p.effective_date())});
    rows.push_back({"基準日", DateBoth(p.in_force_on())});
  } else if (a.has_policy()) {
    rows.push_back({"基本方針", absl::StrCat(OrDash(a.policy().document_id()),
                                             ": none in force (施行中の版なし, 基準日 ",
                                             DateBoth(a.policy().in_force_on()), ")")});
  } else {
    rows.push_back({"基本方針", a.policy_unavailable()
                                    ? "unavailable (方針サービスに接続できず; 提出時に確定)"
                                    : "-"});
  }
  rows.push_back({"審査者", OrDash(a.reviewed_by())});
  rows.push_back({"作成", WhoAndWhen(a.created_by(), a.create_time_us())});
  if (a.submissions().empty()) {
    rows.push_back({"最終提出", "-"});
  } else {
    const v1::SubmissionRef& s = *a.submissions().rbegin();
    rows.push_back({"最終提出", absl::StrCat("#", s.number(), " ",
                                             WhoAndWhen(s.submitted_by(), s.submit_time_us()))});
    rows.push_back({"提出ハッシュ", OrDash(s.sha256())});
  }
  rows.push_back({"審査", a.review_time_us() == 0 ? "-" : FormatTimeUs(a.review_time_us())});
  if (!a.review_comment().empty()) rows.push_back({"審査コメント", a.review_comment()});
  int row = 2;
  for (const auto& [label, value] : rows) {
    sheet.Text(row, 0, label, f.label);
    sheet.Text(row, 1, value);
    ++row;
  }
  // The heading spans both columns; it does not widen the label column.
  sheet.FitColumns(kMaxColumnWidth, {{0, 14}, {1, kMaxCoverValueWidth}});
  sheet.PrintSetup(/*landscape=*/false, /*has_table_header=*/false);
}

std::string EvidenceLines(const v1::ItemAnswer& answer) {
  std::vector<std::string> lines;
  for (const v1::EvidenceReference& e : answer.evidence()) {
    if (e.location().empty() || e.location() == e.title()) {
      lines.push_back(OrDash(e.title().empty() ? e.location() : e.title()));
    } else {
      lines.push_back(absl::StrCat(e.title().empty() ? "-" : e.title(), "; ", e.location()));
    }
  }
  return absl::StrJoin(lines, "\n");
}

void WriteItems(Sheet& sheet, const v1::Assessment& a, const v1::Checklist& checklist) {
  sheet.Header(0, {"項目", "章", "質問", "結果", "備考", "証跡 (名称; 保管場所)", "改善措置",
                   "担当", "期限"});
  const auto answers = AnswersById(a);
  int row = 1;
  for (const v1::ChecklistItem& item : checklist.items()) {
    auto found = answers.find(item.id());
    const v1::ItemAnswer* answer = found == answers.end() ? nullptr : found->second;
    sheet.Text(row, 0, item.id());
    sheet.Text(row, 1, absl::StrCat(item.chapter(), " ", item.chapter_title()));
    sheet.Text(row, 2, item.question());
    std::string result(assessment::ResultLabel(
        answer == nullptr ? v1::ITEM_RESULT_UNSPECIFIED : answer->result()));
    if (answer != nullptr && answer->carried_over()) absl::StrAppend(&result, " ※引継・未確認");
    sheet.Text(row, 3, result);
    if (answer != nullptr) {
      sheet.Text(row, 4, answer->note());
      sheet.Text(row, 5, EvidenceLines(*answer));
      sheet.Text(row, 6, answer->remediation().action());
      sheet.Text(row, 7, answer->remediation().owner());
      sheet.Date(row, 8, answer->remediation().due());
    }
    ++row;
  }
  if (row > 1) {
    worksheet_autofilter(sheet.get(), 0, 0, static_cast<lxw_row_t>(row - 1),
                         static_cast<lxw_col_t>(sheet.header_columns() - 1));
  }
  sheet.FitColumns(kMaxColumnWidth, {{1, 24}, {2, 50}, {4, 40}, {5, 36}, {6, 36}});
  sheet.PrintSetup(/*landscape=*/true, /*has_table_header=*/true);
}

void WriteChapters(Sheet& sheet, const v1::Assessment& a, const v1::Checklist& checklist,
                   const v1::FederationStatus& federation, const Formats& f) {
  sheet.Header(0, {"番号", "章", "項目数", "実施", "一部実施", "未実施", "該当なし", "未回答",
                   "実施率"});
  v1::ResultCounts total;
  std::string source;
  const std::vector<ChapterCounts> chapters =
      ChapterSummary(a, checklist, federation, &total, &source);
  const auto write_counts = [&](int row, const v1::ResultCounts& c, lxw_format* number,
                                lxw_format* percent) {
    const int values[] = {c.items(),          c.implemented(),    c.partial(),
                          c.not_implemented(), c.not_applicable(), c.unanswered()};
    for (int i = 0; i < 6; ++i) sheet.Number(row, 2 + i, values[i], number);
    sheet.Rate(row, 8, c, percent);
  };
  int row = 1;
  for (const ChapterCounts& chapter : chapters) {
    sheet.Number(row, 0, chapter.number);
    sheet.Text(row, 1, chapter.title);
    write_counts(row, chapter.counts, nullptr, nullptr);
    ++row;
  }
  worksheet_write_blank(sheet.get(), static_cast<lxw_row_t>(row), 0, f.total);
  sheet.Text(row, 1, "計", f.total);
  write_counts(row, total, f.total_number, f.total_percent);
  row += 2;
  sheet.Text(row, 1, source, f.thread);
  sheet.Text(row + 1, 1, "実施率 = (実施 + ½ 一部実施) ÷ (項目数 − 該当なし)", f.thread);
  sheet.FitColumns(kMaxColumnWidth, {{1, 36}});
  sheet.PrintSetup(/*landscape=*/false, /*has_table_header=*/true);
}

void WriteAdvice(Sheet& sheet, const v1::ListAdviceResponse& advice, const Formats& f) {
  sheet.Header(0, {"ID", "項目", "重要度", "状態", "内容", "期限", "方針見直し", "送付者",
                   "日時"});
  int row = 1;
  if (advice.advice().empty()) sheet.Text(row, 0, "(助言なし)");
  for (const v1::Advice& a : advice.advice()) {
    sheet.Text(row, 0, a.id());
    sheet.Text(row, 1, a.item_id().empty() ? "(全体)" : a.item_id());
    sheet.Text(row, 2, SeverityText(a.severity()));
    sheet.Text(row, 3, AdviceStateText(a.state()));
    sheet.Text(row, 4, a.text());
    sheet.Date(row, 5, a.due());
    sheet.Text(row, 6, a.policy_review_needed() ? "要 (第8)" : "-");
    sheet.Text(row, 7, a.author());
    sheet.Text(row, 8, FormatTimeUs(a.create_time_us()));
    ++row;
    for (const v1::AdviceEntry& entry : a.thread()) {
      sheet.Text(row, 3, absl::StrCat("└ ", AdviceEntryKindName(entry.kind())), f.thread);
      sheet.Text(row, 4, entry.text().empty() ? "-" : entry.text(), f.thread);
      sheet.Text(row, 7, entry.author(), f.thread);
      sheet.Text(row, 8, FormatTimeUs(entry.time_us()), f.thread);
      ++row;
    }
  }
  sheet.FitColumns(kMaxColumnWidth, {{4, 60}, {7, 36}});
  sheet.PrintSetup(/*landscape=*/true, /*has_table_header=*/true);
}

void WriteTrend(lxw_workbook* workbook, Sheet& sheet, const v1::Assessment& a,
                const v1::FederationStatus& federation) {
  sheet.Header(0, {"年度", "実施率", "状態"});
  const std::vector<v1::TrendPoint> points = TrendOf(a.organization(), federation);
  int row = 1;
  for (const v1::TrendPoint& point : points) {
    sheet.Text(row, 0, FormatFiscalYearOrNumber(point.fiscal_year()));
    if (!point.has_assessment()) {
      sheet.Text(row, 2, "点検なし (no assessment)");
    } else {
      v1::ResultCounts rate;
      rate.set_implementation_rate(point.implementation_rate());
      rate.set_has_rate(point.has_rate());
      sheet.Rate(row, 1, rate);
      sheet.Text(row, 2, AssessmentStateText(point.state()));
    }
    ++row;
  }
  lxw_chart* chart = workbook_add_chart(workbook, LXW_CHART_LINE);
  lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
  const lxw_row_t last = static_cast<lxw_row_t>(std::max<int>(1, row - 1));
  chart_series_set_categories(series, kReportTrendSheet, 1, 0, last, 0);
  chart_series_set_values(series, kReportTrendSheet, 1, 1, last, 1);
  chart_series_set_name(series, "実施率");
  chart_series_set_marker_type(series, LXW_CHART_MARKER_CIRCLE);
  chart_series_set_marker_size(series, 7);
  const std::string title = absl::StrCat("実施率の推移 (", a.organization(), ")");
  chart_title_set_name(chart, title.c_str());
  chart_axis_set_min(chart->y_axis, 0);
  chart_axis_set_max(chart->y_axis, 1);
  chart_axis_set_num_format(chart->y_axis, "0%");
  chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
  lxw_chart_options placement = {};
  placement.x_scale = 1.2;
  placement.y_scale = 1.2;
  worksheet_insert_chart_opt(sheet.get(), 1, 4, chart, &placement);
  sheet.FitColumns();
  sheet.PrintSetup(/*landscape=*/true, /*has_table_header=*/false);
}

}  // namespace

double ReportColumnWidth(const std::vector<std::string>& cells, double min_width,
                         double max_width) {
  int widest = 0;
  for (const std::string& cell : cells) {
    for (absl::string_view line : absl::StrSplit(cell, '\n')) {
      widest = std::max(widest, DisplayWidth(std::string_view(line.data(), line.size())));
    }
  }
  return std::clamp(static_cast<double>(widest) + 2, min_width, max_width);
}

absl::Status WriteAssessmentReport(const v1::Assessment& assessment,
                                   const v1::Checklist& checklist,
                                   const v1::ListAdviceResponse& advice,
                                   const v1::FederationStatus& federation,
                                   const std::string& path) {
  lxw_workbook* workbook = workbook_new(path.c_str());
  if (workbook == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat(path, ": cannot write the workbook"));
  }
  // libxlsxwriter's properties are char* it only reads.
  std::string title = absl::StrCat("自己点検報告書 ", assessment.id());
  std::string subject = absl::StrCat(assessment.organization(), " ",
                                     FormatFiscalYearOrNumber(assessment.fiscal_year()));
  std::string comments = "seccoord assessment report";
  lxw_doc_properties properties = {};
  properties.title = title.data();
  properties.subject = subject.data();
  properties.comments = comments.data();
  workbook_set_properties(workbook, &properties);

  const Formats formats = MakeFormats(workbook);
  Sheet cover(workbook, kReportCoverSheet, formats);
  Sheet items(workbook, kReportItemsSheet, formats);
  Sheet chapters(workbook, kReportChaptersSheet, formats);
  Sheet advice_sheet(workbook, kReportAdviceSheet, formats);
  Sheet trend(workbook, kReportTrendSheet, formats);
  WriteCover(cover, assessment, checklist, formats);
  WriteItems(items, assessment, checklist);
  WriteChapters(chapters, assessment, checklist, federation, formats);
  WriteAdvice(advice_sheet, advice, formats);
  WriteTrend(workbook, trend, assessment, federation);

  const lxw_error error = workbook_close(workbook);
  if (error != LXW_NO_ERROR) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot write the workbook (", lxw_strerror(error), ")"));
  }
  return absl::OkStatus();
}

}  // namespace seccoord::cli
