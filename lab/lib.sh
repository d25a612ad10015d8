#!/usr/bin/env bash
# Shared settings and helpers of the vmdeck lab scripts (sourced, never run).
# Everything the lab creates lives under $LAB_DIR so that one `rm -rf` (or lab/down.sh plus
# deleting the folder) resets it; the guest image under $LAB_DIR/image is a cache that
# survives lab/down.sh.

LAB_DIR=${LAB_DIR:-/var/tmp/vmdeck-lab}
LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_HOST_IDS=(1 2 3)
LAB_IMAGE_DIR=$LAB_DIR/image
LAB_RUN_DIR=$LAB_DIR/run
LAB_LOG_DIR=$LAB_DIR/log
# incusd keeps its state in the standard place: `incus` and vmdeck's default socket path
# (unix:///var/lib/incus/unix.socket) then work without any INCUS_DIR in the environment.
INCUS_SOCKET=/var/lib/incus/unix.socket
INCUSD=/usr/libexec/incus/incusd
LIBVIRTD=/usr/sbin/libvirtd

export LAB_DIR
# virsh/incus must never wait for a terminal (CI has no TTY and no stdin).
export DEBIAN_FRONTEND=noninteractive

lab_log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
lab_die() { lab_log "ERROR: $*"; exit 1; }

lab_user() { printf 'labh%s' "$1"; }
lab_home() { printf '/home/labh%s' "$1"; }
lab_sock() { printf '/home/labh%s/run/libvirt/libvirt-sock' "$1"; }
lab_uri() { printf 'qemu+unix:///session?socket=%s' "$(lab_sock "$1")"; }
# Fixed and distinct per host: libvirt refuses to migrate between hosts with equal UUIDs.
lab_host_uuid() { printf '6c616268-0000-4000-8000-00000000000%s' "$1"; }
lab_pidfile() { printf '%s/libvirtd-lab%s.pid' "$LAB_RUN_DIR" "$1"; }
# Each host's QEMU needs its own migration port range: two daemons handing out the same
# incoming port at once would make one migration fail with "address in use".
lab_migration_port_min() { echo $((49152 + ($1 - 1) * 100)); }

# lab_virsh N ARGS... — virsh against host N, as root (which is what vmdeck and tests do).
lab_virsh() { local n=$1; shift; virsh -q -c "$(lab_uri "$n")" "$@" </dev/null; }

# pid_alive PIDFILE COMM — true when the pid in PIDFILE runs and is the program COMM.
# Checking the name as well keeps a stale pid file from pointing at a recycled pid.
pid_alive() {
  local pid
  [ -r "$1" ] || return 1
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]
}

# kill_pidfile PIDFILE COMM [TIMEOUT] — TERM, then KILL after TIMEOUT seconds; removes the file.
kill_pidfile() {
  local file=$1 comm=$2 timeout=${3:-10} pid i
  if pid_alive "$file" "$comm"; then
    pid=$(cat "$file")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
      [ -d "/proc/$pid" ] || break
      sleep 0.1
    done
    if [ -d "/proc/$pid" ]; then
      lab_log "$comm (pid $pid) ignored TERM; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$file"
}

# wait_for SECONDS CMD... — retries CMD every 0.2 s until it succeeds or time runs out.
wait_for() {
  local secs=$1 i
  shift
  for ((i = 0; i < secs * 5; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  "$@" >/dev/null 2>&1
}
