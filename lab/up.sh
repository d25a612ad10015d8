#!/usr/bin/env bash
# Brings the vmdeck lab up, or checks that it is up: three libvirt hosts (session daemons of
# users labh1..3) with seed guests, one Incus server with busybox containers, an sshd on
# 127.0.0.1 in front of the libvirt hosts, $LAB_DIR/vmdeck.toml describing them and
# $LAB_DIR/vmdeck-ssh.toml reaching the libvirt hosts over SSH, a TLS front for them
# ($LAB_DIR/vmdeck-tls.toml). Idempotent: a second run only verifies.
# Env: LAB_DIR (default /var/tmp/vmdeck-lab), LAB_VMS=N extra shut-off domains per host.
# Exits 0 only when every host answers and every seed is in its state.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

LAB_VMS=${LAB_VMS:-0}
[[ $LAB_VMS =~ ^[0-9]+$ ]] || lab_die "LAB_VMS must be a number, not '$LAB_VMS'"
T0=$(date +%s)

# Seeds per host N: name suffix, vmdeck type, group, wanted state.
SEEDS=("web small web running" "db medium db running" "spare small spare shut-off")
# Seed sizes are kept tiny (TCG, 2 cores, up to 9 guests); the type is metadata only.
GUEST_MIB=128

preflight() {
  [ "$(id -u)" -eq 0 ] || lab_die "run as root (creates users, starts incusd)"
  local c missing=""
  for c in virsh incus qemu-system-x86_64 qemu-img busybox cpio grub-mkrescue xorriso \
    "$LIBVIRTD" "$INCUSD" "$SSHD" ssh-keygen nc python3 openssl; do
    command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
  done
  if [ -n "$missing" ]; then
    lab_log "missing:$missing — running lab/install-deps.sh"
    "$HERE/install-deps.sh"
  fi
  install -d -m 755 "$LAB_DIR" "$LAB_DIR/hosts"
  install -d -m 700 "$LAB_RUN_DIR" "$LAB_LOG_DIR"
}

# domain_xml NAME TYPE GROUP [DISK] — a TCG guest booting the lab kernel directly, console on
# ttyS0, no NIC (no addresses may be created here), no graphics, vmdeck metadata stamped.
domain_xml() {
  local name=$1 type=$2 group=$3 disk=${4:-}
  cat <<XML
<domain type='qemu'>
  <name>$name</name>
  <metadata>
    <vmdeck:vm xmlns:vmdeck="https://vmdeck.dev/xmlns/vm/1" type="$type" group="$group" set="" image="lab-busybox"/>
  </metadata>
  <memory unit='MiB'>$GUEST_MIB</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$LAB_IMAGE_DIR/vmlinuz</kernel>
    <initrd>$LAB_IMAGE_DIR/initrd.gz</initrd>
    <cmdline>console=ttyS0 vmdeck.name=$name</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
XML
  if [ -n "$disk" ]; then
    cat <<XML
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$disk'/>
      <target dev='vda' bus='virtio'/>
    </disk>
XML
  fi
  cat <<XML
    <controller type='usb' model='none'/>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <memballoon model='virtio'><stats period='5'/></memballoon>
  </devices>
</domain>
XML
}

pool_running() { lab_virsh "$1" pool-info default | grep -E '^State: +running' >/dev/null; }

# The storage pool `default` of host N, with the lab disk as an image volume and an overlay
# on it for labN-spare (so storage views show allocation and clones have a disk to work on).
setup_pool() {
  local n=$1 dir user
  dir=$LAB_DIR/hosts/lab$n/images
  user=$(lab_user "$n")
  if ! lab_virsh "$n" pool-info default >/dev/null 2>&1; then
    lab_virsh "$n" pool-define-as default dir --target "$dir" >/dev/null
  fi
  # (a freshly started daemon autostarts the pool in the background: it may win the race)
  if ! pool_running "$n"; then
    lab_virsh "$n" pool-start default >/dev/null 2>&1 || wait_for 10 pool_running "$n" ||
      lab_die "lab$n: cannot start storage pool default"
  fi
  if ! lab_virsh "$n" pool-info default | grep -E '^Autostart: +yes' >/dev/null; then
    lab_virsh "$n" pool-autostart default >/dev/null
  fi
  if [ ! -s "$dir/lab-busybox.qcow2" ]; then
    install -o "$user" -g "$user" -m 644 "$LAB_IMAGE_DIR/lab.qcow2" "$dir/lab-busybox.qcow2"
  fi
  lab_virsh "$n" pool-refresh default >/dev/null
  setup_image_pool "$n"
  if ! lab_virsh "$n" vol-info --pool default "lab$n-spare.qcow2" >/dev/null 2>&1; then
    lab_virsh "$n" vol-create-as default "lab$n-spare.qcow2" 1G --format qcow2 \
      --backing-vol "$dir/lab-busybox.qcow2" --backing-vol-format qcow2 >/dev/null
  fi
}

