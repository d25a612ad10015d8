#!/usr/bin/env bash
# Builds the lab's guest images into $LAB_DIR/image (or the folder given as $1), each piece only
# when it is missing, so a re-run costs nothing:
#   vmlinuz, modules/*.ko      Debian's cloud kernel, fetched with `apt-get download` and
#                              unpacked with `dpkg -x` (never installed on this machine)
#   initrd.gz                  busybox-static initramfs whose /init gives a shell on ttyS0
#   lab.qcow2                  a bootable disk (grub-mkrescue ISO converted to qcow2)
#   incus/meta.tar.gz,
#   incus/rootfs.tar.gz        a busybox system container image for Incus
# Everything is world-readable: the QEMU processes run as the unprivileged lab host users.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$HERE/../lib.sh"

OUT=${1:-$LAB_IMAGE_DIR}
BUSYBOX=/bin/busybox
# The initramfs only insmods what it finds; see guest/init for why each is there.
MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk
virtio_balloon button evdev cdrom isofs fat vfat nls_cp437 nls_iso8859-1"

umask 022
mkdir -p "$OUT"
chmod 755 "$OUT"
WORK=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# busybox-static is a static binary, the only one the guests need; a dynamic busybox would
# boot to "not found" errors.
check_busybox() {
  [ -x "$BUSYBOX" ] || lab_die "$BUSYBOX missing (install busybox-static: lab/install-deps.sh)"
  if LC_ALL=C ldd "$BUSYBOX" >/dev/null 2>&1; then
    lab_die "$BUSYBOX is dynamically linked; install busybox-static"
  fi
}

