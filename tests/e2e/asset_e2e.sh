#!/usr/bin/env bash
# End-to-end: scripts/up on a fresh state folder starts the real
# seccoord-policyd and seccoord-assetd and loads the sample inventory; the
# real CLI then reads findings, adds, lists, updates, retires and exports as
# the sample principals; the export is imported into a second seccoord-assetd
# on an empty database and exported again byte for byte; an edited export is
# imported back with --update (the spreadsheet round trip); scripts/down must
# leave no process. Runs beside a developer's own suite: its own state folder
# and ports.
set -uo pipefail
source "$(dirname "$0")/e2e_lib.sh"
SECOND_ADDR="127.0.0.1:${E2E_SECOND_ASSET_PORT:-17413}"
e2e_start_suite seccoord-asset-e2e 17411 17412 17414
SECOND_CONFIG="$SECCOORD_VAR/second.yaml"

cli2() { "$BIN/seccoord" --config "$SECOND_CONFIG" "$@"; }

# count_assets CLI...: the number of assets a list shows (every lifecycle),
# or "failed" when the list itself fails.
count_assets() {
  local out
  out="$("$@" -o json asset list 2>/dev/null)" || { echo failed; return; }
  grep -c '"id": "A-' <<<"$out"
}

if grep -q "seeded the sample inventory: imported" "$SECCOORD_VAR/up.out" \
   && [[ -f "$SECCOORD_VAR/.seeded-asset" ]]; then
  ok "scripts/up starts both services and imports the sample inventory"
else fail "scripts/up starts both services and imports the sample inventory"; cat "$SECCOORD_VAR/up.out"; fi
expect_ok "health of the asset service" "asset: SERVING" cli --profile union-staff health --service asset
# A second scripts/up finds both running and seeds nothing twice.
if (cd "$ROOT" && scripts/up) >"$SECCOORD_VAR/up2.out" 2>&1 \
   && grep -q "assetd already running" "$SECCOORD_VAR/up2.out" \
   && ! grep -q "seeded" "$SECCOORD_VAR/up2.out"; then
  ok "scripts/up again: already running, seeded once"
else fail "scripts/up again: already running, seeded once"; cat "$SECCOORD_VAR/up2.out"; fi

# Done when: the sample inventory's findings with their articles.
findings="$(cli --profile union-staff asset findings 2>&1)"
missing=""
for article in "第6(3)ア" "第6(3)イ" "第6(8)" "第6(4)"; do
  grep -q -- "$article" <<<"$findings" || missing="$missing $article"
done
for rule in SENSITIVE_MFA_EXPORT SENSITIVE_CROSS_SEGMENT INTERNET_MONITORING \
            TERMS_BASED_CONFIDENTIAL AVAILABILITY_BACKUP LOCATION_MISSING RETIRED_MEDIA_ERASURE; do
  grep -q -- "$rule" <<<"$findings" || missing="$missing $rule"
done
if [[ -z "$missing" ]]; then ok "staff lists the sample findings with their articles (every rule)"
else fail "staff lists the sample findings with their articles (missing:$missing)"; echo "$findings"; fi
expect_ok "findings summary counts per rule" "TERMS_BASED_CONFIDENTIAL" \
  cli --profile union-staff asset summary

# Who may see and change the inventory.
expect_fail "member is refused the asset list" "PERMISSION_DENIED" \
  cli --profile mito-member asset list
expect_fail "member is refused the findings" "PERMISSION_DENIED" \
  cli --profile shirosato-member asset findings
expect_fail "anonymous is refused the asset list" "UNAUTHENTICATED\|PERMISSION_DENIED" \
  cli --profile anonymous asset list
expect_ok "advisor lists the assets" "斎場予約管理システム" cli --profile kasama-advisor asset list
expect_fail "advisor may not add an asset" "PERMISSION_DENIED" \
  cli --profile kasama-advisor asset add --name 不可 --category EQUIPMENT --segment NONE \
    --confidentiality 1 --integrity 1 --availability 1
expect_fail "a bad enum value is a usage error naming the flag" "--segment: unknown value" \
  cli --profile union-staff asset add --name x --category EQUIPMENT --segment DMZ \
    --confidentiality 1 --integrity 1 --availability 1
expect_fail "an out-of-scope segment is refused naming 第6" "FAILED_PRECONDITION.*第6" \
  cli --profile union-staff asset add --name LGWAN端末 --category EQUIPMENT --segment LGWAN接続系 \
    --confidentiality 2 --integrity 1 --availability 1