# The storage pool `images` of host N: the lab disk registered as the image VMs are composed
# from (the pool's image_pool). Refreshed when the lab image was rebuilt, so composed VMs boot
# the current guest (which reads its cloud-init seed).
setup_image_pool() {
  local n=$1 dir user
  dir=$LAB_DIR/hosts/lab$n/base
  user=$(lab_user "$n")
  install -d -o "$user" -g "$user" -m 755 "$dir"
  if ! lab_virsh "$n" pool-info images >/dev/null 2>&1; then
    lab_virsh "$n" pool-define-as images dir --target "$dir" >/dev/null
  fi
  if ! lab_virsh "$n" pool-info images | grep -E '^State: +running' >/dev/null; then
    lab_virsh "$n" pool-start images >/dev/null 2>&1 || true
  fi
  lab_virsh "$n" pool-autostart images >/dev/null
  if [ ! -s "$dir/lab-busybox.qcow2" ] || [ "$LAB_IMAGE_DIR/lab.qcow2" -nt "$dir/lab-busybox.qcow2" ]; then
    install -o "$user" -g "$user" -m 644 "$LAB_IMAGE_DIR/lab.qcow2" "$dir/lab-busybox.qcow2"
  fi
  lab_virsh "$n" pool-refresh images >/dev/null
}

# HOST_OF[name]=N for every domain on every lab host (one `virsh list` per host).
declare -A HOST_OF=()
scan_domains() {
  local n d
  HOST_OF=()
  for n in "${LAB_HOST_IDS[@]}"; do
    while read -r d; do
      [ -n "$d" ] || continue
      # A name on several hosts (a transient copy left by a migration) counts at its home.
      if [ -z "${HOST_OF[$d]:-}" ] || [[ $d == lab$n-* ]]; then HOST_OF[$d]=$n; fi
    done < <(lab_virsh "$n" list --all --name)
  done
}

dom_state() { lab_virsh "$1" domstate "$2" | head -n1; }

# A seed found on another lab host (a test migrated it and did not bring it back) goes home,
# so that tests can rely on labN-* living on labN.
bring_home() {
  local name=$1 home=$2 at=${HOST_OF[$1]} xml
  lab_log "$name is on lab$at; moving it back to lab$home"
  if [ "$(dom_state "$at" "$name")" = running ]; then
    lab_virsh "$at" migrate --live --persistent --undefinesource "$name" \
      "$(lab_uri "$home")" tcp://127.0.0.1 >/dev/null
  else
    xml=$(mktemp)
    lab_virsh "$at" dumpxml --inactive --security-info "$name" >"$xml"
    lab_virsh "$at" undefine "$name" >/dev/null
    lab_virsh "$home" define "$xml" >/dev/null
    rm -f "$xml"
  fi
  HOST_OF[$name]=$home
}

