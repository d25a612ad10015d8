#!/usr/bin/env bash
# Sourced by the fleet benches: how long the real binary takes, in a terminal (tmux, 200×50),
# from its start to a full first screen, and its memory then.
#   first_screen CONFIG HOSTS VMS ROW WORD
# waits until the screen says "hosts HOSTS/HOSTS up" and "vms [VMS]" and the row of the VM
# named ROW shows WORD (its stamped type: the stamp columns are filled), then prints
# "MS RSS_KB THREADS CPU_MS" (CPU_MS: the program's CPU time until then, which a busy machine
# distorts less than wall time) and ends the program. Gives up after FIRST_SCREEN_TIMEOUT s (60).

VMDECK=${VMDECK:-./target/release/vmdeck}

now_ms() { date +%s%3N; }

# screen_ready SESSION HOSTS VMS ROW WORD — true when the pane shows the full first screen.
screen_ready() {
  local screen
  screen=$(tmux capture-pane -p -t "$1" 2>/dev/null) || return 1
  [[ $screen == *"hosts $2/$2 up"* ]] && [[ $screen == *"vms [$3]"* ]] &&
    grep -q "^│$4 .* $5 " <<<"$screen"
}

# end_program SESSION — closes the session and makes sure its program is gone: a program
# swamped by a thousand hosts can take minutes to act on the hang-up tmux sends.
end_program() {
  local pid
  pid=$(tmux display-message -p -t "$1" '#{pane_pid}' 2>/dev/null) || true
  tmux kill-session -t "$1" 2>/dev/null || true
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    sleep 1
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

first_screen() {
  local config=$1 hosts=$2 vms=$3 row=$4 word=$5 session="vmdeck-bench-$$" start end pid
  local deadline=$(($(now_ms) + ${FIRST_SCREEN_TIMEOUT:-60} * 1000))
  start=$(now_ms)
  tmux new-session -d -s "$session" -x 200 -y 50 "exec $VMDECK --config $config"
  until screen_ready "$session" "$hosts" "$vms" "$row" "$word"; do
    if [ "$(now_ms)" -gt "$deadline" ]; then
      tmux capture-pane -p -t "$session" >&2
      end_program "$session"
      echo "timeout 0 0 0"
      return 1
    fi
    sleep 0.01
  done
  end=$(now_ms)
  pid=$(tmux display-message -p -t "$session" '#{pane_pid}')
  local cpu_ms
  cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat")
  echo "$((end - start)) $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status") $(ls "/proc/$pid/task" | wc -l) $cpu_ms"
  end_program "$session"
}
