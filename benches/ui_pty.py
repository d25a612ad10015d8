#!/usr/bin/env python3
"""The real release binary in a pseudo-terminal, as an admin runs it.

  idle  [--secs 60] [--sim HOSTSxVMS]
                           CPU (utime+stime from /proc/PID/stat) and bytes written to the
                           terminal over SECS seconds once the list is loaded, at the lab's
                           3 libvirt hosts (a config of only those is written), or at HOSTS
                           simulated hosts (libvirt `test:///` node files) of VMS domains.
  keys  [--vms 10000]      filter keystrokes and PgDn on one libvirt `test:///` host with VMS
                           domains (a generated node XML): time from writing the key until the
                           frame it causes is written (the end of the burst of output).
  escape [--guest lab3-db]  `Ctrl-]` during a console flood of a lab guest (20 000-line
                           `seq` runs and a 1 MB line): time from the key until the list's
                           hints are written, the flood still running.

Results and the machine go in benches/README.md. Run from the repository; needs the lab for
`idle` (`bash lab/up.sh`) and a release build (`cargo build --release`).
"""

import argparse
import fcntl
import os
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import uuid

BINARY = os.environ.get("VMDECK", "./target/release/vmdeck")
COLS, ROWS = 160, 48


class Pty:
    """vmdeck on the slave side; a thread reads the master, timestamps each chunk."""

    def __init__(self, args, home):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = dict(os.environ, TERM="xterm-256color",
                   XDG_CONFIG_HOME=f"{home}/config", XDG_DATA_HOME=f"{home}/data")
        env.pop("VMDECK_CONFIG", None)
        self.proc = subprocess.Popen([BINARY, *args], stdin=slave, stdout=slave, stderr=slave,
                                     env=env, start_new_session=True,
                                     preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.master = master
        self.lock = threading.Lock()
        self.out = bytearray()
        self.last = time.monotonic()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self.out += data
                self.last = time.monotonic()

    def size(self):
        with self.lock:
            return len(self.out)

    def wait_for(self, pattern, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if re.search(pattern, self.out):
                    return
            time.sleep(0.05)
        sys.exit(f"timed out waiting for {pattern!r}")

    def quiet(self, gap):
        """Waits until nothing was written for `gap` seconds; returns the last write's time."""
        while True:
            with self.lock:
                last = self.last
            if time.monotonic() - last >= gap:
                return last
            time.sleep(gap / 10)

    def key(self, data, gap=0.05):
        """Writes a key; seconds until the end of the output it caused (None: no output)."""
        self.quiet(gap)
        before = self.size()
        sent = time.monotonic()
        os.write(self.master, data)
        deadline = sent + 2
        while self.size() == before and time.monotonic() < deadline:
            time.sleep(0.0005)
        if self.size() == before:
            return None
        return self.quiet(gap) - sent

    def cpu_ticks(self, ui_thread=False):
        """The process's CPU ticks, or only its main thread's (the UI's: `update` and
        drawing), which leaves out the backends' threads and a test driver's work."""
        pid = self.proc.pid
        path = f"/proc/{pid}/task/{pid}/stat" if ui_thread else f"/proc/{pid}/stat"
        with open(path) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime

    def stop(self):
        os.write(self.master, b"q")
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def lab_config(path):
    uris = [subprocess.check_output(["bash", "lab/ctl.sh", "uri", str(n)], text=True).strip()
            for n in (1, 2, 3)]
    hosts = ",\n".join(f'  {{ name = "lab{n}", uri = "{u}" }}' for n, u in enumerate(uris, 1))
    with open(path, "w") as f:
        f.write(f'[[pool]]\nname = "lab"\nhosts = [\n{hosts}\n]\n')


def sim_config(path, home, hosts, vms):
    lines = []
    for h in range(hosts):
        node = f"{home}/node-{h:04}.xml"
        node_xml(node, vms, prefix=f"h{h:04}-")
        lines.append(f'  {{ name = "sim{h:04}", uri = "test://{node}" }}')
    with open(path, "w") as f:
        f.write('[[pool]]\nname = "sim"\nhosts = [\n' + ",\n".join(lines) + "\n]\n")


def idle(args):
    with tempfile.TemporaryDirectory() as home:
        config = f"{home}/vmdeck.toml"
        if args.sim:
            hosts, vms = (int(n) for n in args.sim.split("x"))
            sim_config(config, home, hosts, vms)
            where = f"{hosts} simulated hosts x {vms} VMs"
        else:
            hosts = 3
            lab_config(config)
            where = "3 lab hosts"
        tui = Pty(["--config", config], home)
        # Loaded: every host up (the header turns green, so written whole) and the screen
        # quiet. (The terminal gets only changed cells: a count is rarely written whole.)
        tui.wait_for(rf"hosts {hosts}/{hosts} up".encode(), timeout=300)
        tui.quiet(3)
        time.sleep(args.settle)
        ticks, ui, written = tui.cpu_ticks(), tui.cpu_ticks(ui_thread=True), tui.size()
        start = time.monotonic()
        time.sleep(args.secs)
        secs = time.monotonic() - start
        ticks, written = tui.cpu_ticks() - ticks, tui.size() - written
        ui = tui.cpu_ticks(ui_thread=True) - ui
        tui.stop()

    def per_cent(t):
        return 100.0 * t / os.sysconf("SC_CLK_TCK") / secs

    print(f"idle over {secs:.0f} s at {where}: {per_cent(ticks):.3f} % of one core "
          f"({ticks} ticks; the UI thread {per_cent(ui):.3f} %), "
          f"{written} bytes written to the terminal")


def node_xml(path, vms, prefix=""):
    """A libvirt test driver node with `vms` running domains `vm-00000`…"""
    with open(path, "w") as f:
        f.write("<node>\n<cpu><nodes>1</nodes><sockets>2</sockets><cores>16</cores>"
                "<threads>2</threads><active>64</active><mhz>2400</mhz>"
                "<model>x86_64</model></cpu>\n<memory>536870912</memory>\n")
        for i in range(vms):
            f.write(f"<domain type='test'><name>{prefix}vm-{i:05}</name><uuid>{uuid.uuid4()}</uuid>"
                    "<memory>1048576</memory><vcpu>1</vcpu><os><type>hvm</type></os>"
                    "</domain>\n")
        f.write("</node>\n")


def summary(name, times):
    times = [t for t in times if t is not None]
    ms = sorted(t * 1000 for t in times)
    print(f"{name}: median {statistics.median(ms):.1f} ms, worst {ms[-1]:.1f} ms "
          f"over {len(ms)} keys")


def keys(args):
    with tempfile.TemporaryDirectory() as home:
        node = f"{home}/node.xml"
        node_xml(node, args.vms)
        config = f"{home}/vmdeck.toml"
        with open(config, "w") as f:
            f.write(f'[[pool]]\nname = "sim"\nhosts = [{{ name = "sim1", uri = "test://{node}" }}]\n')
        tui = Pty(["--config", config], home)
        tui.wait_for(rb"vm-0", timeout=120)
        tui.quiet(2)
        time.sleep(args.settle)
        pgdn = [tui.key(b"\x1b[6~") for _ in range(20)]
        tui.key(b"/")
        typed = []
        for _ in range(args.rounds):
            for c in b"9876":
                typed.append(tui.key(bytes([c])))
            for _ in range(4):
                typed.append(tui.key(b"\x7f"))
        tui.stop()
    summary(f"PgDn, {args.vms} VMs", pgdn)
    summary(f"filter keystroke, {args.vms} VMs", typed)


FLOODS = {
    "short lines": "seq 1 400000",
    "one 1 MB line": "head -c 1000000 /dev/zero | tr '\\0' x",
}


def escape(args):
    for name, command in FLOODS.items():
        with tempfile.TemporaryDirectory() as home:
            config = f"{home}/vmdeck.toml"
            lab_config(config)
            tui = Pty(["--config", config], home)
            tui.wait_for(rb"hosts 3/3 up")
            tui.quiet(1)
            tui.key(f"/{args.guest}\r".encode())
            tui.key(b"c")
            time.sleep(3)
            os.write(tui.master, b"y")  # should another client hold it
            tui.key(b"\r", gap=0.5)
            os.write(tui.master, f"{command}\r".encode())
            time.sleep(args.after)
            mark = tui.size()
            sent = time.monotonic()
            os.write(tui.master, b"\x1d")
            while True:
                with tui.lock:
                    if b"c attach" in tui.out[mark:]:
                        break
                time.sleep(0.001)
            took = time.monotonic() - sent
            os.write(tui.master, b"c")
            time.sleep(0.5)
            os.write(tui.master, b"\x03")
            time.sleep(1)
            os.write(tui.master, b"\x1d")
            tui.stop()
        print(f"Ctrl-] during a flood of {name}: {took * 1000:.0f} ms until the list's hints")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("idle")
    p.add_argument("--secs", type=float, default=60)
    p.add_argument("--sim", help="HOSTSxVMS simulated hosts instead of the lab")
    p.add_argument("--settle", type=float, default=10, help="seconds after load, first")
    p = sub.add_parser("keys")
    p.add_argument("--vms", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--settle", type=float, default=3)
    p = sub.add_parser("escape")
    p.add_argument("--guest", default="lab3-db")
    p.add_argument("--after", type=float, default=1.5, help="seconds into the flood")
    args = parser.parse_args()
    {"idle": idle, "keys": keys, "escape": escape}[args.what](args)


if __name__ == "__main__":
    main()