setup_seeds() {
  local n=$1 seed suffix type group want name xml disk state
  for seed in "${SEEDS[@]}"; do
    read -r suffix type group want <<<"$seed"
    name=lab$n-$suffix
    if [ -n "${HOST_OF[$name]:-}" ] && [ "${HOST_OF[$name]}" != "$n" ]; then
      bring_home "$name" "$n"
    fi
    if [ -z "${HOST_OF[$name]:-}" ]; then
      disk=""
      [ "$suffix" = spare ] && disk=$LAB_DIR/hosts/lab$n/images/lab$n-spare.qcow2
      xml=$(mktemp)
      domain_xml "$name" "$type" "$group" "$disk" >"$xml"
      lab_virsh "$n" define "$xml" >/dev/null
      rm -f "$xml"
      HOST_OF[$name]=$n
      lab_log "lab$n: defined $name"
    fi
    state=$(dom_state "$n" "$name")
    case "$want:$state" in
      running:running | shut-off:"shut off") ;;
      running:paused) lab_virsh "$n" resume "$name" >/dev/null ;;
      running:*) lab_virsh "$n" start "$name" >/dev/null && lab_log "lab$n: started $name" ;;
      shut-off:*) lab_virsh "$n" destroy "$name" >/dev/null && lab_log "lab$n: stopped $name" ;;
    esac
  done
}

# LAB_VMS extra shut-off domains per host, defined by one virsh process reading a command
# per line (a virsh per domain would take minutes for hundreds).
setup_bulk() {
  local n=$1 i name tmp count=0
  [ "$LAB_VMS" -gt 0 ] || return 0
  tmp=$(mktemp -d)
  for ((i = 0; i < LAB_VMS; i++)); do
    printf -v name 'lab%s-bulk-%04d' "$n" "$i"
    [ -n "${HOST_OF[$name]:-}" ] && continue
    domain_xml "$name" small bulk >"$tmp/$name.xml"
    echo "define $tmp/$name.xml" >>"$tmp/cmds"
    count=$((count + 1))
  done
  if [ "$count" -gt 0 ]; then
    virsh -q -c "$(lab_uri "$n")" <"$tmp/cmds" >/dev/null
    lab_log "lab$n: defined $count bulk domains"
  fi
  rm -rf "$tmp"
}

# ---------------------------------------------------------------------------------------------

INCUS_PRESEED='storage_pools:
- name: default
  driver: dir
profiles:
- name: default
  description: vmdeck lab (no network)
  devices:
    root:
      path: /
      pool: default
      type: disk
'

incus_local() { incus "$@" </dev/null; }

# ensure_instance CLI NAME TYPE GROUP WANT TARGET — creates the instance from the lab image
# (on cluster member TARGET when given) and brings it to WANT (running|stopped).
ensure_instance() {
  local cli=$1 c=$2 type=$3 group=$4 want=$5 target=$6 state
  if ! "$cli" info "$c" >/dev/null 2>&1; then
    # (incus warns that the instance has no network: that is the point here)
    quietly "$cli" init busybox "$c" ${target:+--target "$target"} -c "user.vmdeck.type=$type" \
      -c "user.vmdeck.group=$group" -c user.vmdeck.image=busybox
    lab_log "incus: created $c${target:+ on $target}"
  fi
  # A test may have moved it to another member: back where the lab wants it.
  if [ -n "$target" ] && [ "$("$cli" list --format csv -c L "^$c\$")" != "$target" ]; then
    quietly "$cli" stop --force "$c" || true
    quietly "$cli" move "$c" --target "$target" && lab_log "incus: moved $c back to $target"
  fi
  state=$("$cli" list --format csv -c s "^$c\$")
  case "$want:$state" in
    running:RUNNING | stopped:STOPPED) ;;
    running:FROZEN) quietly "$cli" resume "$c" ;;
    running:*) quietly "$cli" start "$c" && lab_log "incus: started $c" ;;
    stopped:*) quietly "$cli" stop --force "$c" && lab_log "incus: stopped $c" ;;
  esac
}

# The cluster's bootstrap member: a dir pool, no network. (A short offline threshold, so that a
# member that stops is seen as offline within seconds, is set once the cluster exists.)
cluster_bootstrap_preseed() {
  cat <<YAML
config:
  core.https_address: $(cluster_address 1)
storage_pools:
- name: default
  driver: dir
profiles:
- name: default
  description: vmdeck lab cluster (no network)
  devices:
    root:
      path: /
      pool: default
      type: disk
cluster:
  server_name: node1
  enabled: true
YAML
}

