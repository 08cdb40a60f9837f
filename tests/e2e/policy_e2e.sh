#!/usr/bin/env bash
# End-to-end: scripts/up on a fresh state folder starts the real
# seccoord-policyd, then the real CLI reads, imports, publishes, diffs and
# verifies as the sample principals; scripts/down must leave no process.
# Runs beside a developer's own suite: its own state folder and port.
set -uo pipefail
source "$(dirname "$0")/e2e_lib.sh"
# scripts/up starts the asset and assessment services too: keep them off the
# developer's ports.
e2e_start_suite seccoord-e2e 17401 17402 17403
ok "scripts/up starts the suite and seeds the basic policy"

# Reading the seed as a member: revision 1 in force since 令和8年4月1日, ten
# articles and the supplementary provision.
out="$(cli --profile mito-member policy show basic-policy --wareki 2>&1)"
if grep -q "令和8年4月1日" <<<"$out" && grep -q "第10" <<<"$out" && grep -q "附則\|附 則" <<<"$out" \
   && grep -q "情報セキュリティ実施手順の策定" <<<"$out"; then ok "member reads the basic policy in force"
else fail "member reads the basic policy in force"; echo "$out" | head -n 20; fi
expect_ok "json output is the protobuf JSON of the revision" '"number": "1"' \
  cli --profile mito-member -o json policy show basic-policy
expect_fail "member is refused the procedures" "PERMISSION_DENIED" \
  cli --profile mito-member policy show procedures
expect_ok "anonymous reads the published basic policy" "第1" \
  cli --profile anonymous policy show basic-policy
expect_fail "anonymous is refused the standards" "PERMISSION_DENIED" \
  cli --profile anonymous policy list standards
docs="$(cli --profile anonymous policy docs 2>&1)"
if grep -q "basic-policy" <<<"$docs" && ! grep -q "standards\|procedures" <<<"$docs"; then
  ok "anonymous lists only the basic policy"
else fail "anonymous lists only the basic policy"; echo "$docs"; fi

# A revision: staff imports an amended text, admin2 approves, admin1
# publishes it effective 令和9年4月1日.
amended="$SECCOORD_VAR/amended.txt"
sed 's/定期的又は必要に応じて自己点検を実施する。外部監査/毎年度及び必要に応じて自己点検を実施する。外部監査/' \
  "$ROOT/data/basic-policy-r8.txt" > "$amended"
expect_ok "staff imports an amended draft as revision 2" "^2$" \
  cli --profile union-staff policy import basic-policy "$amended" --summary "第7の点検頻度を明確化"
expect_fail "member is told the draft does not exist, as for a missing revision" \
  "NOT_FOUND.*has no revision 2" \
  cli --profile mito-member policy show basic-policy --revision 2
expect_fail "member gets the same for a revision that does not exist" \
  "NOT_FOUND.*has no revision 3" \
  cli --profile mito-member policy show basic-policy --revision 3
expect_fail "member cannot submit" "PERMISSION_DENIED" \
  cli --profile mito-member policy submit basic-policy 2
expect_ok "staff submits" "" cli --profile union-staff policy submit basic-policy 2
expect_fail "staff cannot approve" "PERMISSION_DENIED" \
  cli --profile union-staff policy approve basic-policy 2
expect_ok "admin2 approves" "" cli --profile union-admin2 policy approve basic-policy 2
expect_fail "impossible effective date is refused" "INVALID_ARGUMENT" \
  cli --profile union-admin policy publish basic-policy 2 --effective 2027-02-30
expect_fail "effective date before the published one is refused" "effective_date" \
  cli --profile union-admin policy publish basic-policy 2 --effective 2026-03-01
expect_ok "admin1 publishes effective R9.4.1" "" \
  cli --profile union-admin policy publish basic-policy 2 --effective R9.4.1
expect_ok "diff shows the changed article 第7" "第7" \
  cli --profile mito-member policy diff basic-policy 1 2
expect_ok "diff shows the added line" "毎年度及び必要に応じて" \
  cli --profile mito-member policy diff basic-policy 1 2
expect_ok "revision 1 is still in force today" "revision: *1 (PUBLISHED, in force)" \
  cli --profile mito-member policy show basic-policy --on 2026-11-25
expect_ok "revision 2 is in force on 2027-04-01" "毎年度及び必要に応じて" \
  cli --profile mito-member policy show basic-policy --on 令和9年4月1日
expect_ok "member verifies hashes and the chain" "OK" \
  cli --profile mito-member policy verify basic-policy
expect_ok "watch backlog shows the publication" "basic-policy" \
  cli --profile shirosato-member policy watch --once
expect_ok "member acknowledges revision 1" "" cli --profile mito-member policy ack basic-policy 1
expect_ok "coverage counts mito-city" "mito-city" cli --profile union-staff policy acks basic-policy 1
expect_ok "admin verifies the audit chain" "" cli --profile union-admin audit verify --service policy
expect_ok "the refusals are in the audit chain" "PERMISSION_DENIED" \
  cli --profile union-admin audit list --service policy
expect_fail "member may not read the audit chain" "PERMISSION_DENIED" \
  cli --profile mito-member audit list --service policy

