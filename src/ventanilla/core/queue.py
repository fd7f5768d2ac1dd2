"""huey for several hosts: locks that are database leases, periodic tasks once per cluster.

``settings.HUEY["huey_class"]`` names one of the classes at the bottom (SQLite, Redis or
PostgreSQL storage), all with the same two changes:

- ``lock_task`` takes a lease row (``core.leases``) instead of a key in the queue's store.
  The lease has an owner (``node:pid/token``) and an end, renewed while the holder works, so
  a host that dies holds nothing for longer than ``LOCK_SECONDS``; and a starting worker
  (``flush_locks``) releases only the leases of this host's dead processes, never another
  host's. A lock lost with a queue restart is no longer possible either: it is not there.
- ``read_periodic``, which the scheduler of every consumer calls each minute, keeps only the
  tasks whose period this scheduler claimed first (a unique row per task and minute), so each
  periodic task runs once per period however many hosts run a worker; they go ahead of the
  queue's backlog.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from types import TracebackType
from typing import Any

from django.db import DatabaseError, connections
from huey import PostgresHuey, RedisHuey, SqliteHuey
from huey.api import Huey, Task, TaskLock
from huey.exceptions import TaskLockedException
from huey.signals import SIGNAL_EXECUTING

from ventanilla.core import node

log = logging.getLogger(__name__)

# A lock's lease lasts this long and is renewed every third of it while held: a dead
# holder's lock frees itself within two minutes, and a database too slow for two renewals
# in a row does not take a live holder's lock away.
LOCK_SECONDS = 120.0
# Periodic tasks jump the queue (SQLite and PostgreSQL storage order by priority; Redis
# ignores it): a sweep or the outbox flush waiting behind thousands of mails would come
# too late to be of use.
PERIODIC_PRIORITY = 10
# The claims (one row per periodic task and minute) are kept this long, then pruned.
PERIODIC_KEEP_DAYS = 2


class _Renewal(threading.Thread):
    """Renews one lease until told to stop (its own database connection, opened on need)."""

    def __init__(self, name: str, owner: str, seconds: float) -> None:
        super().__init__(name=f"lease-{name}", daemon=True)
        self._lease, self._owner, self._seconds = name, owner, seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        from ventanilla.core.leases import lease_renew

        try:
            while not self.stopped.wait(self._seconds / 3):
                try:
                    if not lease_renew(name=self._lease, holder=self._owner, seconds=self._seconds):
                        log.warning("lease %s lost: it lapsed and was taken", self._lease)
                        return
                except DatabaseError:
                    log.warning("lease %s not renewed", self._lease, exc_info=True)
        finally:
            connections.close_all()


class LeaseLock(TaskLock):  # type: ignore[misc]
    """huey's ``TaskLock`` interface over a lease row (see the module's docstring)."""

    def __init__(self, huey: Huey, name: str, ttl: float | None = None) -> None:
        super().__init__(huey, name, ttl)
        self._seconds = float(ttl or LOCK_SECONDS)
        self._owner: str | None = None
        self._renewal: _Renewal | None = None

    def is_locked(self) -> bool:
        """Whether anyone holds the lock now."""
        from ventanilla.core.leases import lease_held

        return lease_held(name=self._key)

    locked = is_locked

    def acquire(self) -> bool:
        """Take the lease or raise ``TaskLockedException``; renew it while held."""
        from ventanilla.core.leases import lease_acquire

        owner = node.holder()
        if not lease_acquire(name=self._key, holder=owner, seconds=self._seconds):
            raise TaskLockedException(f"unable to acquire lock {self._name}")
        self._owner = owner
        self._renewal = _Renewal(self._key, owner, self._seconds)
        self._renewal.start()
        return True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.clear()

    def clear(self) -> bool:
        """Stop renewing and give the lease back (only ours: another owner's is left alone)."""
        from ventanilla.core.leases import lease_release

        if self._renewal is not None:
            self._renewal.stopped.set()
            self._renewal.join()
            self._renewal = None
        if self._owner is None:
            return False
        lease_release(name=self._key, holder=self._owner)
        self._owner = None
        return True

    release = clear


class ClusterMixin:
    """What every storage's huey gets: lease locks, one periodic run per cluster and period."""

    name: str
    utc: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signal(SIGNAL_EXECUTING)(_count_periodic_run)  # type: ignore[attr-defined]

    def lock_task(self, lock_name: str, ttl: float | None = None) -> LeaseLock:
        """A lock that is a lease row (see ``LeaseLock``)."""
        return LeaseLock(self, lock_name, ttl)

    def is_locked(self, lock_name: str) -> bool:
        """Whether anyone holds ``lock_name`` now."""
        return LeaseLock(self, lock_name).is_locked()

    def flush_locks(self, *names: str) -> set[str]:
        """Release the locks held by this host's dead processes (all of them, or ``names``)."""
        from ventanilla.core.leases import leases_release_dead

        prefix = f"{self.name}.lock."
        keys = [prefix + name.strip() for name in names]
        try:
            released = leases_release_dead(names=keys or None)
        finally:
            connections.close_all()
        return {key.removeprefix(prefix) for key in released}

    def read_periodic(self, timestamp: dt.datetime | None) -> list[Task]:
        """The periodic tasks due now whose period this scheduler claimed first."""
        from ventanilla.core.leases import periodic_claim, periodic_prune

        due: list[Task] = super().read_periodic(timestamp)  # type: ignore[misc]
        if not due:
            return due
        moment = timestamp or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        period = moment.replace(second=0, microsecond=0, tzinfo=dt.UTC if self.utc else None)
        if period.tzinfo is None:
            period = period.astimezone()
        claimed: list[Task] = []
        try:
            if period.minute == 0:  # once an hour, whoever gets there: the claims of past days
                periodic_prune(before=period - dt.timedelta(days=PERIODIC_KEEP_DAYS))
            claimed.extend(
                task
                for task in due
                if periodic_claim(
                    task=task.name, period=period, task_id=task.id, holder=node.holder()
                )
            )
        except DatabaseError:
            log.warning("periodic tasks not scheduled: the database is unavailable", exc_info=True)
        finally:
            connections.close_all()
        for task in claimed:
            # Ahead of a backlog: the sweeps exist for when the queue is behind or lost.
            task.priority = PERIODIC_PRIORITY
        return claimed


def _count_periodic_run(signal: str, task: Task, *args: Any) -> None:
    from huey.api import PeriodicTask

    from ventanilla.core.leases import periodic_started

    if isinstance(task, PeriodicTask):
        try:
            periodic_started(task_id=task.id, holder=node.holder())
        except DatabaseError:
            log.warning("periodic run of %s not counted", task.name, exc_info=True)


class ClusterSqliteHuey(ClusterMixin, SqliteHuey):  # type: ignore[misc]
    """One host: huey's SQLite storage in ``$VENTANILLA_HOME`` (the embedded default)."""


class ClusterRedisHuey(ClusterMixin, RedisHuey):  # type: ignore[misc]
    """Several hosts, queue in Redis (``VENTANILLA_QUEUE=redis``)."""


class ClusterPostgresHuey(ClusterMixin, PostgresHuey):  # type: ignore[misc]
    """Several hosts, queue in the PostgreSQL database itself (``VENTANILLA_QUEUE=postgres``)."""