# cluster_join_preseed N TOKEN — member N joins through node1.
cluster_join_preseed() {
  local cert
  cert=$(sed 's/$/\\n/' "$(cluster_dir 1)/cluster.crt" | tr -d '\n')
  cat <<YAML
cluster:
  enabled: true
  server_name: node$1
  server_address: $(cluster_address "$1")
  cluster_address: $(cluster_address 1)
  cluster_certificate: "$cert"
  cluster_token: $2
  member_config:
  - entity: storage-pool
    name: default
    key: source
    value: ""
YAML
}

cluster_all_online() {
  local members
  members=$(cluster_incus 1 cluster list --format csv 2>/dev/null) || return 1
  [ "$(grep -c ',ONLINE,Fully operational' <<<"$members")" -eq "${#CLUSTER_MEMBER_IDS[@]}" ]
}

member_clustered() { cluster_incus "$1" query /1.0 | grep -q '"server_clustered": true'; }

setup_cluster() {
  local n token c
  for n in "${CLUSTER_MEMBER_IDS[@]}"; do lab_member_launch "$n"; done
  for n in "${CLUSTER_MEMBER_IDS[@]}"; do lab_member_wait "$n"; done
  if ! member_clustered 1; then
    lab_log "incus cluster: bootstrapping node1"
    cluster_bootstrap_preseed | INCUS_DIR=$(cluster_dir 1) incus admin init --preseed >/dev/null
    quietly cluster_incus 1 config set cluster.offline_threshold 11
  fi
  for n in "${CLUSTER_MEMBER_IDS[@]:1}"; do
    member_clustered "$n" && continue
    lab_log "incus cluster: node$n joins"
    cluster_incus 1 cluster remove --force --yes "node$n" >/dev/null 2>&1 || true
    token=$(cluster_incus 1 cluster add "node$n" --quiet)
    cluster_join_preseed "$n" "$token" | INCUS_DIR=$(cluster_dir "$n") incus admin init --preseed >/dev/null
  done
  if ! cluster_incus 1 image alias list --format csv | grep '^busybox,' >/dev/null; then
    lab_log "incus cluster: importing image busybox"
    quietly cluster_incus 1 image import "$LAB_IMAGE_DIR/incus/meta.tar.gz" \
      "$LAB_IMAGE_DIR/incus/rootfs.tar.gz" --alias busybox
  fi
  # After a restart a member answers before the cluster counts it in ("Server isn't ready yet").
  wait_for 60 cluster_all_online || lab_die "incus cluster: not all members online"
  for c in "k1 small web running node1" "k2 small web running node2" "k3 small spare stopped node2"; do
    # shellcheck disable=SC2086  # one word per field
    ensure_instance cluster_node1 $c
  done
}

cluster_node1() { cluster_incus 1 "$@"; }

setup_incus() {
  lab_incus_start
  if ! incus storage show default </dev/null >/dev/null 2>&1; then
    lab_log "incus: initialising (dir pool, no network)"
    printf '%s' "$INCUS_PRESEED" | incus admin init --preseed >/dev/null
  fi
  if ! incus image alias list --format csv </dev/null | grep '^busybox,' >/dev/null; then
    lab_log "incus: importing image busybox"
    quietly incus image import "$LAB_IMAGE_DIR/incus/meta.tar.gz" \
      "$LAB_IMAGE_DIR/incus/rootfs.tar.gz" --alias busybox
  fi
  local c
  for c in "c1 small web running" "c2 medium db running" "c3 small spare stopped"; do
    # shellcheck disable=SC2086  # one word per field
    ensure_instance incus_local $c ""
  done
}

