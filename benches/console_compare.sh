#!/usr/bin/env bash
# Console throughput and echo latency, vmdeck against `virsh console`, on the same lab guest in
# one run. Both run in tmux (a real terminal); the guest prints $BYTES bytes then a marker,
# and we time until the marker is on the screen. Then we type one character and time until
# its echo shows. Prints milliseconds; results go in benches/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
LAB_DIR=${LAB_DIR:-/var/tmp/vmdeck-lab}
VMDECK=${VMDECK:-./target/release/vmdeck}
BYTES=${BYTES:-5000000}
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

measure() { # session label
  local s=$1 label=$2 mark start end
  mark="-$RANDOM"
  # The typed line shows END''-123, the output END-123: only the output matches.
  tmux send-keys -t "$s" "clear; yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijkl | head -c $BYTES; echo END''$mark" Enter
  start=$(now_ms)
  wait_for "$s" "END$mark" 900
  end=$(now_ms)
  echo "$label: $BYTES bytes to screen in $((end - start)) ms"
  tmux send-keys -t "$s" "clear" Enter; sleep 1
  start=$(now_ms); tmux send-keys -t "$s" "Q"; wait_for "$s" "# Q" 10; end=$(now_ms)
  echo "$label: keystroke to echo $((end - start)) ms"
  tmux send-keys -t "$s" C-u
}

tmux kill-session -t cmp-virsh 2>/dev/null || true
tmux kill-session -t cmp-vmdeck 2>/dev/null || true
tmux new -d -s cmp-virsh -x 160 -y 48 "virsh -c '$URI' console --force $VM"
sleep 2; tmux send-keys -t cmp-virsh Enter; sleep 1
measure cmp-virsh "virsh console"
tmux kill-session -t cmp-virsh

tmux new -d -s cmp-vmdeck -x 160 -y 48 "$VMDECK --config $LAB_DIR/vmdeck.toml console $VM"
wait_for cmp-vmdeck "Connected to" 30; tmux send-keys -t cmp-vmdeck Enter; sleep 1
measure cmp-vmdeck "vmdeck console"
tmux kill-session -t cmp-vmdeck

# The console pane inside the full UI, zoomed (Enter ~ z).
tmux new -d -s cmp-vmdeck -x 160 -y 48 "$VMDECK --config $LAB_DIR/vmdeck.toml"
wait_for cmp-vmdeck "$VM" 30
tmux send-keys -t cmp-vmdeck "/$VM" Enter c
wait_for cmp-vmdeck "attached" 30
tmux send-keys -t cmp-vmdeck Enter "~" z; sleep 1
measure cmp-vmdeck "vmdeck pane"
tmux kill-session -t cmp-vmdeck
