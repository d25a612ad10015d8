#!/usr/bin/env bash
# A simulated fleet (lab/fleet.py: FLEET_HOSTS hosts of libvirt's test driver, default 1,000,
# with FLEET_VMS domains each, default 20), in one run:
#   vmdeck list --output json: wall time, CPU time, peak RSS
#   the floor: the same hosts opened by virsh in one process and nothing else. The test
#     driver runs inside its client, so opening a host costs the client the parsing of the
#     host's whole file; on a real fleet each host's daemon pays that. And its memory: every
#     host held open at once by a process that does nothing else (benches/hold_hosts.py).
#   vmdeck in a terminal: full first screen (every host up, every VM listed, stamps shown),
#     its RSS and thread count then (benches/first_screen.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTS=${FLEET_HOSTS:-1000}
VMS=${FLEET_VMS:-20}
DIR=${FLEET_DIR:-/var/tmp/vmdeck-fleet}
export VMDECK=${VMDECK:-./target/release/vmdeck}
export FIRST_SCREEN_TIMEOUT=${FIRST_SCREEN_TIMEOUT:-600}
# shellcheck source=first_screen.sh
. benches/first_screen.sh

config=$(python3 lab/fleet.py --hosts "$HOSTS" --vms "$VMS" --dir "$DIR")
echo "$(date -u +%F), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $HOSTS hosts x $VMS domains"

report() { # report LABEL — reads /usr/bin/time's "%e %U %S %M" from /tmp/fleet-sim.time
  read -r wall user sys rss < <(tail -1 /tmp/fleet-sim.time)
  awk -v l="$1" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
    'BEGIN { printf "%-34s %6.2f s wall, %6.2f s CPU, %4d MB peak RSS\n", l, w, u + s, r / 1024 }'
}

listed=$( (/usr/bin/time -o /tmp/fleet-sim.time -f "%e %U %S %M" \
  "$VMDECK" --config "$config" list --output json 2>/dev/null || true) | grep -c '"uuid"' || true)
report "vmdeck list ($listed VMs)"
opens=()
for ((h = 0; h < HOSTS; h++)); do
  opens+=("connect test://$DIR/hosts/$(printf 'h%04d' "$h").xml;")
done
/usr/bin/time -o /tmp/fleet-sim.time -f "%e %U %S %M" virsh -q "${opens[*]}" >/dev/null
report "virsh: open every host, nothing else"
read -r held held_kb < <(python3 benches/hold_hosts.py "$DIR")
echo "the $held hosts held open at once, nothing else: $((held_kb / 1024)) MB of RSS"
read -r ms rss threads cpu < <(first_screen "$config" "$HOSTS" $((HOSTS * VMS)) h0000-vm-000 small)
echo "vmdeck first screen: $ms ms ($cpu ms CPU), RSS $((rss / 1024)) MB, $threads threads"