write_config() {
  local f=$LAB_DIR/vmdeck.toml tmp n
  tmp=$(mktemp)
  {
    echo '# Written by lab/up.sh — the vmdeck lab.'
    echo '[[pool]]'
    echo 'name = "lab"'
    echo 'driver = "libvirt"'
    echo 'hosts = ['
    for n in "${LAB_HOST_IDS[@]}"; do
      # All hosts are this machine, and libvirt will not pick a local address for migration
      # data by itself, so the migration URI is given.
      printf '  { name = "lab%s", uri = "%s", migration_uri = "tcp://127.0.0.1" },\n' "$n" "$(lab_uri "$n")"
    done
    echo ']'
    cat <<'TOML'
# Nested KVM is unusable here: composed VMs are emulated (TCG).
virt_type = "qemu"
image_pool = "images"

[[pool.placement_group]]
name = "spread-hard"
policy = "vm-anti-affinity"
enforcement = "hard"

[[pool.placement_group]]
name = "spread-soft"
policy = "vm-anti-affinity"
enforcement = "soft"

[[pool]]
name = "lab-incus"
driver = "incus"
url = "unix:///var/lib/incus/unix.socket"
TOML
    printf '\n[[pool]]\nname = "lab-cluster"\ndriver = "incus"\nurl = "unix://%s"\n' \
      "$(cluster_socket 1)"
    cat <<'TOML'

[[vm_type]]
name = "small"
vcpus = 1
memory = "128MiB"
disk = "1GiB"

[[vm_type]]
name = "medium"
vcpus = 2
memory = "256MiB"
disk = "2GiB"
TOML
  } >"$tmp"
  if cmp -s "$tmp" "$f"; then rm -f "$tmp"; else chmod 644 "$tmp" && mv "$tmp" "$f"; fi
}

# The same libvirt hosts over TLS (lab/tls-front.py), in a file of their own as for SSH.
write_tls_config() {
  local f=$LAB_DIR/vmdeck-tls.toml tmp n
  tmp=$(mktemp)
  {
    echo "# Written by lab/up.sh — the lab's libvirt hosts over TLS (lab/tls-front.py, certificates in $LAB_TLS_DIR)."
    echo '[[pool]]'
    echo 'name = "lab-tls"'
    echo 'hosts = ['
    for n in "${LAB_HOST_IDS[@]}"; do
      printf '  { name = "lab%s", uri = "%s" },\n' "$n" "$(lab_tls_uri "$n")"
    done
    echo ']'
  } >"$tmp"
  install -m 644 "$tmp" "$f"
  rm -f "$tmp"
}

# The same libvirt hosts over SSH, in a file of their own: in vmdeck.toml each guest would be
# listed twice (once per pool), which the tests reading the lab's list do not expect.
write_ssh_config() {
  local f=$LAB_DIR/vmdeck-ssh.toml tmp n
  tmp=$(mktemp)
  {
    echo "# Written by lab/up.sh — the lab's libvirt hosts over SSH (sshd on 127.0.0.1:$LAB_SSH_PORT)."
    echo '[[pool]]'
    echo 'name = "lab-ssh"'
    echo 'driver = "libvirt"'
    echo 'hosts = ['
    for n in "${LAB_HOST_IDS[@]}"; do
      printf '  { name = "lab%s", uri = "%s", migration_uri = "tcp://127.0.0.1" },\n' "$n" "$(lab_ssh_uri "$n")"
    done
    echo ']'
    cat <<'TOML'
virt_type = "qemu"
image_pool = "images"

[[vm_type]]
name = "small"
vcpus = 1
memory = "128MiB"
disk = "1GiB"

[[vm_type]]
name = "medium"
vcpus = 2
memory = "256MiB"
disk = "2GiB"
TOML
  } >"$tmp"
  if cmp -s "$tmp" "$f"; then rm -f "$tmp"; else chmod 644 "$tmp" && mv "$tmp" "$f"; fi
}

