#!/usr/bin/env bash
# Time from start to full inventory, on the same lab in one run:
#   vmdeck list --output json   (all hosts in parallel, bulk calls)
#   virsh list --all + virsh domstats on each host in turn (what an admin scripts today)
# Run after `LAB_VMS=300 make lab` for the budget in benches/README.md. Prints medians.
set -euo pipefail
cd "$(dirname "$0")/.."
LAB_DIR=${LAB_DIR:-/var/tmp/vmdeck-lab}
RUNS=${RUNS:-5}
VMDECK=${VMDECK:-./target/release/vmdeck}
config="$LAB_DIR/vmdeck.toml"
uris=()
for n in 1 2 3; do uris+=("$(bash lab/ctl.sh uri "$n")"); done

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_vmdeck() { "$VMDECK" --config "$config" list --pool lab --output json >/dev/null; }
run_virsh() {
  for uri in "${uris[@]}"; do
    virsh -c "$uri" list --all >/dev/null
    virsh -c "$uri" domstats >/dev/null
  done
}

count=$("$VMDECK" --config "$config" list --pool lab --output json | grep -c '"uuid"')
echo "domains on the lab's libvirt hosts: $count"
for tool in vmdeck virsh; do
  : >"/tmp/compare-$tool.ms"
  for _ in $(seq "$RUNS"); do
    start=$(now_ms); "run_$tool"; end=$(now_ms)
    echo $((end - start)) >>"/tmp/compare-$tool.ms"
  done
done
v=$(median </tmp/compare-vmdeck.ms); s=$(median </tmp/compare-virsh.ms)
echo "vmdeck list --output json: ${v} ms (median of $RUNS)"
echo "virsh list --all + domstats, 3 hosts: ${s} ms (median of $RUNS)"
awk -v v="$v" -v s="$s" 'BEGIN { if (v > 0) printf "virsh/vmdeck: %.1fx\n", s / v }'
