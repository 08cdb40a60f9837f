#!/usr/bin/env python3
"""Opens the workbook written by write_sample_report with openpyxl and checks
what a reader of `seccoord assessment report` relies on: the sheets, the
cover, an item row, the chapter summary's 実施率, an advice row with its
thread, the trend's chart, and the A4 page setup of every sheet.

Usage: check_report.py REPORT.xlsx   (exit 0 = every check passed)
"""
import sys

try:
    import openpyxl
except ImportError:
    sys.exit(f"check_report.py: {sys.executable} has no openpyxl; install python3-openpyxl "
             "(scripts/setup)")

SHEETS = ["表紙", "点検結果", "章別集計", "助言", "推移"]
CONTENT_HASH = "ab" * 32

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def row_where(ws, column, value):
    """The first row (tuple of cells) whose `column` (1-based) holds `value`."""
    for row in ws.iter_rows():
        if len(row) >= column and row[column - 1].value == value:
            return row
    return None


def main(path):
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == SHEETS, f"sheet names {wb.sheetnames}, expected {SHEETS}")
    if failures:
        return

    cover = wb["表紙"]
    cover_values = {row[0].value: row[1].value for row in cover.iter_rows(min_row=2) if len(row) > 1}
    check(cover_values.get("組織") == "kasama-union", f"cover 組織 = {cover_values.get('組織')!r}")
    check(cover_values.get("年度") == "令和8年度", f"cover 年度 = {cover_values.get('年度')!r}")
    check(cover_values.get("内容ハッシュ") == CONTENT_HASH,
          f"cover 内容ハッシュ = {cover_values.get('内容ハッシュ')!r}")
    check(cover_values.get("版") == "revision 3", f"cover 版 = {cover_values.get('版')!r}")
    check("令和8年4月1日" in str(cover_values.get("施行日")),
          f"cover 施行日 = {cover_values.get('施行日')!r}")

    items = wb["点検結果"]
    check(items["A1"].value == "項目" and items["D1"].value == "結果",
          f"items header {items['A1'].value!r} … {items['D1'].value!r}")
    item = row_where(items, 1, "3-1")
    check(item is not None, "no item row 3-1")
    if item is not None:
        check(item[3].value == "一部実施", f"3-1 結果 = {item[3].value!r}")
        check(item[4].value == "一部の端末のみ導入済み", f"3-1 備考 = {item[4].value!r}")
        check(item[5].value == "導入状況一覧; 書庫A-3", f"3-1 証跡 = {item[5].value!r}")
        check(item[7].value == "情報係", f"3-1 担当 = {item[7].value!r}")
        due = item[8].value
        check(hasattr(due, "year") and (due.year, due.month, due.day) == (2027, 3, 31),
              f"3-1 期限 = {due!r}")
    unanswered = row_where(items, 1, "3-2")
    check(unanswered is not None and unanswered[3].value == "未回答", "3-2 should be 未回答")

    chapters = wb["章別集計"]
    chapter = row_where(chapters, 2, "情報システム全体の強靭性の向上")
    check(chapter is not None, "no chapter row 情報システム全体の強靭性の向上")
    if chapter is not None:
        check(chapter[8].value == 0.25, f"chapter 3 実施率 = {chapter[8].value!r}")
        check("%" in chapter[8].number_format, f"実施率 format {chapter[8].number_format!r}")
    total = row_where(chapters, 2, "計")
    check(total is not None and total[8].value == 0.5,
          f"total 実施率 = {total[8].value if total else None!r}")

    advice = wb["助言"]
    first = row_where(advice, 1, "ADV-000001")
    check(first is not None, "no advice row ADV-000001")
    if first is not None:
        check(first[1].value == "3-1", f"advice item = {first[1].value!r}")
        check(first[4].value == "多要素認証の導入計画を示してください",
              f"advice text = {first[4].value!r}")
        thread = advice.cell(row=first[0].row + 1, column=5).value
        check(thread == "令和9年3月までに導入します", f"advice thread = {thread!r}")

    trend = wb["推移"]
    check(len(trend._charts) > 0, "推移 has no chart")
    check(trend["A2"].value == "令和4年度" and trend["B2"].value is None,
          f"trend first year {trend['A2'].value!r} {trend['B2'].value!r}")
    check(trend["A6"].value == "令和8年度" and trend["B6"].value == 0.5,
          f"trend last year {trend['A6'].value!r} {trend['B6'].value!r}")

    for name in SHEETS:
        ws = wb[name]
        check(int(ws.page_setup.paperSize or 0) == 9,
              f"{name}: paperSize {ws.page_setup.paperSize!r}, expected 9 (A4)")
        check(ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage,
              f"{name}: not fitted to the page")
    check(items.page_setup.orientation == "landscape", "点検結果 should be landscape")
    width = items.column_dimensions["C"].width
    check(width is not None and 20 <= width <= 52, f"question column width {width!r}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check_report.py REPORT.xlsx")
    main(sys.argv[1])
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if failures:
        sys.exit(1)
    print(f"ok: {sys.argv[1]}")
