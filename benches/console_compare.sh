#!/usr/bin/env bash
# Console throughput and echo latency, vmdeck against `virsh console`, on the same lab guest in
# one run. Each runs in tmux (a real terminal); the guest prints a flood then a marker, and we
# time until the marker is on the screen. Then we type one character and time until its echo
# shows. Floods ($SHAPES): "lines" ($BYTES bytes of 100-character lines), "oneline" (one
# line of $BYTES bytes), "short" ($LINES short lines, `seq`). The guest's serial line is the
# limit and its pace drifts with the machine's load, so the three take turns for $ROUNDS
# rounds. Prints every run, then medians and each vmdeck figure's ratio to virsh's; results
# go in benches/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
LAB_DIR=${LAB_DIR:-/var/tmp/vmdeck-lab}
VMDECK=${VMDECK:-./target/release/vmdeck}
BYTES=${BYTES:-1000000}
LINES=${LINES:-20000}
SHAPES=${SHAPES:-lines oneline short}
ROUNDS=${ROUNDS:-3}
VM=${VM:-lab2-web}
URI=$(bash lab/ctl.sh uri 2)
now_ms() { date +%s%3N; }

wait_for() { # session text timeout_s
  local deadline=$(( $(now_ms) + $3 * 1000 ))
  until tmux capture-pane -p -t "$1" | grep -qF -- "$2"; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "timeout waiting for $2 in $1" >&2; return 1; }
    sleep 0.01
  done
}

# flood SHAPE — the guest's command that prints it.
flood() {
  case $1 in
    lines) echo "yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijkl | head -c $BYTES" ;;
    oneline) echo "head -c $BYTES /dev/zero | tr '\\0' x; echo" ;;
    short) echo "seq 1 $LINES" ;;
  esac
}

declare -A took
median() { tr ' ' '\n' | sort -n | awk 'NF {a[++n]=$1} END {print a[int((n+1)/2)]}'; }

measure() { # session label
  local s=$1 label=$2 mark start end shape
  for shape in $SHAPES; do
    mark="-$RANDOM"
    # The typed line shows END''-123, the output END-123: only the output matches.
    tmux send-keys -t "$s" "clear; $(flood "$shape"); echo END''$mark" Enter
    start=$(now_ms)
    wait_for "$s" "END$mark" 900
    end=$(now_ms)
    took[$label/$shape]+=" $((end - start))"
    echo "$label: $shape flood to screen in $((end - start)) ms"
    tmux send-keys -t "$s" "clear" Enter; sleep 1
  done
  start=$(now_ms); tmux send-keys -t "$s" "Q"; wait_for "$s" "# Q" 10; end=$(now_ms)
  took[$label/echo]+=" $((end - start))"
  echo "$label: keystroke to echo $((end - start)) ms"
  tmux send-keys -t "$s" C-u
}

virsh_round() {
  tmux new -d -s cmp-virsh -x 160 -y 48 "virsh -c '$URI' console --force $VM"
  sleep 2; tmux send-keys -t cmp-virsh Enter; sleep 1
  measure cmp-virsh "virsh console"
  tmux kill-session -t cmp-virsh
}

console_round() {
  tmux new -d -s cmp-vmdeck -x 160 -y 48 "$VMDECK --config $LAB_DIR/vmdeck.toml console $VM"
  wait_for cmp-vmdeck "Connected to" 30; tmux send-keys -t cmp-vmdeck Enter; sleep 1
  measure cmp-vmdeck "vmdeck console"
  tmux kill-session -t cmp-vmdeck
}

# The console pane inside the full UI, zoomed (Enter ~ z).
pane_round() {
  tmux new -d -s cmp-vmdeck -x 160 -y 48 "$VMDECK --config $LAB_DIR/vmdeck.toml"
  wait_for cmp-vmdeck "$VM" 30
  tmux send-keys -t cmp-vmdeck "/$VM" Enter c
  wait_for cmp-vmdeck "attached" 30
  tmux send-keys -t cmp-vmdeck Enter "~" z; sleep 1
  measure cmp-vmdeck "vmdeck pane"
  tmux kill-session -t cmp-vmdeck
}

tmux kill-session -t cmp-virsh 2>/dev/null || true
tmux kill-session -t cmp-vmdeck 2>/dev/null || true
rounds=(virsh_round console_round pane_round)
for ((r = 0; r < ROUNDS; r++)); do
  # Each round starts with the next one, so none always runs first.
  for ((i = 0; i < 3; i++)); do "${rounds[(r + i) % 3]}"; done
done

echo "$(date -u +%F), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); guest $VM; medians of $ROUNDS"
for shape in $SHAPES echo; do
  b=$(median <<<"${took[virsh console/$shape]}")
  for label in "vmdeck console" "vmdeck pane"; do
    a=$(median <<<"${took[$label/$shape]}")
    awk -v a="$a" -v b="$b" -v l="$label" -v s="$shape" \
      'BEGIN { printf "%-8s %-15s %6d ms vs virsh %6d ms: %.2f×\n", s, l, a, b, a / b }'
  done
done
