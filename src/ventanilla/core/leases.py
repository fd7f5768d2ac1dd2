"""Leases with an owner and an end, and the claim of a periodic task's period.

Writes that several hosts race for: the database decides (a unique name, a conditional
UPDATE), so the rows are right whatever the queue server does. Times are this host's clock;
``ventanilla doctor`` checks that it agrees with the database's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ventanilla.core.models import Lease, PeriodicRun
from ventanilla.core.node import holder_alive


def lease_acquire(*, name: str, holder: str, seconds: float) -> bool:
    """Take ``name`` for ``seconds`` if it is free, lapsed or already ours; False otherwise."""
    now = timezone.now()
    until = now + timedelta(seconds=seconds)
    with transaction.atomic():
        taken = Lease.objects.filter(
            Q(name=name) & (Q(expires_at__lte=now) | Q(holder=holder))
        ).update(holder=holder, acquired_at=now, expires_at=until)
        if taken:
            return True
        try:
            with transaction.atomic():
                Lease.objects.create(name=name, holder=holder, acquired_at=now, expires_at=until)
        except IntegrityError:  # held by someone else, and still in force
            return False
    return True


def lease_renew(*, name: str, holder: str, seconds: float) -> bool:
    """Push our lease ``seconds`` ahead; False when it is no longer ours (it lapsed, was taken)."""
    until = timezone.now() + timedelta(seconds=seconds)
    return Lease.objects.filter(name=name, holder=holder).update(expires_at=until) == 1


def lease_release(*, name: str, holder: str) -> None:
    """Give ``name`` back, if we still hold it."""
    Lease.objects.filter(name=name, holder=holder).delete()


def lease_held(*, name: str) -> bool:
    """Whether someone holds ``name`` now."""
    return Lease.objects.filter(name=name, expires_at__gt=timezone.now()).exists()


@transaction.atomic
def leases_release_dead(*, names: list[str] | None = None) -> list[str]:
    """Release the leases held by processes of this host that no longer run; their names.

    What a starting worker does instead of flushing every lock: leases of other hosts, and
    of live processes here (an IMAP IDLE watcher beside the worker), are left alone.
    """
    rows = Lease.objects.select_for_update()
    if names:
        rows = rows.filter(name__in=names)
    dead = [
        (pk, name)
        for pk, name, owner in rows.values_list("pk", "name", "holder")
        if holder_alive(owner) is False
    ]
    Lease.objects.filter(pk__in=[pk for pk, _name in dead]).delete()
    return [name for _pk, name in dead]


def periodic_claim(*, task: str, period: datetime, task_id: str, holder: str) -> bool:
    """Claim ``task`` for ``period``; False when another scheduler already did."""
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(
                task=task, period=period, task_id=task_id, scheduled_by=holder
            )
    except IntegrityError:
        return False
    return True


def periodic_started(*, task_id: str, holder: str) -> None:
    """Count one execution of a claimed period's task (by the worker that runs it)."""
    PeriodicRun.objects.filter(task_id=task_id).update(runs=F("runs") + 1, executed_by=holder)


def periodic_prune(*, before: datetime) -> int:
    """Delete the claims of periods before ``before`` (their record has served); how many."""
    deleted, _kinds = PeriodicRun.objects.filter(period__lt=before).delete()
    return deleted
