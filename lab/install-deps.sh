#!/usr/bin/env bash
# Installs the Debian packages vmdeck and its lab need, only when something is missing.
# libvirt, QEMU and Incus come from bookworm-backports (see shared/LAB.md): the machine's
# qemu-utils is already from backports, so bookworm's qemu-system would be refused.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PKGS_BPO="libvirt-daemon-system libvirt-clients libvirt-dev qemu-system-x86 incus incus-client"
# openssh-server and netcat-openbsd: the lab's sshd and the `nc -U` it runs for libvirt's ssh
# transport (proxy=netcat); the package's own sshd is never started (no systemd here).
# python3 and openssl: the lab's TLS front (lab/tls-front.py) and its certificates.
PKGS_MAIN="pkg-config busybox-static cpio grub-pc-bin grub-common xorriso mtools tmux uuid-runtime procps iproute2 curl openssh-server openssh-client netcat-openbsd python3 openssl"

missing=""
for p in $PKGS_BPO $PKGS_MAIN; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing:$missing"

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
if ! grep -rqs "${codename}-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "deb http://deb.debian.org/debian ${codename}-backports main" | \
    $SUDO tee /etc/apt/sources.list.d/vmdeck-backports.list >/dev/null
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends -t "${codename}-backports" $PKGS_BPO
$SUDO apt-get install -y -q --no-install-recommends $PKGS_MAIN