# Staff adds a server from YAML and a USB stick from flags.
cat >"$SECCOORD_VAR/server.yaml" <<'EOF'
name: 斎場予約サーバ（e2e）
category: 機器
segment: 機微情報取扱系
confidentiality: 3B
integrity: 2
availability: 2
custodian: 事務局 業務係
location: 斎場 事務室 サーバラック
controls: {mfa: true, export_blocked: true, encryption: true, backup: true}
external_service: CONTRACTED
external_service_name: 保守委託業者
connections:
  - {asset_id: A-000001, approved: false, note: 同一領域}
notes: e2e で追加
EOF
server_id="$(cli --profile union-staff asset add -f "$SECCOORD_VAR/server.yaml" 2>/dev/null)"
if [[ "$server_id" =~ ^A-[0-9]+$ ]]; then ok "staff adds an asset from YAML and gets its id ($server_id)"
else fail "staff adds an asset from YAML (got '$server_id')"; fi
usb_id="$(cli --profile union-staff asset add --name "USBメモリ（e2e）" --category STORAGE_MEDIA \
  --segment NONE --confidentiality 2 --integrity 1 --availability 1 --location 施錠キャビネット \
  --custodian 事務局 2>/dev/null)"
if [[ "$usb_id" =~ ^A-[0-9]+$ && "$usb_id" != "$server_id" ]]; then ok "staff adds a USB stick from flags ($usb_id)"
else fail "staff adds a USB stick from flags (got '$usb_id')"; fi
expect_ok "the new asset is listed" "斎場予約サーバ（e2e）" \
  cli --profile union-staff asset list --segment SENSITIVE --category EQUIPMENT
expect_ok "show prints its fields" "保守委託業者" cli --profile union-staff asset show "$server_id"
expect_ok "json output is the protobuf JSON of the asset" "\"id\": \"$server_id\"" \
  cli --profile union-staff -o json asset show "$server_id"

# Update with the etag that show printed; a stale etag is refused.
etag="$(cli --profile union-staff asset show "$usb_id" | sed -n 's/^etag: *//p')"
expect_ok "staff updates with the current etag" "updated $usb_id" \
  cli --profile union-staff asset update "$usb_id" --etag "$etag" --encryption --notes "暗号化済み"
expect_fail "an update with the stale etag is refused" "ABORTED" \
  cli --profile union-staff asset update "$usb_id" --etag "$etag" --location 金庫
expect_fail "advisor may not update" "PERMISSION_DENIED" \
  cli --profile kasama-advisor asset update "$usb_id" --etag "$etag" --location 金庫
expect_ok "the update is stored" "encryption yes" cli --profile union-staff asset show "$usb_id"

# Retire: a USB stick of 機密性2 needs the erasure method and a witness.
expect_fail "retiring a 機密性2 USB stick without a witness is refused" "witness" \
  cli --profile union-staff asset retire "$usb_id" --date 2026-11-25 --erasure 物理破壊
expect_ok "retiring it with the disposal record succeeds" "retired $usb_id" \
  cli --profile union-staff asset retire "$usb_id" --date 令和8年11月25日 --erasure 物理破壊 --witness 鈴木
expect_ok "the disposal record is shown" "物理破壊" cli --profile union-staff asset show "$usb_id"
expect_ok "retired assets are listed by lifecycle" "$usb_id" \
  cli --profile union-staff asset list --lifecycle RETIRED
history="$(cli --profile union-staff asset history "$usb_id" 2>&1)"
if grep -q "CREATED" <<<"$history" && grep -q "UPDATED" <<<"$history" \
   && grep -q "RETIRED" <<<"$history" && grep -q "staff1" <<<"$history" \
   && grep -q "encryption" <<<"$history"; then ok "history shows who changed which fields"
else fail "history shows who changed which fields"; echo "$history"; fi
expect_ok "findings for one asset" "$server_id\|no findings" \
  cli --profile union-staff asset findings --asset "$server_id"
expect_ok "the denials are in the asset audit chain" "PERMISSION_DENIED" \
  cli --profile union-admin audit list --service asset
expect_ok "the asset audit chain is intact" "intact" \
  cli --profile union-admin audit verify --service asset

