"""The health report: is mail flowing in and out? (``/healthz`` and ``ventanilla status``).

A stalled intake must be visible at once: the anchors' users lost mail silently for days.
So the report does not stop at "the database answers": it measures the
age of the oldest message still waiting to be processed (a dead or stuck worker), the last
successful poll of each IMAP account, the quarantine, and the outbox backlog. Each figure
past its threshold (settings ``VENTANILLA_HEALTH_*``) adds a named problem, and any problem
makes the status ``degraded`` (HTTP 503), so a plain uptime monitor catches it.

Quarantined mail is a problem too: each such message is a customer's mail that reached no
ticket until someone reprocesses or discards it.

Two readers: ``/healthz`` answers anyone with the status and the counts only
(``public_dict``); the admins signed in and ``ventanilla status`` get everything
(``as_dict``), because account names and servers' errors name hosts and addresses.

Each process of each host beats (``ops/heartbeat.py``): the report lists them with their
roles, last beat and queue depth, and names the one whose beat is older than
``VENTANILLA_HEALTH_BEAT_SECONDS`` (dead or hung), besides the intake lag and outbox age it
causes. A beat older than a day is a host taken out of the cluster and no longer reported.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ventanilla.core.beats import node_beats
from ventanilla.mail.selectors import (
    imap_accounts_by_name,
    inbound_health_figures,
    outbound_health_figures,
)

OK = "ok"
DEGRADED = "degraded"
# A host silent for this long has been taken out of the cluster: no longer reported.
FORGET_AFTER = timedelta(days=1)


@dataclass
class ImapStatus:
    """One IMAP account as the report shows it."""

    name: str
    enabled: bool
    last_poll_at: str | None
    last_success_at: str | None
    failures: int
    last_error: str


@dataclass
class ProcessStatus:
    """One process of one host, from its heartbeat row."""

    host: str
    process: str
    roles: str
    pid: int
    last_beat_at: str
    seconds_since_beat: float
    queue_depth: int | None
    alive: bool


@dataclass
class Problem:
    """One reason the report is degraded: a stable ``code`` for machines, a message for people."""

    code: str
    message: str


@dataclass
class HealthReport:
    """Everything ``/healthz`` answers; ``problems`` empty means healthy."""

    database: bool = True
    intake_received: int = 0
    intake_lag_seconds: float | None = None
    quarantined: int = 0
    outbox_queued: int = 0
    outbox_oldest_seconds: float | None = None
    outbound_failed: int = 0
    imap: list[ImapStatus] = field(default_factory=list)
    processes: list[ProcessStatus] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def status(self) -> str:
        """Return ``ok`` or ``degraded``."""
        return DEGRADED if self.problems else OK

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data, ``status`` first."""
        return {"status": self.status, **asdict(self)}

    def public_dict(self) -> dict[str, Any]:
        """Return what anyone may see: the status, the problems' codes and the counts."""
        return {
            "status": self.status,
            "database": self.database,
            "intake_received": self.intake_received,
            "quarantined": self.quarantined,
            "outbox_queued": self.outbox_queued,
            "outbound_failed": self.outbound_failed,
            "imap_accounts": len(self.imap),
            "imap_failing": sum(1 for a in self.imap if a.enabled and a.failures),
            "hosts": len({p.host for p in self.processes}),
            "processes_dead": sum(1 for p in self.processes if not p.alive),
            "problems": [{"code": p.code} for p in self.problems],
        }


def health_report(*, now: datetime | None = None) -> HealthReport:
    """Measure intake, IMAP polling, quarantine and outbox; never raises on a database error."""
    now = now or timezone.now()
    report = HealthReport()
    try:
        _inbound(report, now)
        _outbound(report, now)
        _imap(report, now)
        _processes(report, now)
    except DatabaseError as exc:
        report.database = False
        detail = f"{type(exc).__name__}: {exc}".strip()[:300]
        report.problems.append(
            Problem("database", _("The database is unavailable: %(error)s") % {"error": detail})
        )
    return report


