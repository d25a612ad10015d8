#!/usr/bin/env bash
# Stops what lab/up.sh started, by pid file: the guests of the three libvirt hosts, their
# libvirtd daemons, the Incus containers and incusd, the Incus cluster's members, the lab's sshd. Keeps everything on disk (domain
# definitions, storage pools, the Incus state and the cached image under $LAB_DIR/image), so
# the next lab/up.sh is quick. To reset the lab completely: down.sh, then remove $LAB_DIR and
# /var/lib/incus.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ "$(id -u)" -eq 0 ] || lab_die "run as root"

# host_down N — destroys N's guests through libvirt (so that it records them as shut off),
# stops the daemon, then kills guests left behind by a daemon stopped alone (ctl.sh host-stop).
host_down() {
  local n=$1 d
  if lab_host_running "$n" && lab_host_answers "$n"; then
    for d in $(lab_virsh "$n" list --name); do
      lab_virsh "$n" destroy "$d" >/dev/null 2>&1 || true
    done
  fi
  lab_host_stop "$n"
  lab_host_kill_guests "$n"
  lab_log "lab$n stopped"
}

# In parallel: each QEMU takes a second or two to die and each libvirtd about two to exit.
pids=()
for n in "${LAB_HOST_IDS[@]}"; do
  host_down "$n" &
  pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done

lab_sshd_stop
lab_log "sshd stopped"
lab_tls_stop
lab_log "TLS front stopped"
lab_incus_stop
lab_log "incus stopped"
# Members in reverse: node1 holds the cluster database.
for ((i = ${#CLUSTER_MEMBER_IDS[@]} - 1; i >= 0; i--)); do
  lab_member_shutdown "${CLUSTER_MEMBER_IDS[i]}"
done
lab_log "incus cluster stopped"
exit "$rc"
