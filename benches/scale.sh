#!/usr/bin/env bash
# Every fleet-scale budget of benches/README.md in one run, each beside what it is compared
# with (virsh, or the budget), then the lines that carry the figures and ratios:
#   idle CPU and bytes written: the lab's 3 hosts, 200 × 50 and 1,000 × 20 simulated hosts
#   keys: filter keystroke and PgDn over 10,000 domains, through the real binary in a PTY
#   Ctrl-] during a console flood of a lab guest
#   the lab behind $LAB_RTT_MS of RTT: first screen and list vs virsh list + domstats
#   1,000 simulated hosts × 20 domains: list, first screen, RSS vs virsh opening every host
#   a 1 MB line and 20,000 short lines through the console vs `virsh console`
#   the emulator's throughput (criterion, `cargo bench --bench console`)
# Needs the lab (`LAB_VMS=300 bash lab/up.sh` for the RTT budget) and a release build.
# `SKIP="idle console"` leaves parts out; IDLE_SECS (60) shortens the idle runs.
set -uo pipefail
cd "$(dirname "$0")/.."
export VMDECK=${VMDECK:-./target/release/vmdeck}
IDLE_SECS=${IDLE_SECS:-60}
SKIP=${SKIP:-}
LOG=${LOG:-/tmp/vmdeck-scale.log}
: >"$LOG"

part() { # part NAME COMMAND... — runs one part unless skipped, its output kept in the log
  local name=$1
  shift
  [[ " $SKIP " == *" $name "* ]] && return
  echo "== $name: $*" | tee -a "$LOG"
  "$@" 2>&1 | tee -a "$LOG"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || echo "== $name: exit $rc" | tee -a "$LOG"
}

echo "$(date -u '+%F %H:%M'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $VMDECK" | tee -a "$LOG"
part idle python3 benches/ui_pty.py idle --secs "$IDLE_SECS"
part idle python3 benches/ui_pty.py idle --secs "$IDLE_SECS" --sim 200x50
part idle python3 benches/ui_pty.py idle --secs "$IDLE_SECS" --sim 1000x20
part keys python3 benches/ui_pty.py keys
part escape python3 benches/ui_pty.py escape
part rtt bash benches/fleet_rtt.sh
part fleet bash benches/fleet_sim.sh
part console env SHAPES="oneline short" bash benches/console_compare.sh
part emulator cargo bench --locked --bench console -- --noplot

echo
echo "== summary (the whole output: $LOG)"
grep -E "^(idle over|filter|PgDn|Ctrl-\]|vmdeck first screen|vmdeck list|virsh|first screen /|oneline |short )|== .*: exit" "$LOG"
# criterion: a bench's name on its own line, its throughput indented below it
awk '/^console/ { name = $0 } /thrpt:/ { print name ": " $0 }' "$LOG" | sed 's/  */ /g'
