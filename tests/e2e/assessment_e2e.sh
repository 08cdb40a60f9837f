#!/usr/bin/env bash
# End-to-end: scripts/up on a fresh state folder starts the real
# seccoord-policyd, seccoord-assetd and seccoord-assessmentd and loads the
# sample 令和8年度 self-inspection (submitted by staff1, returned by advisor1
# with two advice items). The real CLI then runs the whole loop as the sample
# principals: the advisor lists it, the union shows it by chapter with its
# policy binding and the asset findings, a member is refused; the union
# answers the advice, exports the answer sheet, edits and fills it, submits;
# the advisor returns it with advice, the union responds and resubmits, the
# advisor accepts and closes the advice; watch shows every event in order;
# a member reads the federation view (the union's trend over 令和6–8年度, the
# other three without assessment) and the union's status, the union compares
# two years and writes the Excel report, whose cells openpyxl checks;
# the audit chain verifies; scripts/down leaves no process; a changed
# checklist file under the stored version stops a restart naming the item.
# Runs beside a developer's own suite: its own state folder and ports.
set -uo pipefail
source "$(dirname "$0")/e2e_lib.sh"
e2e_start_suite seccoord-assessment-e2e 17421 17422 17423
ID=kasama-union-2026-1

if grep -q "seeded the sample self-inspection $ID" "$SECCOORD_VAR/up.out"; then
  ok "scripts/up starts the three services and seeds the sample self-inspection"
else fail "scripts/up seeds the sample self-inspection"; cat "$SECCOORD_VAR/up.out"; fi
expect_ok "health of the assessment service" "assessment: SERVING" \
  cli --profile union-staff health --service assessment

# ---- Done when: the advisor sees the sample RETURNED with its advice.
expect_ok "advisor lists the sample 令和8年度 self-inspection as RETURNED" "RETURNED" \
  cli --profile kasama-advisor assessment list
