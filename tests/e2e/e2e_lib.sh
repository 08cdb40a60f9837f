# Shared helpers of the e2e scripts (sourced, not run). A script starts the
# suite with e2e_start_suite; each check prints PASS/FAIL and counts; the
# script ends with e2e_summary, which prints "N passed, M failed" and fails
# when anything failed.
failures=0
passes=0
# alive PID (the project's own test of a running process, zombies excluded).
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/process-lib.sh"

# e2e_start_suite PREFIX POLICY_PORT ASSET_PORT ASSESSMENT_PORT: scripts/up on
# a fresh state folder /tmp/PREFIX.XXXXXX (SECCOORD_VAR) with the services on
# 127.0.0.1 at the given ports (E2E_POLICY_PORT, E2E_ASSET_PORT and
# E2E_ASSESSMENT_PORT override them), from the binaries already built in
# $SECCOORD_BINARY_DIR/bin (no build). Sets ROOT, BIN and CONFIG; at exit
# scripts/down runs and the state folder is removed. scripts/up's output is
# left in $SECCOORD_VAR/up.out; when scripts/up fails, it and the tails of the
# service logs are printed and the script exits with "0 passed, 1 failed".
e2e_start_suite() {
  ROOT="${SECCOORD_SOURCE_DIR:?}"
  export SECCOORD_VAR="$(mktemp -d "/tmp/$1.XXXXXX")"
  export SECCOORD_POLICY_ADDR="127.0.0.1:${E2E_POLICY_PORT:-$2}"
  export SECCOORD_ASSET_ADDR="127.0.0.1:${E2E_ASSET_PORT:-$3}"
  export SECCOORD_ASSESSMENT_ADDR="127.0.0.1:${E2E_ASSESSMENT_PORT:-$4}"
  export SECCOORD_SKIP_BUILD=1
  export SECCOORD_BIN="${SECCOORD_BINARY_DIR:?}/bin"
  BIN="$SECCOORD_BIN"
  CONFIG="$SECCOORD_VAR/seccoord.yaml"
  trap e2e_cleanup EXIT
  if ! (cd "$ROOT" && scripts/up) >"$SECCOORD_VAR/up.out" 2>&1; then
    cat "$SECCOORD_VAR/up.out"; tail -n 30 "$SECCOORD_VAR"/log/*.log 2>/dev/null
    echo "0 passed, 1 failed"; exit 1
  fi
}

e2e_cleanup() {
  "$ROOT/scripts/down" >/dev/null 2>&1 || true
  rm -rf "$SECCOORD_VAR"
}

# cli ARGS...: the real CLI with the suite's configuration.
cli() { "$BIN/seccoord" --config "$CONFIG" "$@"; }

ok() { echo "PASS: $1"; passes=$((passes + 1)); }
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

# expect_ok NAME PATTERN CMD...: the command succeeds and prints PATTERN.
expect_ok() {
  local name="$1" pattern="$2"; shift 2
  local out
  if out="$("$@" 2>&1)" && grep -q -- "$pattern" <<<"$out"; then ok "$name"
  else fail "$name"; echo "$out" | head -n 20; fi
}

# expect_fail NAME PATTERN CMD...: the command fails and prints PATTERN.
expect_fail() {
  local name="$1" pattern="$2"; shift 2
  local out
  if out="$("$@" 2>&1)"; then fail "$name (succeeded)"; echo "$out" | head -n 10
  elif grep -q -- "$pattern" <<<"$out"; then ok "$name"
  else fail "$name"; echo "$out" | head -n 10; fi
}

e2e_summary() {
  echo "$passes passed, $failures failed"
  [[ $failures -eq 0 ]]
}
