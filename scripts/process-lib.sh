# Process helpers shared by scripts/up and scripts/down (sourced, not run).

# alive PID: the process runs. A zombie — exited but not yet reaped by its
# new parent, as happens in containers whose init does not reap — does not.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(sed 's/^.*) \([A-Z]\).*/\1/' "/proc/$1/stat" 2>/dev/null || echo R)"
  [[ "$state" != Z ]]
}
