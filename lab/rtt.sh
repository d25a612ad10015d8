#!/usr/bin/env bash
# The lab's libvirt hosts behind a chosen round-trip time (lab/rtt-proxy.py, one process):
#   LAB_RTT_MS=50 rtt.sh start   start the proxy (restarting one that runs) and write
#                                $LAB_DIR/rtt/vmdeck.toml: pool "lab" of the three hosts over
#                                their delayed sockets; prints the config's path
#   rtt.sh stop                  stop the proxy, by its pid file
#   rtt.sh uri N                 the delayed URI of host labN
# Each connection's RPC calls are appended to $LAB_DIR/rtt/rpc.log (one JSON line each).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

RTT_DIR=$LAB_DIR/rtt
RTT_PID=$RTT_DIR/proxy.pid
LAB_RTT_MS=${LAB_RTT_MS:-50}

rtt_sock() { printf '%s/lab%s.sock' "$RTT_DIR" "$1"; }

stop() {
  if [ -r "$RTT_PID" ] && proc_alive "$(cat "$RTT_PID")"; then
    kill "$(cat "$RTT_PID")"
    for _ in $(seq 50); do proc_alive "$(cat "$RTT_PID")" || break; sleep 0.1; done
  fi
  rm -f "$RTT_PID"
}

start() {
  stop
  mkdir -p "$RTT_DIR"
  local args=() n
  for n in "${LAB_HOST_IDS[@]}"; do args+=(--forward "$(rtt_sock "$n")=$(lab_sock "$n")"); done
  python3 "$HERE/rtt-proxy.py" --rtt-ms "$LAB_RTT_MS" --rpc-log "$RTT_DIR/rpc.log" "${args[@]}" \
    </dev/null >>"$RTT_DIR/proxy.log" 2>&1 &
  echo $! >"$RTT_PID"
  for n in "${LAB_HOST_IDS[@]}"; do
    for _ in $(seq 50); do [ -S "$(rtt_sock "$n")" ] && break; sleep 0.1; done
    [ -S "$(rtt_sock "$n")" ] || lab_die "the proxy did not open $(rtt_sock "$n")"
  done
  local config=$RTT_DIR/vmdeck.toml
  {
    printf '# Written by lab/rtt.sh: the lab libvirt hosts behind %s ms RTT.\n' "$LAB_RTT_MS"
    printf '[[pool]]\nname = "lab"\ndriver = "libvirt"\nhosts = [\n'
    for n in "${LAB_HOST_IDS[@]}"; do
      printf '  { name = "lab%s", uri = "qemu+unix:///session?socket=%s" },\n' "$n" "$(rtt_sock "$n")"
    done
    printf ']\n\n'
    # The lab's VM types, which its stamps name.
    sed -n '/^\[\[vm_type\]\]/,$p' "$LAB_DIR/vmdeck.toml"
  } >"$config"
  lab_log "lab hosts behind ${LAB_RTT_MS} ms RTT (proxy pid $(cat "$RTT_PID"))"
  printf '%s\n' "$config"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  uri) printf 'qemu+unix:///session?socket=%s\n' "$(rtt_sock "${2:?host number}")" ;;
  *) sed -n '2,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
