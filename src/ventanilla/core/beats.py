"""The heartbeat rows of the cluster's processes: written by each, read by the health report."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from ventanilla.core.models import NodeBeat


def node_beat(
    *, node: str, process: str, roles: str, pid: int, started_at: datetime, queue_depth: int | None
) -> NodeBeat:
    """Record that ``process`` on ``node`` is alive now (one row per host and process)."""
    beat, _created = NodeBeat.objects.update_or_create(
        node=node,
        process=process,
        defaults={
            "roles": roles,
            "pid": pid,
            "started_at": started_at,
            "beat_at": timezone.now(),
            "queue_depth": queue_depth,
        },
    )
    return beat


def node_beat_stop(*, node: str, process: str, pid: int) -> None:
    """Forget a process that stopped cleanly (a dead one keeps its row, and is named dead)."""
    NodeBeat.objects.filter(node=node, process=process, pid=pid).delete()


def node_beats() -> QuerySet[NodeBeat]:
    """Every process's heartbeat, by host then process."""
    return NodeBeat.objects.order_by("node", "process")


def node_beats_forget(*, before: datetime) -> int:
    """Delete heartbeats older than ``before`` (hosts taken out of the cluster); how many."""
    deleted, _kinds = NodeBeat.objects.filter(beat_at__lt=before).delete()
    return deleted