# Export, then import into a second assetd on an empty database.
export1="$SECCOORD_VAR/export1.csv"
expect_ok "staff exports the inventory" "exported" \
  cli --profile union-staff asset export --bom --include-retired -f "$export1"
if [[ "$(head -c 3 "$export1" | od -An -tx1 | tr -d ' ')" == "efbbbf" ]] \
   && grep -q "斎場予約サーバ（e2e）" "$export1"; then ok "the export starts with a BOM and holds the new asset"
else fail "the export starts with a BOM and holds the new asset"; fi
cli --profile union-staff asset export --bom --include-retired >"$SECCOORD_VAR/export1-stdout.csv" 2>/dev/null
if cmp -s "$export1" "$SECCOORD_VAR/export1-stdout.csv"; then ok "export to stdout and to a file are the same bytes"
else fail "export to stdout and to a file are the same bytes"; fi

sed "s|asset: $SECCOORD_ASSET_ADDR|asset: $SECOND_ADDR|" "$CONFIG" >"$SECOND_CONFIG"
nohup "$BIN/seccoord-assetd" --listen "$SECOND_ADDR" --db "sqlite:$SECCOORD_VAR/assetd2.db" \
  --tls_cert "$SECCOORD_VAR/certs/assetd.crt" --tls_key "$SECCOORD_VAR/certs/assetd.key" \
  --tls_ca "$SECCOORD_VAR/certs/ca.crt" --access_policy "$ROOT/deploy/access-policy.yaml" \
  >>"$SECCOORD_VAR/log/assetd2.log" 2>&1 &
echo $! >"$SECCOORD_VAR/run/assetd2.pid"  # scripts/down stops it with the others
for _ in $(seq 1 100); do
  cli2 --profile union-admin health --service asset >/dev/null 2>&1 && break
  sleep 0.1
done
expect_ok "a second assetd on an empty database is SERVING" "SERVING" \
  cli2 --profile union-admin health --service asset
if [[ "$(count_assets cli2 --profile union-staff)" == 0 ]]; then ok "the second database is empty"
else fail "the second database is empty"; fi
expect_ok "the export imports into the empty database" "imported" \
  cli2 --profile union-staff asset import "$export1"
export2="$SECCOORD_VAR/export2.csv"
cli2 --profile union-staff asset export --bom --include-retired -f "$export2" >/dev/null 2>&1
if cmp -s "$export1" "$export2"; then ok "re-exported CSV is byte-identical to the first export"
else fail "re-exported CSV is byte-identical to the first export"; diff "$export1" "$export2" | head -n 10; fi
list1="$(cli --profile union-staff asset list 2>&1)"
list2="$(cli2 --profile union-staff asset list 2>&1)"
if [[ "$list1" == "$list2" ]]; then ok "both services list the same inventory"
else fail "both services list the same inventory"; diff <(echo "$list1") <(echo "$list2") | head; fi
f1="$(cli --profile union-staff asset findings 2>&1)"
f2="$(cli2 --profile union-staff asset findings 2>&1)"
if [[ "$f1" == "$f2" ]]; then ok "both services report the same findings"
else fail "both services report the same findings"; diff <(echo "$f1") <(echo "$f2") | head; fi

# A CSV whose last row is bad imports nothing, and says which line and column.
before="$(count_assets cli2 --profile union-staff)"
printf '%s\n' "名称,分類,領域,機密性,完全性,可用性,設置場所" \
  "e2e追加1,機器,なし,1,1,1,書庫" \
  "\"e2e追加2, カンマ入り\",記録媒体,なし,2,1,1,金庫" \
  "e2e追加3,情報,なし,1,1,1," \
  "e2e不正,機器,なし,4,1,1,書庫" >"$SECCOORD_VAR/bad-last.csv"
out="$(cli2 --profile union-staff asset import "$SECCOORD_VAR/bad-last.csv" 2>&1)"; code=$?
if [[ $code -eq 1 ]] && grep -q "line 5, column 機密性" <<<"$out" \
   && [[ "$(grep -c '^line ' <<<"$out")" == 1 ]]; then ok "a bad last row is reported with line and column, exit 1"
else fail "a bad last row is reported with line and column, exit 1 (exit $code)"; echo "$out"; fi
if [[ "$(count_assets cli2 --profile union-staff)" == "$before" ]]; then ok "a CSV whose last row is bad imports nothing"
else fail "a CSV whose last row is bad imports nothing"; fi
head -n 4 "$SECCOORD_VAR/bad-last.csv" >"$SECCOORD_VAR/good.csv"
expect_ok "dry run reports without writing" "dry run: 3 rows" \
  cli2 --profile union-staff asset import "$SECCOORD_VAR/good.csv" --dry-run
