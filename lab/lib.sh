#!/usr/bin/env bash
# Shared settings and helpers of the vmdeck lab scripts (sourced, never run).
# shellcheck disable=SC2034  # the variables are used by the scripts that source this file
# Everything the lab creates lives under $LAB_DIR so that one `rm -rf` (or lab/down.sh plus
# deleting the folder) resets it; the guest image under $LAB_DIR/image is a cache that
# survives lab/down.sh.

LAB_DIR=${LAB_DIR:-/var/tmp/vmdeck-lab}
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

# proc_alive PID — true while PID runs. A zombie counts as dead: the init of these machines
# (and of some containers) reaps orphans late, so /proc/PID of a dead daemon can linger.
proc_alive() {
  local state
  state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# pid_alive PIDFILE COMM — true when the pid in PIDFILE runs and is the program COMM.
# Checking the name as well keeps a stale pid file from pointing at a recycled pid.
pid_alive() {
  local pid
  [ -r "$1" ] || return 1
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && proc_alive "$pid" || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]
}

# kill_pidfile PIDFILE COMM [TIMEOUT] [SIGNAL] — sends SIGNAL (TERM), then KILL after TIMEOUT
# seconds; removes the file.
kill_pidfile() {
  local file=$1 comm=$2 timeout=${3:-10} sig=${4:-TERM} pid i
  if pid_alive "$file" "$comm"; then
    pid=$(cat "$file")
    kill -"$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
      proc_alive "$pid" || break
      sleep 0.1
    done
    if proc_alive "$pid"; then
      [ "$sig" = KILL ] || lab_log "$comm (pid $pid) ignored $sig; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 20; i++)); do proc_alive "$pid" || break; sleep 0.1; done
    fi
  fi
  rm -f "$file"
}

