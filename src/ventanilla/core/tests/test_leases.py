"""Leases and periodic claims: one owner at a time, an end that frees a dead owner's lease."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from ventanilla.core import leases
from ventanilla.core.models import Lease, PeriodicRun
from ventanilla.core.node import holder, holder_alive

pytestmark = pytest.mark.django_db


def test_a_held_lease_refuses_another_owner_until_it_ends():
    assert leases.lease_acquire(name="imap-1", holder="a:1/x", seconds=60)
    assert not leases.lease_acquire(name="imap-1", holder="b:2/y", seconds=60)
    assert leases.lease_held(name="imap-1")
    Lease.objects.filter(name="imap-1").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not leases.lease_held(name="imap-1")
    assert leases.lease_acquire(name="imap-1", holder="b:2/y", seconds=60)
    assert Lease.objects.get(name="imap-1").holder == "b:2/y"


def test_renew_and_release_only_by_the_owner():
    assert leases.lease_acquire(name="sweep", holder="a:1/x", seconds=60)
    assert not leases.lease_renew(name="sweep", holder="b:2/y", seconds=60)
    leases.lease_release(name="sweep", holder="b:2/y")
    assert leases.lease_held(name="sweep")
    assert leases.lease_renew(name="sweep", holder="a:1/x", seconds=600)
    assert Lease.objects.get(name="sweep").expires_at > timezone.now() + timedelta(seconds=500)
    leases.lease_release(name="sweep", holder="a:1/x")
    assert not leases.lease_held(name="sweep")


def test_release_dead_frees_only_this_hosts_dead_processes(settings):
    settings.VENTANILLA_NODE_NAME = "here"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    leases.lease_acquire(name="dead-here", holder=f"here:{dead_pid}/t", seconds=60)
    leases.lease_acquire(name="alive-here", holder=f"here:{os.getpid()}/t", seconds=60)
    leases.lease_acquire(name="other-host", holder=f"there:{dead_pid}/t", seconds=60)
    assert holder_alive(f"here:{dead_pid}/t") is False
    assert holder_alive(f"there:{dead_pid}/t") is None
    assert leases.leases_release_dead() == ["dead-here"]
    assert set(Lease.objects.values_list("name", flat=True)) == {"alive-here", "other-host"}


def test_a_period_is_claimed_once():
    period = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert leases.periodic_claim(task="sweep", period=period, task_id="t1", holder=holder())
    assert not leases.periodic_claim(task="sweep", period=period, task_id="t2", holder=holder())
    assert leases.periodic_claim(
        task="sweep", period=period + timedelta(minutes=1), task_id="t3", holder=holder()
    )
    leases.periodic_started(task_id="t1", holder="h:1/x")
    run = PeriodicRun.objects.get(task_id="t1")
    assert (run.runs, run.executed_by) == (1, "h:1/x")
    assert PeriodicRun.objects.count() == 2


def test_old_claims_are_pruned():
    now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    for minutes in (0, 60 * 24 * 3):
        leases.periodic_claim(
            task="sweep", period=now - timedelta(minutes=minutes), task_id=f"t{minutes}", holder="h"
        )
    assert leases.periodic_prune(before=now - timedelta(days=2)) == 1
    assert list(PeriodicRun.objects.values_list("task_id", flat=True)) == ["t0"]