# The exit status: every host answers, every seed is where and how it should be, incus answers.
verify() {
  local n seed suffix want name state bad=0 c
  for n in "${LAB_HOST_IDS[@]}"; do
    if ! lab_virsh "$n" list --all >/dev/null; then
      lab_log "FAIL: lab$n does not answer"
      bad=1
      continue
    fi
    for seed in "${SEEDS[@]}"; do
      read -r suffix _ _ want <<<"$seed"
      name=lab$n-$suffix
      state=$(dom_state "$n" "$name" 2>/dev/null || echo missing)
      [ "$state" = "${want/-/ }" ] || { lab_log "FAIL: $name is $state, not $want"; bad=1; }
    done
  done
  for n in "${LAB_HOST_IDS[@]}"; do
    virsh -q -c "$(lab_ssh_uri "$n")" version </dev/null >/dev/null 2>&1 ||
      { lab_log "FAIL: lab$n does not answer over SSH ($(lab_ssh_uri "$n"))"; bad=1; }
    virsh -q -c "$(lab_tls_uri "$n")" version </dev/null >/dev/null 2>&1 ||
      { lab_log "FAIL: lab$n does not answer over TLS ($(lab_tls_uri "$n"))"; bad=1; }
  done
  for c in c1:RUNNING c2:RUNNING c3:STOPPED; do
    state=$(incus list --format csv -c s "^${c%%:*}\$" </dev/null) || state=unknown
    [ "$state" = "${c#*:}" ] || { lab_log "FAIL: incus ${c%%:*} is $state"; bad=1; }
  done
  for c in k1:RUNNING:node1 k2:RUNNING:node2 k3:STOPPED:node2; do
    state=$(cluster_incus 1 list --format csv -c sL "^${c%%:*}\$") || state=unknown
    [ "$state" = "$(cut -d: -f2 <<<"$c"),${c##*:}" ] ||
      { lab_log "FAIL: cluster ${c%%:*} is $state"; bad=1; }
  done
  return "$bad"
}

summary() {
  local n
  echo
  echo "vmdeck lab is up ($(($(date +%s) - T0)) s) — state in $LAB_DIR"
  for n in "${LAB_HOST_IDS[@]}"; do
    printf '  lab%s  %s  pid %s  %s domains (%s running)\n' "$n" "$(lab_uri "$n")" \
      "$(cat "$(lab_pidfile "$n")")" "$(lab_virsh "$n" list --all --name | grep -c .)" \
      "$(lab_virsh "$n" list --name | grep -c .)"
  done
  printf '  incus %s  pid %s  %s\n' "unix://$INCUS_SOCKET" "$(cat "$INCUS_PIDFILE")" \
    "$(incus list --format csv -c ns </dev/null | tr '\n' ' ')"
  printf '  incus cluster %s  %s\n' "unix://$(cluster_socket 1)" \
    "$(cluster_incus 1 list --format csv -c nsL | tr '\n' ' ')"
  printf '  sshd  127.0.0.1:%s  pid %s  e.g. %s\n' "$LAB_SSH_PORT" "$(cat "$LAB_SSHD_PIDFILE")" \
    "$(lab_ssh_uri 1)"
  printf '  tls   127.0.0.1:%s-%s  pid %s  e.g. %s\n' "$((LAB_TLS_PORT_BASE + 1))" \
    "$((LAB_TLS_PORT_BASE + 3))" "$(cat "$LAB_TLS_PIDFILE")" "$(lab_tls_uri 1)"
  echo "  config: $LAB_DIR/vmdeck.toml (over SSH: $LAB_DIR/vmdeck-ssh.toml, over TLS: $LAB_DIR/vmdeck-tls.toml)"
  echo "  console: virsh -c \"$(lab_uri 1)\" console lab1-web"
}

preflight
"$HERE/guest/build-image.sh" "$LAB_IMAGE_DIR"
for n in "${LAB_HOST_IDS[@]}"; do lab_host_setup "$n"; done
# The daemons start in parallel: a first start probes QEMU's capabilities for a few seconds.
pids=()
for n in "${LAB_HOST_IDS[@]}"; do
  lab_host_start "$n" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || lab_die "a libvirt host did not start"; done
# The guests' QEMU runs as labhN: it must be able to read the kernel and initrd.
for n in "${LAB_HOST_IDS[@]}"; do
  runuser -u "$(lab_user "$n")" -- test -r "$LAB_IMAGE_DIR/initrd.gz" ||
    lab_die "$(lab_user "$n") cannot read $LAB_IMAGE_DIR (LAB_DIR must be world-searchable)"
done
scan_domains
for n in "${LAB_HOST_IDS[@]}"; do
  setup_pool "$n"
  setup_seeds "$n"
  setup_bulk "$n"
done
setup_incus
setup_cluster
lab_sshd_setup
lab_sshd_start
lab_tls_setup
lab_tls_start
write_config
write_ssh_config
write_tls_config
verify || lab_die "the lab is not in the expected state (logs: $LAB_LOG_DIR, $LAB_DIR/hosts/*)"
summary
