"""The process supervisor behind ``ventanilla run``: start children, watch them, stop them.

Each child runs in its own process group (a terminal's Ctrl-C reaches only ``run``, which
then stops the children in order instead of all of them racing each other) and asks Linux to
be sent SIGTERM if ``run`` itself dies, so a ``kill -9`` of the parent never leaves a
listener holding its port. Stopping is polite first (each child's own graceful signal), then
SIGKILL after a grace period.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

STOP_GRACE_SECONDS = 10.0


@dataclass
class Child:
    """One supervised process: its name, how to stop it politely, and the process."""

    name: str
    argv: list[str]
    stop_signal: int
    process: subprocess.Popen[bytes] | None = None


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to SIGTERM us if ``run`` itself dies."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def child_start(child: Child, env: dict[str, str]) -> None:
    """Start ``child`` with ``env`` added to our environment, in its own process group."""
    child.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        child.argv,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **env},
        process_group=0,
        preexec_fn=_die_with_parent,
    )


def children_stop(children: list[Child], grace: float = STOP_GRACE_SECONDS) -> None:
    """Signal every running child, wait up to ``grace`` seconds, then SIGKILL the rest."""
    running = [c for c in children if c.process is not None and c.process.poll() is None]
    for child in running:
        assert child.process is not None
        child.process.send_signal(child.stop_signal)
    deadline = time.monotonic() + grace
    for child in running:
        assert child.process is not None
        try:
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()


def child_dead(children: list[Child]) -> Child | None:
    """Return the first child that has exited, if any."""
    for child in children:
        if child.process is not None and child.process.poll() is not None:
            return child
    return None


def port_open(host: str, port: int) -> bool:
    """Return True when something accepts TCP connections on ``host:port``."""
    connect_host = "127.0.0.1" if host in {"", "0.0.0.0"} else host  # noqa: S104
    if connect_host == "::":
        connect_host = "::1"
    try:
        with socket.create_connection((connect_host, port), timeout=0.5):
            return True
    except OSError:
        return False