# Importing other forms: a 例規-form document with a 目次, chapters, a
# branch article and two 附則 (tests/data/policy_text/reiki.txt), first seen
# with --dry-run (which creates nothing), then imported for real.
reiki="$ROOT/tests/data/policy_text/reiki.txt"
out="$(cli --profile union-staff policy import standards "$reiki" --dry-run 2>&1)"
if grep -q "第２条の２ *第2条の2 *（対象範囲）" <<<"$out" && grep -q "第２章　組織及び体制" <<<"$out" \
   && grep -q "附則2 *（令和９年告示第２号）" <<<"$out" && grep -q "13 provisions" <<<"$out"; then
  ok "dry run prints the outline of a 例規-form document"
else fail "dry run prints the outline of a 例規-form document"; echo "$out" | head -n 30; fi
expect_ok "dry run outline as JSON" '"number": "第2条の2"' \
  cli --profile union-staff -o json policy import standards "$reiki" --dry-run
if ! cli --profile union-staff policy list standards 2>&1 | grep -q "DRAFT"; then
  ok "dry run creates nothing"
else fail "dry run creates nothing"; fi
expect_ok "dry run reports dropped page furniture with its line" "line 13: - 1 - (page number)" \
  cli --profile union-staff policy import standards "$ROOT/tests/data/policy_text/sections.txt" --dry-run
doubtful="$SECCOORD_VAR/doubtful.txt"
printf '表題\n\n第1条 目的\n本文。\n第3条 飛び番\n本文。\n' > "$doubtful"
expect_fail "--strict refuses a document with warnings, naming the line" "line 5" \
  cli --profile union-staff policy import standards "$doubtful" --dry-run --strict
printf '表題\n第1条 目的\n本\0文。\n' > "$SECCOORD_VAR/nul.txt"
expect_fail "a NUL is refused naming its line, before the server" "line 3, character 2" \
  cli --profile union-staff policy import standards "$SECCOORD_VAR/nul.txt" --summary x
iconv -f UTF-8 -t CP932 "$reiki" > "$SECCOORD_VAR/reiki-sjis.txt"
out="$(cli --profile union-staff policy import standards "$SECCOORD_VAR/reiki-sjis.txt" \
         --summary "制定" 2>"$SECCOORD_VAR/import.err")"
if [[ "$out" == "1" ]] && grep -q "encoding: CP932" "$SECCOORD_VAR/import.err" \
   && grep -q "第９条" "$SECCOORD_VAR/import.err"; then
  ok "a Shift_JIS 例規-form document imports as draft 1 and the outline follows"
else fail "a Shift_JIS 例規-form document imports as draft 1 and the outline follows"
  echo "$out"; head -n 20 "$SECCOORD_VAR/import.err"; fi
expect_ok "the draft keeps the chapters" "第２章　組織及び体制" \
  cli --profile union-staff policy show standards --revision 1
expect_ok "the draft keeps the branch article" "第2条の2 （対象範囲）" \
  cli --profile union-staff policy show standards --revision 1
expect_ok "the draft's stored chapters come back" '"chapter": "第３章　対策"' \
  cli --profile union-staff -o json policy show standards --revision 1
expect_ok "the imported draft's content hash verifies" "OK" \
  cli --profile union-staff policy verify standards
# A second draft in which 第３条 moved to 第２章, imported with -o json: one
# JSON object with the created revision and the outline; the diff shows the
# chapter change.
moved="$SECCOORD_VAR/reiki-moved.txt"
sed -e '29d' -e '26i第２章　組織及び体制' "$reiki" > "$moved"
json="$(cli --profile union-staff -o json policy import standards "$moved" --summary "第３条を第２章へ" \
          2>"$SECCOORD_VAR/import-json.err")"
if /usr/bin/python3 - "$json" <<'EOF'
import json, sys
result = json.loads(sys.argv[1])
assert result["revision"]["number"] == "2", result["revision"]
articles = result["outline"]["articles"]
assert len(articles) == 13, len(articles)
assert articles[4]["number"] == "第3条" and articles[4]["chapter"] == "第２章　組織及び体制", articles[4]
EOF
then
  if [[ ! -s "$SECCOORD_VAR/import-json.err" ]]; then ok "import -o json prints the revision and the outline as one object"
  else fail "import -o json prints the revision and the outline as one object (stderr not empty)"
    head -n 5 "$SECCOORD_VAR/import-json.err"; fi
else fail "import -o json prints the revision and the outline as one object"; echo "$json" | head -n 20; fi
expect_ok "diff shows an article moved to another chapter" "章: 第１章　総則 → 第２章　組織及び体制" \
  cli --profile union-staff policy diff standards 1 2
expect_ok "the seed's published revisions still verify" "OK" \
  cli --profile mito-member policy verify basic-policy

pid="$(cat "$SECCOORD_VAR/run/policyd.pid")"
if (cd "$ROOT" && scripts/down) >/dev/null 2>&1 && ! alive "$pid"; then
  ok "scripts/down stops the server"
else fail "scripts/down stops the server"; fi
if grep -q '"method"' "$SECCOORD_VAR/log/policyd.log"; then ok "one JSON log line per RPC"
else fail "one JSON log line per RPC"; fi

e2e_summary
