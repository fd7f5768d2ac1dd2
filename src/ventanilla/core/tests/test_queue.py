"""The cluster's huey: locks are leases (owned, ending), periodic tasks claimed per minute."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

from ventanilla.core import queue
from ventanilla.core.models import Lease, PeriodicRun
from ventanilla.core.node import node_name

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_configured_huey_is_the_cluster_one():
    assert isinstance(HUEY, queue.ClusterMixin)


def test_a_lock_is_a_lease_that_a_second_holder_cannot_take():
    with HUEY.lock_task("outbox-flush"):
        row = Lease.objects.get(name="ventanilla.lock.outbox-flush")
        assert row.holder.split(":")[0] == node_name()
        assert HUEY.is_locked("outbox-flush")
        with pytest.raises(TaskLockedException), HUEY.lock_task("outbox-flush"):
            pass  # pragma: no cover
        # Another thread of the same process is another owner too.
        outcome = []

        def other() -> None:
            try:
                with HUEY.lock_task("outbox-flush"):
                    outcome.append("took it")
            except TaskLockedException:
                outcome.append("locked")

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert outcome == ["locked"]
    assert not HUEY.is_locked("outbox-flush")
    assert not Lease.objects.exists()


def test_a_held_lock_is_renewed(monkeypatch):
    monkeypatch.setattr(queue, "LOCK_SECONDS", 0.6)
    with HUEY.lock_task("long-poll"):
        first = Lease.objects.get().expires_at
        threading.Event().wait(0.5)  # past a third of the lease: renewed at least once
        assert Lease.objects.get().expires_at > first


def test_periodic_tasks_are_read_once_per_minute_whoever_asks():
    moment = dt.datetime(2026, 12, 7, 10, 0, 5)  # naive UTC, as huey's scheduler passes it
    old = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)  # pruned by the 10:00 scheduler
    PeriodicRun.objects.create(task="sweep", period=old, task_id="old", scheduled_by="h")
    due = HUEY.read_periodic(moment)
    assert {t.priority for t in due} == {queue.PERIODIC_PRIORITY}
    first = {t.name for t in due}
    assert {"inbound_sweep", "outbox_flush", "imap_poll_due"} <= first
    # A second scheduler (another host) in the same minute gets nothing.
    assert HUEY.read_periodic(moment.replace(second=50)) == []
    later = {t.name for t in HUEY.read_periodic(moment + dt.timedelta(minutes=1))}
    assert {"inbound_sweep", "outbox_flush", "imap_poll_due"} <= later <= first
    periods = set(PeriodicRun.objects.values_list("period", flat=True))
    assert periods == {
        dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 7, 10, 1, tzinfo=dt.UTC),
    }