if [[ "$(count_assets cli2 --profile union-staff)" == "$before" ]]; then ok "the dry run wrote nothing"
else fail "the dry run wrote nothing"; fi
if iconv -f UTF-8 -t CP932 "$SECCOORD_VAR/good.csv" >"$SECCOORD_VAR/good-sjis.csv" 2>/dev/null; then
  expect_ok "a Shift_JIS (CP932) file imports" "imported 3 assets (encoding CP932)" \
    cli2 --profile union-staff asset import "$SECCOORD_VAR/good-sjis.csv" --encoding cp932
  expect_ok "its Japanese names arrive intact" "e2e追加2, カンマ入り" cli2 --profile union-staff asset list
fi

# The spreadsheet round trip on the first assetd: export, edit as an office
# would in Excel (one asset's location, a new row without id; the retired
# USB stick's row untouched), import --update.
sheet="$SECCOORD_VAR/sheet.csv"
cli --profile union-staff asset export --include-retired -f "$sheet" >/dev/null 2>&1
assets_before="$(count_assets cli --profile union-staff)"
/usr/bin/python3 - "$sheet" "$server_id" <<'EOF'
import csv, sys
path, server_id = sys.argv[1], sys.argv[2]
with open(path, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
fields = list(rows[0].keys())
for row in rows:
    if row["id"] == server_id:
        row["location"] = "斎場 事務室 新ラック"
new = {k: "" for k in fields}
new.update(name="e2e 往復で追加", category="INFORMATION", segment="NONE",
           confidentiality="2", integrity="1", availability="1")
rows.append(new)
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=fields, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
EOF
dry="$(cli --profile union-staff asset import "$sheet" --update --dry-run 2>&1)"
if grep -q "UPDATE $server_id (location)" <<<"$dry" && grep -q "CREATE (new id)" <<<"$dry" \
   && grep -q "UNCHANGED $usb_id" <<<"$dry" \
   && grep -q "dry run: 2 rows would be imported: 1 created, 1 updated" <<<"$dry"; then
  ok "import --update --dry-run says per row what would change"
else fail "import --update --dry-run says per row what would change"; echo "$dry"; fi
if [[ "$(count_assets cli --profile union-staff)" == "$assets_before" ]]; then ok "the dry run of the update wrote nothing"
else fail "the dry run of the update wrote nothing"; fi
expect_ok "import --update stores the edited sheet" "imported 2 assets: 1 created, 1 updated" \
  cli --profile union-staff asset import "$sheet" --update
expect_ok "the edited location is stored" "新ラック" cli --profile union-staff asset show "$server_id"
expect_ok "the retired row stayed retired" "RETIRED" cli --profile union-staff asset show "$usb_id"
if [[ "$(count_assets cli --profile union-staff)" == "$((assets_before + 1))" ]]; then ok "the row without id created one asset"
else fail "the row without id created one asset"; fi
expect_fail "the same sheet again is stale: a row error naming the etag, nothing stored" \
  "column etag: $server_id has changed since this row was exported" \
  cli --profile union-staff asset import "$sheet" --update
if [[ "$(count_assets cli --profile union-staff)" == "$((assets_before + 1))" ]]; then ok "the stale import stored nothing"
else fail "the stale import stored nothing"; fi
expect_fail "without --update an existing id is a row error" "already exists" \
  cli --profile union-staff asset import "$sheet"

# scripts/down stops every server, the second assetd included.
pids="$(cat "$SECCOORD_VAR"/run/*.pid)"
if (cd "$ROOT" && scripts/down) >/dev/null 2>&1; then
  alive_pids=""
  for pid in $pids; do alive "$pid" && alive_pids="$alive_pids $pid"; done
  if [[ -z "$alive_pids" ]]; then ok "scripts/down leaves no process"
  else fail "scripts/down leaves no process (alive:$alive_pids)"; fi
else fail "scripts/down leaves no process (scripts/down failed)"; fi
if grep -q '"method"' "$SECCOORD_VAR/log/assetd.log"; then ok "one JSON log line per RPC"
else fail "one JSON log line per RPC"; fi

e2e_summary
