#!/usr/bin/env bash
# Small controls over a running vmdeck lab, for end-to-end tests and people:
#   ctl.sh uri N          print the libvirt URI of host labN
#   ctl.sh ssh-uri N      print the URI of host labN through the lab's sshd (qemu+ssh)
#   ctl.sh host-stop N    stop labN's libvirtd only: its guests keep running, connections drop
#   ctl.sh host-start N   start labN's libvirtd again (it reconnects to its guests); idempotent
#   ctl.sh host-kill N    like host-stop, but SIGKILL: a crashed daemon (stale socket left)
#   ctl.sh incus-stop     stop incusd only: containers keep running, connections drop
#   ctl.sh incus-kill     like incus-stop, but SIGKILL: incusd dies with its operations
#   ctl.sh incus-start    start incusd again; idempotent
#   ctl.sh member-stop N  stop Incus cluster member nodeN's daemon only (it goes offline)
#   ctl.sh member-start N start cluster member nodeN again; idempotent
#   ctl.sh sshd-stop      stop the lab's sshd (lab-ssh hosts go down; local URIs keep working)
#   ctl.sh sshd-start     start it again; idempotent
#   ctl.sh status         what runs (exit 1 when something of the lab is down)
#   ctl.sh config         print the path of the lab's vmdeck.toml (ssh-config: vmdeck-ssh.toml)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

usage() {
  sed -n '2,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
}

# host_arg N — validates a host number (1..3).
host_arg() {
  local n=${1:-}
  [[ " ${LAB_HOST_IDS[*]} " == *" $n "* ]] || lab_die "no lab host '$n' (hosts: ${LAB_HOST_IDS[*]})"
  printf '%s' "$n"
}

# member_arg N — validates a cluster member number.
member_arg() {
  local n=${1:-}
  [[ " ${CLUSTER_MEMBER_IDS[*]} " == *" $n "* ]] ||
    lab_die "no cluster member '$n' (members: ${CLUSTER_MEMBER_IDS[*]})"
  printf '%s' "$n"
}

need_root() { [ "$(id -u)" -eq 0 ] || lab_die "run as root"; }

status() {
  local n bad=0 pid
  for n in "${LAB_HOST_IDS[@]}"; do
    if lab_host_running "$n" && lab_host_answers "$n"; then
      pid=$(cat "$(lab_pidfile "$n")")
      printf 'lab%s  up    pid %-7s %s  running: %s\n' "$n" "$pid" "$(lab_uri "$n")" \
        "$(lab_virsh "$n" list --name | grep . | tr '\n' ' ')"
    else
      printf 'lab%s  down  %s\n' "$n" "$(lab_uri "$n")"
      bad=1
    fi
  done
  if lab_incus_running && lab_incus_answers; then
    printf 'incus up    pid %-7s unix://%s  %s\n' "$(cat "$INCUS_PIDFILE")" "$INCUS_SOCKET" \
      "$(incus list --format csv -c ns </dev/null | tr '\n' ' ')"
  else
    printf 'incus down\n'
    bad=1
  fi
  for n in "${CLUSTER_MEMBER_IDS[@]}"; do
    if lab_member_running "$n" && lab_member_answers "$n"; then
      printf 'node%s up    pid %-7s unix://%s\n' "$n" "$(cat "$(cluster_pidfile "$n")")" \
        "$(cluster_socket "$n")"
    else
      printf 'node%s down\n' "$n"
      bad=1
    fi
  done
  if lab_sshd_running && lab_sshd_answers; then
    printf 'sshd  up    pid %-7s 127.0.0.1:%s\n' "$(cat "$LAB_SSHD_PIDFILE")" "$LAB_SSH_PORT"
  else
    printf 'sshd  down  127.0.0.1:%s\n' "$LAB_SSH_PORT"
    bad=1
  fi
  return "$bad"
}

# incusd exits on TERM without stopping its instances (only SIGPWR or `incus admin shutdown`
# would stop them), so this is a lost server, not a lost container.
incus_stop() {
  kill_pidfile "$INCUS_PIDFILE" incusd 30
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  uri | ssh-uri | host-stop | host-start | host-kill)
    # (an assignment, so that a bad host number stops the script under set -e)
    n=$(host_arg "${1:-}")
    ;;
esac
case "$cmd" in
  uri) lab_uri "$n" && echo ;;
  ssh-uri) lab_ssh_uri "$n" && echo ;;
  host-stop) need_root && lab_host_stop "$n" ;;
  host-kill) need_root && kill_pidfile "$(lab_pidfile "$n")" libvirtd 0 KILL ;;
  host-start) need_root && lab_host_setup "$n" && lab_host_start "$n" ;;
  incus-stop) need_root && incus_stop ;;
  incus-kill) need_root && kill_pidfile "$INCUS_PIDFILE" incusd 0 KILL ;;
  incus-start) need_root && lab_incus_start ;;
  member-stop) need_root && lab_member_stop "$(member_arg "${1:-}")" ;;
  member-start) need_root && lab_member_start "$(member_arg "${1:-}")" ;;
  sshd-stop) need_root && lab_sshd_stop ;;
  sshd-start) need_root && lab_sshd_setup && lab_sshd_start ;;
  status) status ;;
  config) echo "$LAB_DIR/vmdeck.toml" ;;
  ssh-config) echo "$LAB_DIR/vmdeck-ssh.toml" ;;
  *) usage ;;
esac
