#!/usr/bin/env python3
"""Puts libvirt hosts behind a chosen round-trip time: each --forward LISTEN=UPSTREAM makes a
new unix socket LISTEN whose connections are forwarded to the unix socket UPSTREAM (a session
libvirtd's), every byte held back RTT/2 on its way in each direction. This kernel has no netem;
this is the same delay a WAN link adds, without its bandwidth limit or loss. Calls in flight
overlap as they would on the wire: a reply is never held behind a later request.

With --rpc-log FILE, each connection's libvirt RPC calls (client to daemon, by procedure) are
appended to FILE as one JSON line when it closes: what a bench counts as round trips, and
when each run of calls went out (ms since the connection opened).

  LAB_RTT_MS=50 python3 lab/rtt-proxy.py --forward /tmp/lab1.sock=/home/labh1/run/libvirt/libvirt-sock
Stops on SIGTERM/SIGINT and removes its sockets.
"""

import argparse
import asyncio
import collections
import json
import os
import signal
import struct
import time

# libvirt's remote program and the procedure numbers vmdeck and virsh use at connect
# (src/remote/remote_protocol.x); others are logged by number.
REMOTE_PROGRAM = 0x20008086
CALL = 0
PROCEDURES = {
    1: "connect_open", 2: "connect_close", 3: "connect_get_type", 4: "connect_get_version",
    6: "node_get_info", 7: "connect_get_capabilities", 14: "domain_get_xml_desc",
    15: "domain_get_autostart", 16: "domain_get_info", 24: "domain_lookup_by_uuid",
    59: "connect_get_hostname", 60: "connect_supports_feature", 66: "auth_list",
    87: "storage_pool_get_info", 101: "node_get_cells_free_memory", 110: "connect_get_uri",
    151: "domain_is_persistent", 157: "connect_get_lib_version", 212: "domain_get_state",
    230: "domain_get_vcpu_pin_info", 265: "domain_get_metadata",
    273: "connect_list_all_domains", 281: "connect_list_all_storage_pools",
    293: "node_get_cpu_map", 298: "domain_get_job_stats", 340: "node_get_free_pages",
    316: "connect_domain_event_callback_register_any",
    317: "connect_domain_event_callback_deregister_any",
    344: "connect_get_all_domain_stats", 360: "connect_register_close_callback",
    361: "connect_unregister_close_callback",
}


class CallCounter:
    """Reads libvirt RPC frames (4-byte length, then prog/vers/proc/type) off a byte stream."""

    def __init__(self):
        self.buffer = bytearray()
        self.calls = collections.Counter()
        self.started = time.monotonic()
        # [ms since the connection opened, procedure, calls in a row]
        self.timeline = []

    def feed(self, data):
        self.buffer += data
        while len(self.buffer) >= 4:
            (length,) = struct.unpack(">I", self.buffer[:4])
            if length < 4 or len(self.buffer) < length:
                return
            if length >= 28:
                prog, _vers, proc, kind = struct.unpack(">IIiI", self.buffer[4:20])
                if prog == REMOTE_PROGRAM and kind == CALL:
                    self.record(PROCEDURES.get(proc, str(proc)))
            del self.buffer[:length]


    def record(self, name):
        self.calls[name] += 1
        if self.timeline and self.timeline[-1][1] == name:
            self.timeline[-1][2] += 1
        else:
            ms = round((time.monotonic() - self.started) * 1000)
            self.timeline.append([ms, name, 1])


async def pump(reader, writer, delay, counter=None):
    """Copies reader to writer, each chunk written `delay` seconds after it was read."""
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    delivering = asyncio.ensure_future(deliver())
    try:
        while True:
            data = await reader.read(1 << 16)
            if not data:
                break
            if counter is not None:
                counter.feed(data)
            queue.put_nowait((time.monotonic() + delay, data))
    except ConnectionError:
        pass
    queue.put_nowait((time.monotonic() + delay, None))
    try:
        await delivering
    except ConnectionError:
        pass


def handler(upstream, delay, log, label):
    async def serve(client_reader, client_writer):
        try:
            up_reader, up_writer = await asyncio.open_unix_connection(upstream)
        except OSError:
            client_writer.close()
            return
        counter = CallCounter()
        started = time.monotonic()
        await asyncio.gather(
            pump(client_reader, up_writer, delay, counter),
            pump(up_reader, client_writer, delay),
        )
        if log:
            line = {
                "host": label,
                "seconds": round(time.monotonic() - started, 3),
                "calls": sum(counter.calls.values()),
                "by_procedure": dict(counter.calls.most_common()),
                "timeline": counter.timeline,
            }
            with open(log, "a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")

    return serve


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forward", action="append", required=True, metavar="LISTEN=UPSTREAM")
    parser.add_argument("--rtt-ms", type=float, default=float(os.environ.get("LAB_RTT_MS", "50")))
    parser.add_argument("--rpc-log", metavar="FILE")
    args = parser.parse_args()
    delay = args.rtt_ms / 2000.0
    servers = []
    for pair in args.forward:
        listen, _, upstream = pair.partition("=")
        if os.path.exists(listen):
            os.unlink(listen)
        serve = handler(upstream, delay, args.rpc_log, os.path.basename(listen))
        servers.append(await asyncio.start_unix_server(serve, path=listen))
        os.chmod(listen, 0o600)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers:
        server.close()
    for pair in args.forward:
        listen = pair.partition("=")[0]
        if os.path.exists(listen):
            os.unlink(listen)


if __name__ == "__main__":
    asyncio.run(main())
