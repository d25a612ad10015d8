#!/usr/bin/env bash
# The lab's three libvirt hosts behind a round-trip time (LAB_RTT_MS, default 50; lab/rtt.sh),
# side by side in one run, medians of RUNS (5):
#   vmdeck's full first screen in a terminal: every host up, every VM listed, stamp columns
#     filled (benches/first_screen.sh)
#   vmdeck list --output json (headless)
#   virsh list --all + virsh domstats for each host, the hosts side by side
# and the RPC calls each makes per host, counted on the wire by the proxy.
# Run after `LAB_VMS=300 bash lab/up.sh` for the budget in benches/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export LAB_DIR=${LAB_DIR:-/var/tmp/vmdeck-lab}
export LAB_RTT_MS=${LAB_RTT_MS:-50}
RUNS=${RUNS:-5}
export VMDECK=${VMDECK:-./target/release/vmdeck}
# shellcheck source=first_screen.sh
. benches/first_screen.sh

config=$(bash lab/rtt.sh start)
trap 'bash lab/rtt.sh stop' EXIT
rpc_log=$LAB_DIR/rtt/rpc.log
uris=()
for n in 1 2 3; do uris+=("$(bash lab/rtt.sh uri "$n")"); done
vms=0
for n in 1 2 3; do
  vms=$((vms + $(virsh -c "$(bash lab/ctl.sh uri "$n")" list --all --name | grep -c .)))
done
echo "$(date -u +%F), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); ${LAB_RTT_MS} ms RTT; $vms domains on 3 hosts"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run_list() { "$VMDECK" --config "$config" list --output json >/dev/null; }
run_virsh() {
  local uri
  for uri in "${uris[@]}"; do
    (virsh -c "$uri" list --all >/dev/null && virsh -c "$uri" domstats >/dev/null) &
  done
  wait
}
timed() { local start; start=$(now_ms); "$@"; echo $(($(now_ms) - start)); }
# calls_per_host — the calls of the connections logged since the log was emptied, per host.
calls_per_host() {
  python3 -c '
import collections, json, sys
per_host = collections.Counter()
for line in open(sys.argv[1]):
    entry = json.loads(line)
    per_host[entry["host"]] += entry["calls"]
print(" ".join(f"{h}={n}" for h, n in sorted(per_host.items())))' "$rpc_log"
}

: >/tmp/fleet-rtt-screen.ms
: >/tmp/fleet-rtt-list.ms
: >/tmp/fleet-rtt-virsh.ms
for _ in $(seq "$RUNS"); do
  read -r ms rss _threads _cpu < <(first_screen "$config" 3 "$vms" lab1-bulk-0000 small)
  echo "$ms" >>/tmp/fleet-rtt-screen.ms
  timed run_list >>/tmp/fleet-rtt-list.ms
  timed run_virsh >>/tmp/fleet-rtt-virsh.ms
done
: >"$rpc_log"; run_list; sleep 0.2; vmdeck_calls=$(calls_per_host)
: >"$rpc_log"; run_virsh; sleep 0.2; virsh_calls=$(calls_per_host)

screen=$(median </tmp/fleet-rtt-screen.ms)
list=$(median </tmp/fleet-rtt-list.ms)
virsh=$(median </tmp/fleet-rtt-virsh.ms)
echo "vmdeck first screen, every column filled: ${screen} ms (RSS ${rss} KB)"
echo "vmdeck list --output json:                ${list} ms   RPC calls: $vmdeck_calls"
echo "virsh list --all + domstats, per host:    ${virsh} ms   RPC calls: $virsh_calls"
awk -v a="$screen" -v l="$list" -v s="$virsh" 'BEGIN {
  printf "first screen / virsh: %.3f   list / virsh: %.3f\n", a / s, l / s }'
