"""Group commit for the SMTP/LMTP edges: one writer thread, one transaction for many sessions.

Each message's ``250`` waits for a commit (and, on SQLite ``synchronous=FULL``, an fsync). With
one transaction per message, concurrent sessions queue behind each other's fsyncs (SQLite has
one writer) and each pays its own round trips. Here the sessions hand their bytes to a single
writer thread, which takes whatever is queued (waiting at most ``max_wait`` seconds for more,
up to ``max_batch`` messages or ``max_batch_bytes``), stores them all with ``ingest_raw_many``
in one transaction, and only then resolves each session's future: the rule "250 only after
the bytes are committed" holds for every message of the group.

If the group's transaction fails, its messages are stored one by one with ``ingest_raw``, so
one message the database refuses cannot make the others ``451``; if the database itself is
unavailable (``OperationalError``/``InterfaceError``) the rest of the group fails at once
instead of waiting out the same lock or connection timeout once per message.

The writer keeps its database connection between groups (no connect per message) and closes
it after ``idle_close`` seconds without work, after any error, and when stopped, so an idle
listener holds no server slot.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError, connections

from ventanilla.intake.ingest import IngestResult, RawMail, ingest_raw, ingest_raw_many

log = logging.getLogger(__name__)


class CommitterClosedError(RuntimeError):
    """The writer has stopped: the message was not stored."""


@dataclass(frozen=True)
class _Job:
    mail: RawMail
    future: Future[IngestResult]


class GroupCommitter:
    """A writer thread storing queued messages in groups; ``store()`` awaits one message."""

    def __init__(
        self,
        *,
        name: str = "ingest",
        max_batch: int = 64,
        max_batch_bytes: int = 32 * 1024 * 1024,
        max_wait: float = 0.002,
        idle_close: float = 1.0,
    ) -> None:
        """Start the writer thread (a daemon: it never keeps the process alive)."""
        self.max_batch = max_batch
        self.max_batch_bytes = max_batch_bytes
        self.max_wait = max_wait
        self.idle_close = idle_close
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        # Guards _closed against submit(): nothing may be queued after the stop sentinel,
        # or its future would never be resolved.
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=f"{name}-writer", daemon=True)
        self._thread.start()

    def submit(self, mail: RawMail) -> Future[IngestResult]:
        """Queue ``mail``; the future resolves once it is committed, or fails."""
        future: Future[IngestResult] = Future()
        with self._lock:
            if self._closed:
                future.set_exception(CommitterClosedError("the intake writer has stopped"))
            else:
                self._queue.put(_Job(mail, future))
        return future

    async def store(self, mail: RawMail) -> IngestResult:
        """Store ``mail`` with the next group; return once committed (raises if not stored)."""
        return await asyncio.wrap_future(self.submit(mail))

    def close(self) -> None:
        """Store what is queued, then stop the writer and close its connection."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        try:
            stop = False
            while not stop:
                batch, stop = self._collect()
                if batch:
                    self._commit(batch)
        finally:
            connections.close_all()

    def _next(self, timeout: float | None) -> _Job | None:
        """Return the next live job, or None to stop; ``queue.Empty`` after ``timeout``.

        ``timeout`` None waits for ever, 0 only takes what is already queued.
        """
        while True:
            job = self._queue.get(timeout=timeout) if timeout != 0 else self._queue.get_nowait()
            # A session that went away (its task cancelled) no longer waits: skip its mail.
            if job is None or job.future.set_running_or_notify_cancel():
                return job

    def _collect(self) -> tuple[list[_Job], bool]:
        """Wait for a first job, then gather more for up to ``max_wait`` seconds."""
        try:
            first = self._next(self.idle_close)
        except queue.Empty:
            connections.close_all()  # idle: give the database its connection slot back
            first = self._next(None)
        if first is None:
            return [], True
        batch, size = [first], len(first.mail.raw)
        deadline = time.monotonic() + self.max_wait
        while len(batch) < self.max_batch and size < self.max_batch_bytes:
            try:
                # Past the deadline, still take whatever is already queued (no waiting).
                job = self._next(max(deadline - time.monotonic(), 0.0))
            except queue.Empty:
                break
            if job is None:
                return batch, True
            batch.append(job)
            size += len(job.mail.raw)
        return batch, False

    def _commit(self, batch: list[_Job]) -> None:
        try:
            results = ingest_raw_many([job.mail for job in batch])
        except Exception as exc:
            connections.close_all()  # the connection may be broken; the next call reconnects
            if len(batch) == 1:
                batch[0].future.set_exception(exc)
                return
            log.warning("group of %d not stored (%s); storing one by one", len(batch), exc)
            self._one_by_one(batch)
            return
        for job, result in zip(batch, results, strict=True):
            job.future.set_result(result)

    def _one_by_one(self, batch: list[_Job]) -> None:
        down: Exception | None = None
        for job in batch:
            if down is not None:
                job.future.set_exception(down)
                continue
            mail = job.mail
            try:
                result = ingest_raw(
                    mail.raw,
                    source=mail.source,
                    envelope_from=mail.envelope_from,
                    envelope_to=mail.envelope_to,
                )
            except (OperationalError, InterfaceError) as exc:
                connections.close_all()
                down = exc  # the database, not this message: the others would fail alike
                job.future.set_exception(exc)
            except Exception as exc:
                connections.close_all()
                job.future.set_exception(exc)
            else:
                job.future.set_result(result)