kernel_package() {
  apt-cache depends linux-image-cloud-amd64 2>/dev/null |
    awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

# The meta package linux-image-cloud-amd64 depends on linux-image-6.1.0-N-cloud-amd64, which
# holds the files.
build_kernel() {
  [ -s "$OUT/vmlinuz" ] && [ -d "$OUT/modules" ] && return 0
  lab_log "image: fetching the cloud kernel"
  local pkg dl ver m f
  pkg=$(kernel_package)
  if [ -z "$pkg" ]; then
    # Images that dropped their package lists (/var/lib/apt/lists) need them back first.
    apt-get update -q >"$WORK/apt-update.log" 2>&1 || cat "$WORK/apt-update.log" >&2
    pkg=$(kernel_package)
  fi
  [ -n "$pkg" ] || lab_die "apt-cache knows no linux-image-cloud-amd64"
  dl=$WORK/dl
  mkdir -p "$dl"
  # apt's download sandbox user must be able to write there, or apt warns about it.
  chown _apt "$dl" 2>/dev/null || true
  (cd "$dl" && apt-get download -q "$pkg" >"$WORK/apt-download.log" 2>&1) ||
    { cat "$WORK/apt-download.log" >&2; lab_die "apt-get download $pkg failed"; }
  dpkg -x "$dl"/*.deb "$WORK/kernel"
  ver=$(basename "$(ls -d "$WORK"/kernel/lib/modules/*)")
  mkdir -p "$WORK/modules"
  for m in $MODULES; do
    f=$(find "$WORK/kernel/lib/modules/$ver" -name "$m.ko" | head -n1)
    if [ -n "$f" ]; then cp "$f" "$WORK/modules/"; else lab_log "image: module $m not found"; fi
  done
  chmod 644 "$WORK"/modules/*.ko
  rm -rf "$OUT/modules"
  mv "$WORK/modules" "$OUT/modules"
  echo "$ver" >"$OUT/kernel.version"
  install -m 644 "$WORK/kernel/boot/vmlinuz-$ver" "$OUT/vmlinuz.tmp"
  mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
  rm -rf "$WORK/kernel" "$dl"
}

build_initrd() {
  [ -s "$OUT/initrd.gz" ] && [ "$OUT/initrd.gz" -nt "$HERE/init" ] &&
    [ "$OUT/initrd.gz" -nt "$HERE/acpi-power" ] && return 0
  lab_log "image: building initrd.gz"
  local r=$WORK/initrd
  mkdir -p "$r"/{bin,proc,sys,dev,tmp,root,etc/acpi/PWRF,lib/modules,run}
  cp "$BUSYBOX" "$r/bin/busybox"
  install -m 755 "$HERE/init" "$r/init"
  install -m 755 "$HERE/acpi-power" "$r/etc/acpi/PWRF/00000080"
  cp "$OUT"/modules/*.ko "$r/lib/modules/"
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
  printf 'root:x:0:\n' >"$r/etc/group"
  (cd "$r" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -9) >"$OUT/initrd.gz.tmp"
  chmod 644 "$OUT/initrd.gz.tmp"
  mv "$OUT/initrd.gz.tmp" "$OUT/initrd.gz"
  # The disk embeds the initrd: rebuild it too.
  rm -f "$OUT/lab.qcow2"
}

# LAB.md: grub-mkrescue ISO converted to qcow2 boots from a virtio disk in about 6 s; no loop
# devices or mounts needed. Cheap (a few seconds), so always built.
build_disk() {
  [ -s "$OUT/lab.qcow2" ] && return 0
  lab_log "image: building lab.qcow2"
  local d=$WORK/disk
  mkdir -p "$d/boot/grub"
  cp "$OUT/vmlinuz" "$OUT/initrd.gz" "$d/boot/"
  cat >"$d/boot/grub/grub.cfg" <<'GRUB'
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry "vmdeck lab guest" {
  linux /boot/vmlinuz console=ttyS0 quiet vmdeck.name=lab-disk
  initrd /boot/initrd.gz
}
GRUB
  grub-mkrescue -o "$WORK/lab.iso" "$d" >"$WORK/grub.log" 2>&1 ||
    { cat "$WORK/grub.log" >&2; lab_die "grub-mkrescue failed"; }
  qemu-img convert -O qcow2 "$WORK/lab.iso" "$OUT/lab.qcow2.tmp"
  chmod 644 "$OUT/lab.qcow2.tmp"
  mv "$OUT/lab.qcow2.tmp" "$OUT/lab.qcow2"
}

# An Incus system container image without network: busybox init with a shell on the console.
build_incus() {
  [ -s "$OUT/incus/meta.tar.gz" ] && [ -s "$OUT/incus/rootfs.tar.gz" ] && return 0
  lab_log "image: building the Incus busybox image"
  local r=$WORK/rootfs m=$WORK/meta p
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc,var/run,run} "$m"
  chmod 1777 "$r/tmp"
  cp "$BUSYBOX" "$r/bin/busybox"
  # Every applet as a symlink at its usual path; this includes sbin/init -> busybox.
  for p in $("$BUSYBOX" --list-full); do
    [ "$p" = bin/busybox ] || [ -e "$r/$p" ] || ln -s /bin/busybox "$r/$p"
  done
  cat >"$r/etc/inittab" <<'INITTAB'
::sysinit:/bin/hostname -F /etc/hostname
console::respawn:-/bin/sh
::shutdown:/bin/sync
INITTAB
  printf 'busybox\n' >"$r/etc/hostname"
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
  printf 'root:x:0:\n' >"$r/etc/group"
  printf "export PATH=/bin:/sbin:/usr/bin:/usr/sbin PS1='# '\n" >"$r/etc/profile"
  # Incus writes the instance name into /etc/hostname through this template at creation.
  mkdir -p "$m/templates"
  printf '{{ container.name }}\n' >"$m/templates/hostname.tpl"
  cat >"$m/metadata.yaml" <<META
architecture: x86_64
creation_date: $(date +%s)
properties:
  description: vmdeck lab busybox ($("$BUSYBOX" 2>&1 | head -n1 | awk '{print $2}'))
  os: busybox
  release: lab
templates:
  /etc/hostname:
    when:
      - create
      - copy
    template: hostname.tpl
META
  mkdir -p "$WORK/incus"
  tar -C "$m" --numeric-owner --owner=0 --group=0 -czf "$WORK/incus/meta.tar.gz" .
  tar -C "$r" --numeric-owner --owner=0 --group=0 -czf "$WORK/incus/rootfs.tar.gz" .
  chmod 755 "$WORK/incus"
  chmod 644 "$WORK"/incus/*.tar.gz
  rm -rf "$OUT/incus"
  mv "$WORK/incus" "$OUT/incus"
}

check_busybox
build_kernel
build_initrd
build_disk
build_incus
