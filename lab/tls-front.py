#!/usr/bin/env python3
"""A TLS listener in front of a lab host's unix socket, so that vmdeck meets `qemu+tls://` as
admins use it: each --forward PORT=SOCKET listens on 127.0.0.1:PORT, demands a client
certificate signed by the lab's CA (as libvirtd's TLS listener does), and forwards the
decrypted stream to the session daemon's socket. A session libvirtd cannot listen on TCP
itself; the RPC inside the TLS session is the same.

  python3 lab/tls-front.py --cert server.pem --key serverkey.pem --ca cacert.pem \
      --forward 16601=/home/labh1/run/libvirt/libvirt-sock
Stops on SIGTERM/SIGINT.
"""

import argparse
import asyncio
import signal
import ssl


async def pump(reader, writer):
    try:
        while True:
            data = await reader.read(1 << 16)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


def handler(upstream):
    async def serve(client_reader, client_writer):
        try:
            up_reader, up_writer = await asyncio.open_unix_connection(upstream)
        except OSError:
            client_writer.close()
            return
        # libvirtd's TLS listener sends one byte after the handshake to say it accepted the
        # client's certificate; the client waits for it before its first call.
        client_writer.write(b"\x01")
        await asyncio.gather(pump(client_reader, up_writer), pump(up_reader, client_writer))

    return serve


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--forward", action="append", required=True, metavar="PORT=SOCKET")
    args = parser.parse_args()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=args.ca)
    context.load_cert_chain(args.cert, args.key)
    context.verify_mode = ssl.CERT_REQUIRED
    # No TLS 1.3 session tickets: libvirt's client takes the first record after the
    # handshake for the confirmation byte, and a ticket there reads as "try again".
    context.num_tickets = 0
    servers = []
    for pair in args.forward:
        port, _, upstream = pair.partition("=")
        servers.append(
            await asyncio.start_server(handler(upstream), "127.0.0.1", int(port), ssl=context)
        )
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


if __name__ == "__main__":
    asyncio.run(main())
