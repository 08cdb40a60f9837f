#!/usr/bin/env bash
# End-to-end operations, as an operator meets them, with the real binaries:
# one server per address (a second instance and a second scripts/up are
# refused, and the first keeps serving), SIGTERM with an open watch stream
# (the server stops at once, the watcher gets UNAVAILABLE with its resume
# point, the log says so), and a database file emptied behind the server's
# back (refused at the next start, naming the file, never taken for new).
set -uo pipefail
source "$(dirname "$0")/e2e_lib.sh"
e2e_start_suite seccoord-ops-e2e 17431 17432 17433
ok "scripts/up starts the suite"

# A second instance of policyd on the busy address exits non-zero and says why.
other="$(mktemp -d /tmp/seccoord-ops-other.XXXXXX)"
out="$("$BIN/seccoord-policyd" --listen "$SECCOORD_POLICY_ADDR" --db "sqlite:$other/policyd.db" \
        --tls_cert "$SECCOORD_VAR/certs/policyd.crt" --tls_key "$SECCOORD_VAR/certs/policyd.key" \
        --tls_ca "$SECCOORD_VAR/certs/ca.crt" --access_policy "$ROOT/deploy/access-policy.yaml" 2>&1)"
rc=$?
if [[ $rc -ne 0 ]] && grep -q "address already in use" <<<"$out"; then
  ok "a second policyd on a busy address exits $rc naming the cause"
else fail "a second policyd on a busy address is refused (rc $rc)"; echo "$out" | tail -n 5; fi

# A second scripts/up with another state folder on the same addresses: refused.
out="$(cd "$ROOT" && SECCOORD_VAR="$other" scripts/up 2>&1)"
rc=$?
if [[ $rc -ne 0 ]] && grep -q "already in use by another process" <<<"$out" &&
   ! grep -q "SERVING" <<<"$out"; then
  ok "a second scripts/up on busy addresses fails instead of reporting SERVING"
else fail "a second scripts/up on busy addresses is refused (rc $rc)"; echo "$out" | tail -n 5; fi
rm -rf "$other"
expect_ok "the first policyd still serves its own data" "basic-policy" \
  cli --profile mito-member policy docs

# SIGTERM with a live watch open (drain timeout: the default 10 s).
watch_out="$SECCOORD_VAR/watch.out"
cli --profile shirosato-member policy watch >"$watch_out" 2>&1 &
watch_pid=$!
# The watch is open once it has printed the stored publication (its backlog).
for _ in $(seq 1 200); do grep -q "basic-policy" "$watch_out" && break; sleep 0.05; done
grep -q "basic-policy" "$watch_out" || fail "the watch printed its backlog before SIGTERM"
pid="$(cat "$SECCOORD_VAR/run/policyd.pid")"
log="$SECCOORD_VAR/log/policyd.log"
kill -TERM "$pid"
for _ in $(seq 1 200); do grep -q "policyd stopped" "$log" && break; sleep 0.05; done
# From the server's own log: the time from the signal to the end of its exit
# path (a zombie may linger, unreaped, after that in a container).
log_time_ms() { date -d "$(grep "$1" "$log" | tail -n 1 | sed 's/^{"time":"\([^"]*\)".*/\1/')" +%s%3N; }
if grep -q "policyd stopped" "$log"; then
  took_ms=$(( $(log_time_ms "policyd stopped") - $(log_time_ms "received SIGTERM") ))
else took_ms=99999; fi
# Well under the 10 s drain timeout that a watch holding the drain would take
# (about 40 ms here; the bound leaves room for a slow machine).
if [[ $took_ms -lt 5000 ]]; then
  ok "policyd with an open watch stops ${took_ms} ms after SIGTERM (drain timeout 10 s)"
else fail "policyd with an open watch stops long before the 10 s drain timeout (${took_ms} ms)"; fi
wait "$watch_pid"; watch_rc=$?
if [[ $watch_rc -ne 0 ]] && grep -q "UNAVAILABLE" "$watch_out" && grep -q "resume with --since" "$watch_out"; then
  ok "the watcher gets UNAVAILABLE with its resume point"
else fail "the watcher gets UNAVAILABLE with its resume point (rc $watch_rc)"; cat "$watch_out"; fi
if grep '"method":"/seccoord.v1.PolicyService/WatchRevisionEvents"' "$SECCOORD_VAR/log/policyd.log" |
   tail -n 1 | grep -q '"code":"UNAVAILABLE"'; then
  ok "the log records the watch as ended UNAVAILABLE"
else fail "the log records the watch's real outcome"; grep WatchRevision "$SECCOORD_VAR/log/policyd.log" | tail -n 2; fi

# The database file emptied while the server was down: refused at start.
# "policyd stopped" is logged before the database is closed (WAL checkpoint,
# clean-close stamp): wait for the process to be gone (or a zombie) first.
# (alive, from scripts/process-lib.sh, takes a zombie for gone.)
for _ in $(seq 1 400); do alive "$pid" || break; sleep 0.05; done
alive "$pid" && fail "policyd exited after SIGTERM"
: >"$SECCOORD_VAR/policyd.db"
rm -f "$SECCOORD_VAR/policyd.db-wal" "$SECCOORD_VAR/policyd.db-shm"
out="$(cd "$ROOT" && scripts/up 2>&1)"
rc=$?
if [[ $rc -ne 0 ]] && grep -q "policyd.db is an empty file" <<<"$out"; then
  ok "an emptied database file is refused at start, naming it"
else fail "an emptied database file is refused at start (rc $rc)"; echo "$out" | tail -n 8; fi
if [[ ! -s "$SECCOORD_VAR/policyd.db" ]]; then ok "the refused file is left as it was"
else fail "the refused file is left as it was"; fi

e2e_summary
