"""``ventanilla doctor``'s checks: can this host take its part in the deployment?

Each check answers for this host, in the words an operator acts on: the database answers and
its migrations are all applied, the queue answers, every file storage takes a write from here
(a shared mount that is not mounted, a bucket without credentials), and this host's clock
agrees with the database's (leases, due dates and the periodic tasks' minutes are written by
one host's clock and read by another's).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY

from ventanilla.core.node import node_name

# Beyond this, a lease of 120 s or a task due in a minute starts to mean something else on
# another host; NTP keeps healthy hosts within milliseconds.
MAX_SKEW_SECONDS = 2.0


@dataclass
class Check:
    """One check's outcome: a stable ``name`` for machines, a sentence for people."""

    name: str
    ok: bool
    message: str


def _database() -> Check:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return Check(
            "database",
            False,
            _("The database does not answer: %(error)s") % {"error": str(exc).strip()[:300]},
        )
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        return Check(
            "migrations",
            False,
            _("%(count)d migration(s) not applied (%(names)s): run ventanilla migrate.")
            % {"count": len(plan), "names": names},
        )
    return Check("migrations", True, _("The database answers and every migration is applied."))


def _queue() -> Check:
    try:
        depth = HUEY.pending_count()
    except Exception as exc:  # any storage: Redis, PostgreSQL or SQLite errors differ
        return Check(
            "queue",
            False,
            _("The task queue (%(kind)s) does not answer: %(error)s")
            % {"kind": settings.VENTANILLA_QUEUE, "error": str(exc).strip()[:300]},
        )
    return Check(
        "queue",
        True,
        _("The task queue (%(kind)s) answers: %(count)d task(s) waiting.")
        % {"kind": settings.VENTANILLA_QUEUE, "count": depth},
    )


def _storages() -> list[Check]:
    checks = []
    for alias in settings.STORAGES:
        if alias == "staticfiles":  # written by collectstatic, read-only at run time
            continue
        storage = storages[alias]
        name = f"doctor/{node_name()}-{uuid.uuid4().hex}.txt"
        try:
            saved = storage.save(name, ContentFile(b"ventanilla doctor\n"))
            readable = storage.open(saved).read() == b"ventanilla doctor\n"
            storage.delete(saved)
        except Exception as exc:  # OSError, a cloud SDK's own errors: all mean "not writable"
            checks.append(
                Check(
                    f"storage:{alias}",
                    False,
                    _("The file storage %(alias)s is not writable from this host: %(error)s")
                    % {"alias": alias, "error": str(exc).strip()[:300]},
                )
            )
            continue
        message = (
            _("The file storage %(alias)s is writable from this host.")
            if readable
            else _("The file storage %(alias)s gave back other bytes than were written.")
        )
        checks.append(Check(f"storage:{alias}", readable, message % {"alias": alias}))
    return checks


def _clock() -> Check:
    if connection.vendor != "postgresql":
        return Check("clock", True, _("The database is a file on this host: one clock."))
    try:
        with connection.cursor() as cursor:
            before = time.time()
            cursor.execute("SELECT now()")
            (db_now,) = cursor.fetchone()
            after = time.time()
    except DatabaseError as exc:
        return Check(
            "clock",
            False,
            _("The database's clock cannot be read: %(error)s") % {"error": str(exc).strip()[:300]},
        )
    # now() is the time the transaction began: compare with the middle of the round trip.
    ours = datetime.fromtimestamp((before + after) / 2, tz=UTC)
    skew = (ours - db_now).total_seconds()
    values = {"skew": skew, "limit": MAX_SKEW_SECONDS}
    if abs(skew) > MAX_SKEW_SECONDS:
        return Check(
            "clock",
            False,
            _(
                "This host's clock is %(skew)+.1f s off the database's (limit %(limit).0f s): "
                "synchronise it (NTP)."
            )
            % values,
        )
    return Check(
        "clock", True, _("This host's clock agrees with the database's (%(skew)+.3f s).") % values
    )


def doctor_checks() -> list[Check]:
    """Run every check for this host; none raises."""
    steps: list[Callable[[], Check | list[Check]]] = [_database, _queue, _storages, _clock]
    checks: list[Check] = []
    for step in steps:
        result = step()
        checks.extend(result if isinstance(result, list) else [result])
    return checks
