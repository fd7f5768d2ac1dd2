"""Three hosts for the cluster test: network namespaces on a bridge of their own.

Each host is a network namespace (``ip netns``) with a veth pair into a bridge in the root
namespace. The addresses are link-local (169.254.0.0/16, RFC 3927): never routed off this
machine. PostgreSQL listens on 127.0.0.1 only, which another namespace cannot reach, so a
``socat`` in the root namespace forwards the bridge address's port to it: the hosts reach
the database over TCP, through their own interface, as separate machines would.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass


def _ip(*args: str, check: bool = True) -> None:
    subprocess.run(["ip", *args], check=check, capture_output=True)


@dataclass
class Host:
    """One namespace: its name, address and the prefix that runs a command inside it."""

    name: str
    netns: str
    address: str

    def argv(self, *command: str) -> list[str]:
        """``command`` run inside this host's namespace."""
        return ["ip", "netns", "exec", self.netns, *command]


@dataclass
class Network:
    """The bridge, its address as the hosts see the root namespace, and the hosts."""

    gateway: str
    hosts: list[Host]


def _wait_port(host: str, port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), 0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing answers on {host}:{port}")


@contextlib.contextmanager
def cluster_network(count: int, forwards: dict[int, tuple[str, int]]) -> Iterator[Network]:
    """Make ``count`` hosts on a bridge; forward each gateway port to a (host, port) here."""
    if os.geteuid() != 0:
        raise RuntimeError("the cluster test makes network namespaces: it must run as root")
    if shutil.which("socat") is None:
        raise RuntimeError("socat is missing: scripts/services-up.sh installs it")
    tag = f"{os.getpid() % 100000}"
    subnet = 1 + os.getpid() % 250  # parallel runs (xdist) get their own subnet
    bridge, gateway = f"vcb{tag}", f"169.254.{subnet}.1"
    hosts = [Host(f"host{i}", f"vc{tag}n{i}", f"169.254.{subnet}.{10 + i}") for i in range(count)]
    forwarders: list[subprocess.Popen[bytes]] = []
    try:
        _ip("link", "add", bridge, "type", "bridge")
        _ip("addr", "add", f"{gateway}/24", "dev", bridge)
        _ip("link", "set", bridge, "up")
        for i, host in enumerate(hosts):
            outer, inner = f"vc{tag}h{i}", f"vc{tag}i{i}"
            _ip("netns", "add", host.netns)
            _ip("link", "add", outer, "type", "veth", "peer", "name", inner)
            _ip("link", "set", outer, "master", bridge)
            _ip("link", "set", outer, "up")
            _ip("link", "set", inner, "netns", host.netns)
            _ip("-n", host.netns, "addr", "add", f"{host.address}/24", "dev", inner)
            _ip("-n", host.netns, "link", "set", inner, "up")
            _ip("-n", host.netns, "link", "set", "lo", "up")
        for port, (target, target_port) in forwards.items():
            forwarders.append(
                subprocess.Popen(
                    [
                        "socat",
                        f"TCP-LISTEN:{port},bind={gateway},fork,reuseaddr",
                        f"TCP:{target}:{target_port}",
                    ],
                    stdin=subprocess.DEVNULL,
                )
            )
            _wait_port(gateway, port)
        yield Network(gateway, hosts)
    finally:
        for forwarder in forwarders:
            forwarder.kill()
            forwarder.wait()
        for host in hosts:
            _ip("netns", "del", host.netns, check=False)
        _ip("link", "del", bridge, check=False)


def process_tree(pid: int) -> list[int]:
    """``pid`` and every descendant of it (read from /proc: children first found, then theirs)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree
