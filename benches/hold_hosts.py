#!/usr/bin/env python3
"""The memory floor of a simulated fleet: every host of DIR/hosts/*.xml opened through
libvirt's test driver (which keeps each host's parsed domains in its client) and held open at
once, as vmdeck holds them, in a process that does nothing else. Prints the host count and the
RSS in KB. Calls libvirt through ctypes, so it needs only libvirt.so.0.

  hold_hosts.py DIR
"""

import ctypes
import glob
import sys


def rss_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    libvirt = ctypes.CDLL("libvirt.so.0")
    libvirt.virConnectOpen.restype = ctypes.c_void_p
    libvirt.virConnectOpen.argtypes = [ctypes.c_char_p]
    before = rss_kb()
    held = []
    for path in sorted(glob.glob(f"{sys.argv[1]}/hosts/*.xml")):
        conn = libvirt.virConnectOpen(f"test://{path}".encode())
        if not conn:
            sys.exit(f"cannot open test://{path}")
        held.append(conn)
    print(len(held), rss_kb() - before)


if __name__ == "__main__":
    main()