expect_ok "the list shows the sample's id" "$ID" cli --profile kasama-advisor assessment list
advice_json="$(cli --profile kasama-advisor -o json assessment advice "$ID" 2>&1)"
if [[ "$(grep -c '"id": "ADV-' <<<"$advice_json")" == 2 ]]; then ok "the sample has two advice items"
else fail "the sample has two advice items"; echo "$advice_json" | head -n 20; fi
mapfile -t ADVICE < <(grep -o '"id": "ADV-[0-9]*"' <<<"$advice_json" | sed 's/.*"\(ADV-[0-9]*\)"/\1/')

# ---- The union shows it by chapter, with the binding and the findings.
hash="$(cli --profile union-staff -o json policy show basic-policy 2>/dev/null \
        | sed -n 's/^ *"contentHash": "\([0-9a-f]*\)".*/\1/p' | head -n1)"
show="$(cli --profile union-staff assessment show "$ID" 2>&1)"
if [[ -n "$hash" ]] && grep -q -- "$hash" <<<"$show"; then
  ok "show prints the binding's content hash (basic-policy revision 1)"
else fail "show prints the binding's content hash ($hash)"; echo "$show" | head -n 30; fi
for needle in "basic-policy" "組織体制" "評価・見直し" "SENSITIVE_MFA_EXPORT" "3-3"; do
  if grep -q -- "$needle" <<<"$show"; then ok "show prints $needle"
  else fail "show prints $needle"; fi
done
expect_fail "a member may not read the assessment" "PERMISSION_DENIED" \
  cli --profile mito-member assessment show "$ID"
expect_fail "a member may not list assessments" "PERMISSION_DENIED" \
  cli --profile mito-member assessment list
expect_fail "the union may not review its own assessment" "PERMISSION_DENIED" \
  cli --profile union-staff assessment review "$ID" --accept

# ---- The union answers the two advice items (an OPEN one cannot be closed).
expect_fail "closing OPEN advice is refused" "FAILED_PRECONDITION" \
  cli --profile kasama-advisor assessment close "${ADVICE[0]}"
for adv in "${ADVICE[@]}"; do
  expect_ok "union-staff responds to $adv" "ANSWERED" \
    cli --profile union-staff assessment respond "$adv" --text "令和8年12月中に対応します"
done

# ---- Export the sheet, change 3-3 in it, fill it back.
SHEET="$SECCOORD_VAR/sheet.csv"
expect_ok "export the answer sheet" "" cli --profile union-staff assessment sheet "$ID" --bom -f "$SHEET"
if [[ -s "$SHEET" ]] && python3 - "$SHEET" <<'EOF'
import csv, sys
path = sys.argv[1]
raw = open(path, encoding="utf-8-sig", newline="").read()
rows = list(csv.reader(raw.splitlines(keepends=True)))
head = rows[0]
def col(*names):
    for i, h in enumerate(head):
        if any(n in h for n in names):
            return i
    raise SystemExit("no column %s in %s" % (names, head))
ci, cr, cn, ca, co, cd = (col("item_id", "項目ID"), col("result", "結果"), col("note", "備考"),
                          col("action", "改善措置"), col("owner", "担当"), col("due", "期限"))
changed = 0
for r in rows[1:]:
    if r[ci].strip('="') == "3-3":
        r[cr] = "一部実施"
        r[cn] = "【e2e】予約システム端末2台のうち1台に導入済み"
        r[ca] = "残る1台に多要素認証を導入する"
        r[co] = "斎場係"
        r[cd] = "令和9年1月29日"
        changed += 1
if changed != 1:
    raise SystemExit("item 3-3 not found once")
with open(path, "w", encoding="utf-8-sig", newline="") as f:
    csv.writer(f, lineterminator="\r\n").writerows(rows)
EOF
then ok "the sheet has item 3-3 and is edited"; else fail "the sheet has item 3-3 and is edited"; fi
BAD="$SECCOORD_VAR/bad.csv"
printf 'item_id,result\r\n1-1,実施\r\n99-9,実施\r\n1-1,未実施\r\n' > "$BAD"
expect_fail "a sheet with an unknown and a duplicate item is refused with its lines" ":3:" \
  cli --profile union-staff assessment fill "$ID" "$BAD"
expect_ok "fill the edited sheet" "" cli --profile union-staff assessment fill "$ID" "$SHEET"
show="$(cli --profile union-staff assessment show "$ID" --item 3-3 2>&1)"
if grep -q "残る1台に多要素認証を導入する" <<<"$show"; then ok "the filled answer of 3-3 is stored"
else fail "the filled answer of 3-3 is stored"; echo "$show" | head -n 20; fi

# ---- Submit, return with advice, respond, resubmit, accept, close.
expect_ok "union-staff submits" "SUBMITTED" cli --profile union-staff assessment submit "$ID"
expect_fail "answering a SUBMITTED assessment is refused" "FAILED_PRECONDITION" \
  cli --profile union-staff assessment answer "$ID" 1-1 --result 実施 --note x
ADVICE_FILE="$SECCOORD_VAR/advice.yaml"
cat >"$ADVICE_FILE" <<'EOF'
- item: "3-3"
  text: "【e2e】残る1台の導入後、運用手順も整備してください。"
  severity: WARNING
EOF
expect_ok "kasama-advisor returns it with advice" "RETURNED" \
  cli --profile kasama-advisor assessment review "$ID" --return --comment "運用手順の整備を" \
  --advice-file "$ADVICE_FILE"
new_advice="$(cli --profile union-staff -o json assessment advice "$ID" --state OPEN 2>/dev/null \
              | grep -o '"id": "ADV-[0-9]*"' | sed 's/.*"\(ADV-[0-9]*\)"/\1/' | head -n1)"
if [[ -n "$new_advice" ]]; then ok "the new advice is OPEN"; else fail "the new advice is OPEN"; fi
expect_ok "union-staff responds" "ANSWERED" \
  cli --profile union-staff assessment respond "$new_advice" --text "手順書を令和9年2月に整備します"
expect_ok "union-staff resubmits" "SUBMITTED" cli --profile union-staff assessment submit "$ID"
expect_ok "kasama-advisor accepts" "ACCEPTED" cli --profile kasama-advisor assessment review "$ID" --accept
for adv in "${ADVICE[@]}" "$new_advice"; do
  expect_ok "kasama-advisor closes $adv" "CLOSED" cli --profile kasama-advisor assessment close "$adv"
done
expect_fail "an accepted assessment is locked" "FAILED_PRECONDITION" \
  cli --profile union-staff assessment answer "$ID" 1-1 --result 実施 --note x

# ---- Status, federation view and report (the sample history: 令和6・7年度
# accepted, 令和8年度 returned).
fed="$(cli --profile mito-member status federation --fy 2026 --years 3 2>&1)"
if grep -qE '^kasama-union +[0-9.]+% +[0-9.]+% +[0-9.]+%' <<<"$fed"; then
  ok "a member sees the union's 実施率 for 令和6–8年度"
else fail "a member sees the union's 実施率 for 令和6–8年度"; echo "$fed"; fi
for org in kasama-city mito-city shirosato-town; do
  if grep -qE "^$org +no assessment" <<<"$fed"; then ok "federation lists $org as having no assessment"
  else fail "federation lists $org as having no assessment"; fi
done
expect_ok "a member reads the union's status per chapter" "組織体制" \
  cli --profile mito-member status --org kasama-union --fy 2026
expect_fail "anonymous callers may not read the status" "UNAUTHENTICATED\|PERMISSION_DENIED" \
  cli --profile anonymous status --org kasama-union
expect_fail "a member may not compare assessments" "PERMISSION_DENIED" \
  cli --profile mito-member assessment compare kasama-union-2025-1 "$ID"
expect_ok "the union compares 令和7年度 with 令和8年度" "改善" \
  cli --profile union-staff assessment compare kasama-union-2025-1 "$ID"
REPORT="$SECCOORD_VAR/report.xlsx"
expect_ok "the union writes the Excel report" "" \
  cli --profile union-staff assessment report "$ID" -f "$REPORT"
PY=/usr/bin/python3; [[ -x $PY ]] || PY=python3
if "$PY" - "$REPORT" "$ID" <<'EOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == ["表紙", "点検結果", "章別集計", "助言", "推移"], wb.sheetnames
cover = {r[0]: r[1] for r in wb["表紙"].iter_rows(values_only=True) if r and r[0]}
assert cover.get("組織") == "kasama-union", cover
assert cover.get("年度") == "令和8年度", cover
assert cover.get("点検 ID") == sys.argv[2], cover
assert len(str(cover.get("内容ハッシュ", ""))) == 64, cover
items = [r for r in wb["点検結果"].iter_rows(values_only=True) if r and r[0] == "3-3"]
assert items and "一部実施" in " ".join(str(c) for c in items[0]), items
rates = [r for r in wb["章別集計"].iter_rows(values_only=True) if r and r[0] == 1]
assert rates and isinstance(rates[0][-1], float) and 0 <= rates[0][-1] <= 1, rates
assert len(wb["推移"]._charts) == 1
assert wb["表紙"].page_setup.paperSize == 9
EOF
then ok "the report's cells are checked with openpyxl"; else fail "the report's cells are checked with openpyxl"; fi

# ---- Watch: every event in order.
events="$(cli --profile kasama-advisor assessment watch --backlog 2>&1)"
order="$(grep -o 'ADVICE_SENT\|ADVICE_ANSWERED\|ADVICE_CLOSED\|ADVICE_REOPENED\|SUBMITTED\|RETURNED\|ACCEPTED\|REOPENED' <<<"$events" | tr '\n' ' ')"
want="SUBMITTED ACCEPTED SUBMITTED ACCEPTED SUBMITTED RETURNED ADVICE_SENT ADVICE_SENT ADVICE_ANSWERED ADVICE_ANSWERED SUBMITTED RETURNED ADVICE_SENT ADVICE_ANSWERED SUBMITTED ACCEPTED ADVICE_CLOSED ADVICE_CLOSED ADVICE_CLOSED "
if [[ "$order" == "$want" ]]; then ok "watch shows every event in order"
else fail "watch shows every event in order"; echo "got:  $order"; echo "want: $want"; fi

expect_ok "audit verify --service assessment" "intact\|OK\|verified" \
  cli --profile union-admin audit verify --service assessment

# ---- scripts/down leaves no process.
pids="$(cat "$SECCOORD_VAR"/run/*.pid 2>/dev/null)"
"$ROOT/scripts/down" >/dev/null 2>&1
alive_pids=""
for pid in $pids; do alive "$pid" && alive_pids="$alive_pids $pid"; done
if [[ -n "$pids" && -z "$alive_pids" ]]; then ok "scripts/down stops all three servers"
else fail "scripts/down stops all three servers (alive:$alive_pids)"; fi

# ---- A stored checklist is immutable: a changed file under its version is
# refused at start, naming the item, and the database is left as it was.
CHANGED="$SECCOORD_VAR/checklists"
mkdir -p "$CHANGED"
sed 's/多要素認証を導入していますか。/多要素認証を導入し、定期的に見直していますか。/' \
  "$ROOT/data/checklists/2026.1.yaml" >"$CHANGED/2026.1.yaml"
if cmp -s "$ROOT/data/checklists/2026.1.yaml" "$CHANGED/2026.1.yaml"; then
  fail "the checklist copy was changed"
else
  out="$(timeout 20 "$BIN/seccoord-assessmentd" --listen 127.0.0.1:17429 \
           --db "sqlite:$SECCOORD_VAR/assessmentd.db" --tls_cert "$SECCOORD_VAR/certs/assessmentd.crt" \
           --tls_key "$SECCOORD_VAR/certs/assessmentd.key" --tls_ca "$SECCOORD_VAR/certs/ca.crt" \
           --access_policy "$ROOT/deploy/access-policy.yaml" --checklists "$CHANGED" 2>&1)"
  code=$?
  if [[ $code -ne 0 ]] && grep -q "3-3" <<<"$out" && grep -q "immutable" <<<"$out"; then
    ok "a changed checklist under a stored version is refused at start naming the item"
  else fail "a changed checklist is refused at start (exit $code)"; echo "$out" | tail -n 5; fi
fi

e2e_summary
