# Shared helpers of the e2e scripts (sourced, not run). Each check prints
# PASS/FAIL and counts; the script ends with e2e_summary, which prints
# "N passed, M failed" and fails when anything failed.
failures=0
passes=0

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