# quietly CMD... — runs CMD with its chatter captured; shows it only when CMD fails.
quietly() {
  local out rc=0
  out=$("$@" </dev/null 2>&1) || rc=$?
  [ "$rc" -eq 0 ] || printf '%s\n' "$out" >&2
  return "$rc"
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

# ---------------------------------------------------------------------------------------------
# libvirt hosts: one unprivileged session libvirtd per user labhN (as root, libvirtd would
# always be the single system daemon).

# All host users share this group: each daemon's socket is group-accessible so that one host's
# libvirtd can open the other's socket (peer-to-peer migration, virDomainMigrateToURI3).
LAB_GROUP=vmdecklab

# lab_host_setup N — user, folders and config of host N (cheap; safe to repeat).
lab_host_setup() {
  local n=$1 user home hdir portmin
  user=$(lab_user "$n")
  home=$(lab_home "$n")
  hdir=$LAB_DIR/hosts/lab$n
  getent group "$LAB_GROUP" >/dev/null || groupadd "$LAB_GROUP"
  id "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"
  id -nG "$user" | tr ' ' '\n' | grep -x "$LAB_GROUP" >/dev/null || usermod -aG "$LAB_GROUP" "$user"
  # Searchable (not listable) by others: root and the other lab hosts reach the socket.
  install -d -o "$user" -g "$user" -m 711 "$home" "$home/run"
  install -d -o "$user" -g "$user" -m 700 "$home/.config" "$home/.config/libvirt"
  install -d -o "$user" -g "$user" -m 755 "$hdir" "$hdir/images"
  portmin=$(lab_migration_port_min "$n")
  lab_write_as "$user" "$home/.config/libvirt/libvirtd.conf" <<CONF
# Written by vmdeck lab/lib.sh — host lab$n.
# Distinct per host, or libvirt refuses to migrate "to the same host".
host_uuid = "$(lab_host_uuid "$n")"
# Root (vmdeck, tests) connects anyway; the group lets the other lab hosts in for
# peer-to-peer migration.
unix_sock_group = "$LAB_GROUP"
unix_sock_rw_perms = "0770"
log_outputs = "3:file:$hdir/libvirtd.log"
CONF
  lab_write_as "$user" "$home/.config/libvirt/qemu.conf" <<CONF
# Written by vmdeck lab/lib.sh — host lab$n.
# Without this the session daemon wants virtlogd for guest stdio/serial logs.
stdio_handler = "file"
# Session daemons default to saving/shutting down every guest when they stop; the lab stops
# daemons to simulate a lost host (lab/ctl.sh host-stop) and the guests must keep running.
auto_shutdown_try_save = "none"
auto_shutdown_try_shutdown = "none"
auto_shutdown_poweroff = "none"
# A port range of its own per host for incoming migrations. (migration_host and
# migration_address refuse 127.0.0.1 as "the local machine": callers pass the migration URI
# tcp://127.0.0.1 instead.)
migration_port_min = $portmin
migration_port_max = $((portmin + 49))
CONF
}

# lab_write_as USER FILE — writes stdin to FILE owned by USER, only when the content changed.
lab_write_as() {
  local user=$1 file=$2 tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if ! cmp -s "$tmp" "$file" 2>/dev/null; then
    install -o "$user" -g "$user" -m 644 "$tmp" "$file"
  fi
  rm -f "$tmp"
}

lab_host_running() { pid_alive "$(lab_pidfile "$1")" libvirtd; }
lab_host_answers() { lab_virsh "$1" version >/dev/null 2>&1; }

# lab_host_start N — starts labhN's libvirtd unless it runs; waits until it answers.
lab_host_start() {
  local n=$1 user home daemon_pidfile pidfile i
  user=$(lab_user "$n")
  home=$(lab_home "$n")
  daemon_pidfile=$home/run/libvirt/libvirtd.pid
  pidfile=$(lab_pidfile "$n")
  mkdir -p "$LAB_RUN_DIR" "$LAB_LOG_DIR"
  # Adopt a daemon this lab started earlier (its own pid file is the reference).
  if ! lab_host_running "$n" && pid_alive "$daemon_pidfile" libvirtd; then
    cp "$daemon_pidfile" "$pidfile"
  fi
  if ! lab_host_running "$n"; then
    # libvirtd --daemon detaches (setsid, stdio to /dev/null) and writes its pid file under
    # XDG_RUNTIME_DIR/libvirt; it refuses to start twice on the same pid file lock.
    su - "$user" -c "XDG_RUNTIME_DIR=$home/run $LIBVIRTD --daemon" \
      </dev/null >>"$LAB_LOG_DIR/lab$n-start.log" 2>&1 ||
      lab_die "libvirtd of lab$n did not start (see $LAB_LOG_DIR/lab$n-start.log)"
  fi
  for ((i = 0; i < 150; i++)); do
    if lab_host_answers "$n"; then
      # The daemon's own pid file is there once it answers; keep a copy as the lab's record.
      lab_host_running "$n" || cp "$daemon_pidfile" "$pidfile"
      # libvirt creates run/libvirt with mode 0700; the other hosts need to get through it.
      chmod 711 "$home/run/libvirt"
      return 0
    fi
    # A daemon whose initialisation fails removes its pid file and exits.
    [ "$i" -lt 10 ] || pid_alive "$daemon_pidfile" libvirtd || break
    sleep 0.2
  done
  tail -n 5 "$LAB_DIR/hosts/lab$n/libvirtd.log" >&2 2>/dev/null || true
  lab_die "lab$n does not answer on $(lab_uri "$n") (log: $LAB_DIR/hosts/lab$n/libvirtd.log)"
}

# lab_host_stop N — stops labN's libvirtd only. Its guests keep running (see qemu.conf above);
# a restarted daemon reconnects to them.
lab_host_stop() {
  kill_pidfile "$(lab_pidfile "$1")" libvirtd 10
}

# lab_host_kill_guests N — kills host N's QEMU processes by libvirt's pid files; for when the
# daemon is not there to destroy them.
lab_host_kill_guests() {
  local n=$1 f uid
  uid=$(id -u "$(lab_user "$n")" 2>/dev/null) || return 0
  for f in "$(lab_home "$n")"/run/libvirt/qemu/run/*.pid; do
    [ -e "$f" ] || continue
    if pid_alive "$f" qemu-system-x86 && [ "$(stat -c %u "/proc/$(cat "$f")")" = "$uid" ]; then
      lab_log "lab$n: killing QEMU of $(basename "$f" .pid)"
      kill_pidfile "$f" qemu-system-x86 5
    fi
  done
}

# ---------------------------------------------------------------------------------------------
# Incus: the one incusd of this machine, started by the lab and recorded by pid.

INCUS_PIDFILE=$LAB_RUN_DIR/incusd.pid

lab_incus_running() { pid_alive "$INCUS_PIDFILE" incusd; }
# (timeout: a call made while the daemon starts can hang on its socket for good)
lab_incus_answers() { timeout 5 incus list --format csv </dev/null >/dev/null 2>&1; }

lab_incus_start() {
  mkdir -p "$LAB_RUN_DIR" "$LAB_LOG_DIR" /var/log/incus
  if ! lab_incus_running; then
    # (not pgrep: each container's "[lxc monitor]" is an incusd too, and survives incusd)
    if lab_incus_answers; then
      lab_die "an incusd runs that the lab did not start; stop it first"
    fi
    # setsid: a Ctrl-C in the terminal or a CI step's process-group kill must not reach it;
    # stdio to files so that it never holds the caller's pipes open; cwd / so that removing
    # the checkout it was started from never leaves it in a deleted folder (its rsync of
    # snapshots then fails with "getcwd(): No such file or directory").
    (cd / && exec setsid "$INCUSD" --group root --logfile /var/log/incus/incusd.log) \
      </dev/null >>"$LAB_LOG_DIR/incusd.out" 2>&1 &
    echo $! >"$INCUS_PIDFILE"
  fi
  quietly incus admin waitready --timeout 30 ||
    lab_die "incusd not ready (see /var/log/incus/incusd.log)"
  wait_for 10 lab_incus_answers || lab_die "incus does not answer"
}

# incus admin shutdown stops the instances first (they come back on the next start, as they
# were); then the daemon exits.
lab_incus_stop() {
  if lab_incus_running; then
    timeout 60 incus admin shutdown --timeout 30 </dev/null >/dev/null 2>&1 || true
  fi
  kill_pidfile "$INCUS_PIDFILE" incusd 30
}

# ---------------------------------------------------------------------------------------------
# An Incus cluster of two members, node1 and node2: two more incusd on this machine, each with
# its own INCUS_DIR and its own loopback address (all of 127/8 is loopback), so that cluster
# features (members as hosts, moves between members, a member going down) meet a real cluster.

CLUSTER_DIR=$LAB_DIR/incus-cluster
CLUSTER_MEMBER_IDS=(1 2)

cluster_dir() { printf '%s/node%s' "$CLUSTER_DIR" "$1"; }
cluster_socket() { printf '%s/unix.socket' "$(cluster_dir "$1")"; }
cluster_address() { printf '127.0.0.%s:8443' "$(($1 + 1))"; }
cluster_pidfile() { printf '%s/incusd-node%s.pid' "$LAB_RUN_DIR" "$1"; }
# cluster_incus N ARGS... — the incus client against member N.
cluster_incus() { local n=$1; shift; INCUS_DIR=$(cluster_dir "$n") incus "$@" </dev/null; }

lab_member_running() { pid_alive "$(cluster_pidfile "$1")" incusd; }
lab_member_answers() { cluster_incus "$1" query /1.0 >/dev/null 2>&1; }

# lab_member_launch N — starts member N's daemon without waiting for it.
lab_member_launch() {
  local n=$1
  mkdir -p "$LAB_RUN_DIR" "$LAB_LOG_DIR" "$(cluster_dir "$n")"
  lab_member_running "$n" && return 0
  (cd / && INCUS_DIR=$(cluster_dir "$n") exec setsid "$INCUSD" --group root \
    --logfile "$LAB_LOG_DIR/incusd-node$n.log") </dev/null >>"$LAB_LOG_DIR/incusd-node$n.out" 2>&1 &
  echo $! >"$(cluster_pidfile "$n")"
}

# lab_member_wait N — waits until member N answers.
lab_member_wait() {
  local n=$1
  INCUS_DIR=$(cluster_dir "$n") quietly incus admin waitready --timeout 60 ||
    lab_die "cluster member node$n not ready (see $LAB_LOG_DIR/incusd-node$n.log)"
  wait_for 20 lab_member_answers "$n" || lab_die "cluster member node$n does not answer"
}

lab_member_start() { lab_member_launch "$1" && lab_member_wait "$1"; }

# lab_member_stop N — the daemon only (TERM): its containers keep running, like incus-stop.
lab_member_stop() { kill_pidfile "$(cluster_pidfile "$1")" incusd 30; }

# lab_member_shutdown N — stops the member's instances, then the daemon.
lab_member_shutdown() {
  if lab_member_running "$1"; then
    INCUS_DIR=$(cluster_dir "$1") timeout 60 incus admin shutdown --timeout 30 \
      </dev/null >/dev/null 2>&1 || true
  fi
  lab_member_stop "$1"
}

# ---------------------------------------------------------------------------------------------
# SSH: an sshd of the lab's own on 127.0.0.1:$LAB_SSH_PORT in front of the three libvirt hosts,
# so that vmdeck meets `qemu+ssh://` as admins use it (pool lab-ssh in $LAB_DIR/vmdeck-ssh.toml).
# Everything it uses lives in $LAB_SSH_DIR: its host key and sshd_config, the lab's client key,
# known_hosts and ssh_config, and the `ssh` wrapper that URIs name with `command=` (libvirt's
# ssh transport has no parameter for known_hosts or ssh options, and root's ~/.ssh stays
# untouched).

LAB_SSH_PORT=2222
LAB_SSH_DIR=$LAB_DIR/ssh
LAB_SSHD_PIDFILE=$LAB_RUN_DIR/sshd.pid
SSHD=/usr/sbin/sshd

# lab_ssh_uri N — host N through the lab's sshd. proxy=netcat: the remote side runs
# `nc -U <socket>`, which honours socket= and never starts a daemon (virt-ssh-helper would
# connect to qemu:///session of the login, which has no XDG_RUNTIME_DIR here, and spawn one).
lab_ssh_uri() {
  printf 'qemu+ssh://%s@127.0.0.1:%s/session?socket=%s&proxy=netcat&command=%s/ssh' \
    "$(lab_user "$1")" "$LAB_SSH_PORT" "$(lab_sock "$1")" "$LAB_SSH_DIR"
}

# The client key of local user USER: each user that opens lab-ssh URIs has its own copy, mode
# 0600 as ssh demands — root (vmdeck, virsh) and labhN (the source daemon of a peer-to-peer
# migration opens the destination's URI itself).
lab_ssh_client_key() { printf '%s/client/%s/id_ed25519' "$LAB_SSH_DIR" "$1"; }

# lab_sshd_setup — keys, configs and authorised keys (cheap; safe to repeat).
lab_sshd_setup() {
  local n user home key
  install -d -m 755 "$LAB_SSH_DIR" "$LAB_SSH_DIR/client"
  [ -s "$LAB_SSH_DIR/ssh_host_ed25519_key" ] ||
    ssh-keygen -q -t ed25519 -N '' -C "vmdeck-lab-host" -f "$LAB_SSH_DIR/ssh_host_ed25519_key"
  [ -s "$LAB_SSH_DIR/id_ed25519" ] ||
    ssh-keygen -q -t ed25519 -N '' -C "vmdeck-lab-client" -f "$LAB_SSH_DIR/id_ed25519"
  chmod 600 "$LAB_SSH_DIR/ssh_host_ed25519_key" "$LAB_SSH_DIR/id_ed25519"
  local users=(root)
  for n in "${LAB_HOST_IDS[@]}"; do users+=("$(lab_user "$n")"); done
  for user in "${users[@]}"; do
    key=$(lab_ssh_client_key "$user")
    install -d -o "$user" -m 700 "$(dirname "$key")"
    install -o "$user" -m 600 "$LAB_SSH_DIR/id_ed25519" "$key"
  done
  printf '[127.0.0.1]:%s %s\n' "$LAB_SSH_PORT" \
    "$(cut -d' ' -f1,2 "$LAB_SSH_DIR/ssh_host_ed25519_key.pub")" | lab_write_as root "$LAB_SSH_DIR/known_hosts"
  lab_ssh_client_config | lab_write_as root "$LAB_SSH_DIR/ssh_config"
  lab_write_as root "$LAB_SSH_DIR/ssh" <<SH
#!/bin/sh
# Written by vmdeck lab/lib.sh: ssh with the lab's client options (URIs name it in command=).
exec /usr/bin/ssh -F $LAB_SSH_DIR/ssh_config "\$@"
SH
  chmod 755 "$LAB_SSH_DIR/ssh"
  lab_sshd_config | lab_write_as root "$LAB_SSH_DIR/sshd_config"
  for n in "${LAB_HOST_IDS[@]}"; do
    user=$(lab_user "$n")
    home=$(lab_home "$n")
    # Without PAM, sshd refuses accounts whose password is locked ('!', as useradd leaves
    # it) even for keys; '*' means no password, not locked.
    [ "$(getent shadow "$user" | cut -d: -f2)" != '!' ] || usermod -p '*' "$user"
    install -d -o "$user" -g "$user" -m 700 "$home/.ssh"
    lab_write_as "$user" "$home/.ssh/authorized_keys" <"$LAB_SSH_DIR/id_ed25519.pub"
  done
}

# The client side: only the lab's key and the lab's known_hosts, host keys strictly checked.
# No ConnectTimeout on purpose: like most admins' configs, so vmdeck's own deadline is what
# ends a connection to a host that never answers.
lab_ssh_client_config() {
  cat <<CONF
# Written by vmdeck lab/lib.sh — ssh options for the lab's hosts (used by $LAB_SSH_DIR/ssh).
Host *
  IdentityFile $LAB_SSH_DIR/client/%u/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $LAB_SSH_DIR/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  PasswordAuthentication no
  KbdInteractiveAuthentication no
CONF
}

lab_sshd_config() {
  cat <<CONF
# Written by vmdeck lab/lib.sh — the lab's sshd: loopback only, keys only, no PAM, no TTY.
Port $LAB_SSH_PORT
ListenAddress 127.0.0.1
HostKey $LAB_SSH_DIR/ssh_host_ed25519_key
PidFile $LAB_SSHD_PIDFILE
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $(for n in "${LAB_HOST_IDS[@]}"; do printf '%s ' "$(lab_user "$n")"; done)
AuthorizedKeysFile .ssh/authorized_keys
PermitTTY no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
CONF
}

lab_sshd_running() { pid_alive "$LAB_SSHD_PIDFILE" sshd; }
lab_sshd_answers() {
  "$LAB_SSH_DIR/ssh" -o BatchMode=yes -o ConnectTimeout=5 -p "$LAB_SSH_PORT" \
    "$(lab_user "${LAB_HOST_IDS[0]}")@127.0.0.1" true </dev/null >/dev/null 2>&1
}

# lab_sshd_start — starts the lab's sshd unless it runs; waits until a login works.
lab_sshd_start() {
  mkdir -p "$LAB_RUN_DIR" "$LAB_LOG_DIR"
  # sshd's privilege separation directory (systemd would create it; there is none here).
  install -d -m 755 /run/sshd
  if ! lab_sshd_running; then
    quietly "$SSHD" -t -f "$LAB_SSH_DIR/sshd_config" || lab_die "the lab's sshd_config is invalid"
    # sshd daemonises itself (setsid, stdio to /dev/null) and writes the pid file; -E keeps
    # its log in the lab. cwd /: see lab_incus_start.
    (cd / && "$SSHD" -f "$LAB_SSH_DIR/sshd_config" -E "$LAB_LOG_DIR/sshd.log") </dev/null \
      >>"$LAB_LOG_DIR/sshd.out" 2>&1 || lab_die "sshd did not start (see $LAB_LOG_DIR/sshd.log)"
  fi
  wait_for 10 lab_sshd_answers ||
    lab_die "no login through the lab's sshd on 127.0.0.1:$LAB_SSH_PORT (see $LAB_LOG_DIR/sshd.log)"
}

lab_sshd_stop() { kill_pidfile "$LAB_SSHD_PIDFILE" sshd 10; }

# ---------------------------------------------------------------------------------------------
# TLS: lab/tls-front.py on 127.0.0.1:$((LAB_TLS_PORT_BASE + N)) in front of host N's socket,
# demanding a client certificate like libvirtd's TLS listener, so that vmdeck meets
# `qemu+tls://` with real certificates (pool lab-tls in $LAB_DIR/vmdeck-tls.toml). The lab's
# CA, the server's certificate (for "localhost") and root's client certificate live in
# $LAB_TLS_DIR; the client's are in the layout libvirt's pkipath= expects.

LAB_TLS_PORT_BASE=16600
LAB_TLS_DIR=$LAB_DIR/tls
LAB_TLS_FRONT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tls-front.py
LAB_TLS_PIDFILE=$LAB_RUN_DIR/tls-front.pid

lab_tls_uri() {
  printf 'qemu+tls://localhost:%s/session?pkipath=%s/client' \
    "$((LAB_TLS_PORT_BASE + $1))" "$LAB_TLS_DIR"
}

# lab_tls_cert NAME SUBJECT EXTENSIONS — a key and a certificate signed by the lab's CA.
lab_tls_cert() {
  local dir=$LAB_TLS_DIR
  openssl req -new -newkey rsa:2048 -nodes -subj "$2" -keyout "$dir/$1key.pem" \
    -out "$dir/$1.csr" 2>/dev/null
  printf '%s\n' "$3" >"$dir/$1.ext"
  openssl x509 -req -in "$dir/$1.csr" -CA "$dir/cacert.pem" -CAkey "$dir/cakey.pem" \
    -CAcreateserial -days 3650 -extfile "$dir/$1.ext" -out "$dir/$1cert.pem" 2>/dev/null
  chmod 600 "$dir/$1key.pem"
}

# lab_tls_setup — the CA and the two certificates, once (cheap to repeat).
lab_tls_setup() {
  local dir=$LAB_TLS_DIR
  install -d -m 700 "$dir" "$dir/client"
  if [ ! -s "$dir/cacert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=vmdeck lab CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$dir/cakey.pem" -out "$dir/cacert.pem" 2>/dev/null
    chmod 600 "$dir/cakey.pem"
  fi
  [ -s "$dir/servercert.pem" ] || lab_tls_cert server "/CN=localhost" \
    "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1"
  [ -s "$dir/clientcert.pem" ] || lab_tls_cert client "/CN=vmdeck lab client" \
    "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  install -m 644 "$dir/cacert.pem" "$dir/clientcert.pem" "$dir/client/"
  install -m 600 "$dir/clientkey.pem" "$dir/client/"
}

lab_tls_running() { pid_alive "$LAB_TLS_PIDFILE" python3; }
lab_tls_answers() { virsh -q -c "$(lab_tls_uri "${LAB_HOST_IDS[0]}")" version </dev/null >/dev/null 2>&1; }

# lab_tls_start — starts the TLS front unless it runs; waits until host 1 answers through it.
lab_tls_start() {
  local n forwards=()
  mkdir -p "$LAB_RUN_DIR" "$LAB_LOG_DIR"
  if ! lab_tls_running; then
    for n in "${LAB_HOST_IDS[@]}"; do
      forwards+=(--forward "$((LAB_TLS_PORT_BASE + n))=$(lab_sock "$n")")
    done
    # setsid: see lab_incus_start.
    (cd / && exec setsid python3 "$LAB_TLS_FRONT" --cert "$LAB_TLS_DIR/servercert.pem" \
      --key "$LAB_TLS_DIR/serverkey.pem" --ca "$LAB_TLS_DIR/cacert.pem" "${forwards[@]}") \
      </dev/null >>"$LAB_LOG_DIR/tls-front.log" 2>&1 &
    echo $! >"$LAB_TLS_PIDFILE"
  fi
  wait_for 10 lab_tls_answers ||
    lab_die "no libvirt answer over TLS on 127.0.0.1:$((LAB_TLS_PORT_BASE + 1)) (see $LAB_LOG_DIR/tls-front.log)"
}

lab_tls_stop() { kill_pidfile "$LAB_TLS_PIDFILE" python3 10; }
