"""Each long-running process beats: a row per host and process, every ``BEAT_SECONDS``.

The worker starts its beat when huey's consumer starts (``on_startup``, below); the SMTP and
LMTP listeners around their serving loop (``management/serve.py``). The row carries the
host's roles and the queue's depth as this host sees it, so ``/healthz`` and ``ventanilla
status`` name a dead worker by its host instead of leaving it to be inferred from lag.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator

from django.db import DatabaseError, connections
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from ventanilla.core.beats import node_beat, node_beat_stop
from ventanilla.core.node import node_name, node_roles

log = logging.getLogger(__name__)

BEAT_SECONDS = 10.0
WORKER = "worker"
_start_lock = threading.Lock()


def _queue_depth() -> int | None:
    try:
        return int(HUEY.pending_count())
    except Exception:  # the queue server is down: the beat still says the process lives
        log.warning("queue depth unavailable", exc_info=True)
        return None


class Heartbeat(threading.Thread):
    """Beats for ``process`` until stopped; the row goes when it stops cleanly."""

    def __init__(self, process: str) -> None:
        super().__init__(name=f"heartbeat-{process}", daemon=True)
        self.process = process
        self.stopped = threading.Event()
        self._started_at = timezone.now()

    def beat(self) -> None:
        """Write one beat now."""
        node_beat(
            node=node_name(),
            process=self.process,
            roles=node_roles(),
            pid=os.getpid(),
            started_at=self._started_at,
            queue_depth=_queue_depth(),
        )

    def run(self) -> None:
        """Beat at once, then every ``BEAT_SECONDS``; forget the row when stopped."""
        try:
            while True:
                try:
                    self.beat()
                except DatabaseError:
                    log.warning("heartbeat of %s not written", self.process, exc_info=True)
                if self.stopped.wait(BEAT_SECONDS):
                    break
            with contextlib.suppress(DatabaseError):
                node_beat_stop(node=node_name(), process=self.process, pid=os.getpid())
        finally:
            connections.close_all()


@contextlib.contextmanager
def beating(process: str) -> Iterator[Heartbeat]:
    """Beat for ``process`` while the block runs."""
    heartbeat = Heartbeat(process)
    heartbeat.start()
    try:
        yield heartbeat
    finally:
        heartbeat.stopped.set()
        heartbeat.join(timeout=BEAT_SECONDS)


def _running(process: str) -> Heartbeat | None:
    for thread in threading.enumerate():
        if isinstance(thread, Heartbeat) and thread.process == process:
            return thread
    return None


def worker_beat_start() -> None:
    """Start the worker process's heartbeat (huey calls this in each worker thread: once)."""
    with _start_lock:
        if _running(WORKER) is None:
            Heartbeat(WORKER).start()


def worker_beat_stop() -> None:
    """Stop the beat on a graceful stop: the row goes, the host is not named dead."""
    heartbeat = _running(WORKER)
    if heartbeat is not None:
        heartbeat.stopped.set()
        heartbeat.join(timeout=BEAT_SECONDS)


HUEY.on_startup()(worker_beat_start)
HUEY.on_shutdown()(worker_beat_stop)