def _age(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else round(max((now - then).total_seconds(), 0.0), 1)


def _inbound(report: HealthReport, now: datetime) -> None:
    figures = inbound_health_figures()
    report.intake_received = figures["received"]
    report.intake_lag_seconds = _age(now, figures["oldest"])
    report.quarantined = figures["quarantined"]
    limit = settings.VENTANILLA_HEALTH_INTAKE_LAG_SECONDS
    if report.intake_lag_seconds is not None and report.intake_lag_seconds > limit:
        message = _(
            "Intake stalled: %(count)d message(s) waiting, the oldest for %(age)d s "
            "(limit %(limit)d s)."
        ) % {"count": report.intake_received, "age": report.intake_lag_seconds, "limit": limit}
        report.problems.append(Problem("intake_stalled", message))
    if report.quarantined:
        message = ngettext(
            "%(count)d message in quarantine: reprocess it (ventanilla mail reprocess) "
            "or deal with it in the admin.",
            "%(count)d messages in quarantine: reprocess them (ventanilla mail reprocess) "
            "or deal with them in the admin.",
            report.quarantined,
        ) % {"count": report.quarantined}
        report.problems.append(Problem("quarantine", message))


def _outbound(report: HealthReport, now: datetime) -> None:
    figures = outbound_health_figures()
    report.outbox_queued = figures["queued"]
    report.outbox_oldest_seconds = _age(now, figures["oldest"])
    report.outbound_failed = figures["failed"]
    limit = settings.VENTANILLA_HEALTH_OUTBOX_AGE_SECONDS
    if report.outbox_oldest_seconds is not None and report.outbox_oldest_seconds > limit:
        message = _(
            "Outbox stalled: %(count)d mail(s) queued, the oldest for %(age)d s "
            "(limit %(limit)d s)."
        ) % {"count": report.outbox_queued, "age": report.outbox_oldest_seconds, "limit": limit}
        report.problems.append(Problem("outbox_stalled", message))


def _imap(report: HealthReport, now: datetime) -> None:
    limit = settings.VENTANILLA_HEALTH_IMAP_STALE_SECONDS
    for account in imap_accounts_by_name():
        report.imap.append(
            ImapStatus(
                name=account.name,
                enabled=account.enabled,
                last_poll_at=account.last_poll_at.isoformat() if account.last_poll_at else None,
                last_success_at=(
                    account.last_success_at.isoformat() if account.last_success_at else None
                ),
                failures=account.failures,
                last_error=account.last_error[:300],
            )
        )
        if not account.enabled or not account.failures:
            continue
        # Failing now: for how long? Since the last success; for an account that never
        # worked, at least as long as its failed polls took.
        failing_for = _age(now, account.last_success_at) or 0.0
        failing_for = max(failing_for, float(account.failures * account.poll_seconds))
        if failing_for > limit:
            message = _(
                "IMAP account %(name)s failing for %(age)d s (%(failures)d consecutive "
                "failures): %(error)s"
            ) % {
                "name": account.name,
                "age": failing_for,
                "failures": account.failures,
                "error": account.last_error[:200],
            }
            report.problems.append(Problem("imap_failing", message))


def _processes(report: HealthReport, now: datetime) -> None:
    limit = settings.VENTANILLA_HEALTH_BEAT_SECONDS
    for beat in node_beats():
        if beat.beat_at < now - FORGET_AFTER:
            continue
        age = _age(now, beat.beat_at) or 0.0
        status = ProcessStatus(
            host=beat.node,
            process=beat.process,
            roles=beat.roles,
            pid=beat.pid,
            last_beat_at=beat.beat_at.isoformat(),
            seconds_since_beat=age,
            queue_depth=beat.queue_depth,
            alive=age <= limit,
        )
        report.processes.append(status)
        if not status.alive:
            message = _(
                "The %(process)s of host %(host)s (pid %(pid)d) has not beaten for %(age)d s "
                "(limit %(limit)d s): it is stopped or hung."
            ) % {
                "process": beat.process,
                "host": beat.node,
                "pid": beat.pid,
                "age": age,
                "limit": limit,
            }
            report.problems.append(Problem("process_dead", message))
