#!/usr/bin/env python3
"""A simulated fleet: N hosts of libvirt's test driver (`test:///FILE`, a real driver that runs
inside the client, no daemon) with M domains each, and a vmdeck config naming them all.

  python3 lab/fleet.py --hosts 1000 --vms 20 --dir /var/tmp/vmdeck-fleet
writes DIR/hosts/hNNNN.xml (one <node> per host: CPUs, memory and its domains) and
DIR/vmdeck.toml (pool "fleet" with every host, and the VM types the stamps name). Three in
four domains run; most carry a vmdeck stamp (type, group, set), some none, as on a real
fleet. Names and UUIDs are fixed by host and index, so two runs write the same files.
"""

import argparse
import os
import uuid

TEST_NS = "http://libvirt.org/schemas/domain/test/1.0"
STAMP_NS = "https://vmdeck.dev/xmlns/vm/1"
TYPES = [("small", 1, 1024), ("medium", 2, 4096), ("large", 4, 8192)]  # name, vCPUs, MiB
GROUPS = ["web", "db", "cache", "batch"]
SHUT_OFF = 5  # virDomainState


def domain_xml(host, index):
    name = f"h{host:04d}-vm-{index:03d}"
    dom_uuid = uuid.uuid5(uuid.NAMESPACE_URL, f"vmdeck-fleet/{name}")
    vm_type, vcpus, mib = TYPES[index % len(TYPES)]
    lines = [
        f"  <domain type='test' xmlns:test='{TEST_NS}'>",
        f"    <name>{name}</name>",
        f"    <uuid>{dom_uuid}</uuid>",
        f"    <memory unit='MiB'>{mib}</memory>",
        f"    <vcpu>{vcpus}</vcpu>",
        "    <os><type arch='x86_64'>hvm</type></os>",
    ]
    if index % 5 != 4:  # one in five has no stamp
        group = GROUPS[index % len(GROUPS)]
        vm_set = f"set-{index // 10}" if index % 2 == 0 else ""
        lines.append(
            f"    <metadata><vmdeck:vm xmlns:vmdeck='{STAMP_NS}' type='{vm_type}' "
            f"group='{group}' set='{vm_set}' image='fleet-base'/></metadata>"
        )
    if index % 4 == 3:
        lines.append(f"    <test:runstate>{SHUT_OFF}</test:runstate>")
    lines.append("  </domain>")
    return "\n".join(lines)


def node_xml(host, vms):
    head = [
        "<node>",
        "  <cpu><mhz>2400</mhz><model>x86_64</model><active>64</active><nodes>1</nodes>"
        "<sockets>2</sockets><cores>16</cores><threads>2</threads></cpu>",
        f"  <memory>{256 * 1024 * 1024}</memory>",
    ]
    return "\n".join(head + [domain_xml(host, i) for i in range(vms)] + ["</node>", ""])


def config(hosts_dir, count):
    hosts = ",\n".join(
        f'  {{ name = "h{h:04d}", uri = "test://{hosts_dir}/h{h:04d}.xml" }}' for h in range(count)
    )
    types = "".join(
        f'\n[[vm_type]]\nname = "{name}"\nvcpus = {vcpus}\nmemory = "{mib}MiB"\ndisk = "10GiB"\n'
        for name, vcpus, mib in TYPES
    )
    header = "# Written by lab/fleet.py: a simulated fleet of libvirt test-driver hosts.\n"
    return f'{header}[[pool]]\nname = "fleet"\ndriver = "libvirt"\nhosts = [\n{hosts},\n]\n{types}'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=int(os.environ.get("FLEET_HOSTS", "1000")))
    parser.add_argument("--vms", type=int, default=int(os.environ.get("FLEET_VMS", "20")))
    parser.add_argument("--dir", default=os.environ.get("FLEET_DIR", "/var/tmp/vmdeck-fleet"))
    args = parser.parse_args()
    hosts_dir = os.path.abspath(os.path.join(args.dir, "hosts"))
    os.makedirs(hosts_dir, mode=0o755, exist_ok=True)
    for name in os.listdir(hosts_dir):  # a smaller fleet than last time leaves no stale hosts
        if name.endswith(".xml"):
            os.unlink(os.path.join(hosts_dir, name))
    for host in range(args.hosts):
        with open(os.path.join(hosts_dir, f"h{host:04d}.xml"), "w", encoding="utf-8") as out:
            out.write(node_xml(host, args.vms))
    config_path = os.path.join(args.dir, "vmdeck.toml")
    with open(config_path, "w", encoding="utf-8") as out:
        out.write(config(hosts_dir, args.hosts))
    print(config_path)


if __name__ == "__main__":
    main()
