"""The lease a worker holds on an outbox row while it sends it (see ``send.py``).

The claim takes the lease; a heartbeat thread renews it while the SMTP conversation lasts,
however long that is; the outcome clears it. A lease that stops moving belongs to a worker
that died mid-send: the outbox sweep asks ``outbound_leases_ending`` for those that end
before its next run and schedules a new attempt for the moment each lapses.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from types import TracebackType

from django.db import DatabaseError, connections
from django.utils import timezone

from ventanilla.mail.models import OutboundMessage, OutboundState

log = logging.getLogger(__name__)

# A claimed row is leased this long, and the lease renewed every HEARTBEAT_SECONDS while the
# SMTP conversation lasts: a worker that dies leaves a lease that lapses within 20 s, while
# three renewals in a row may fail (a busy database) before a live sender loses its row.
# A renewed lease stays more than send.DUE_TOLERANCE_SECONDS ahead, so no claim takes it.
LEASE_SECONDS = 20
HEARTBEAT_SECONDS = 5


def lease_renew(row: OutboundMessage) -> bool:
    """Push our lease on ``row`` ``LEASE_SECONDS`` ahead; False if it is no longer ours.

    Ours means: still queued and still at our attempt (a worker that took the row over
    after our lease lapsed has counted another one).
    """
    until = timezone.now() + timedelta(seconds=LEASE_SECONDS)
    renewed = OutboundMessage.objects.filter(
        pk=row.pk, state=OutboundState.QUEUED, attempts=row.attempts
    ).update(leased_until=until, next_attempt_at=until)
    return renewed == 1


class Heartbeat:
    """Renew the lease of a row from a thread while the calling thread transmits it.

    Huey's workers are threads; Django gives this thread its own database connection,
    closed when it ends.
    """

    def __init__(self, row: OutboundMessage) -> None:
        self._row = row
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"outbound-lease-{row.pk}", daemon=True
        )

    def __enter__(self) -> None:
        self._thread.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    if not lease_renew(self._row):
                        return
                except DatabaseError:
                    log.warning("outbound %s: lease not renewed", self._row.pk, exc_info=True)
        finally:
            connections.close_all()


def outbound_leases_ending(*, within_seconds: float) -> list[tuple[int, float]]:
    """Return (id, seconds until then) for queued rows whose lease ends within ``within_seconds``.

    A live sender keeps pushing its lease ahead; one that stays put belongs to a worker
    that died mid-send, and the sweep schedules a new attempt for when it lapses.
    """
    now = timezone.now()
    rows = OutboundMessage.objects.filter(
        state=OutboundState.QUEUED,
        leased_until__isnull=False,
        leased_until__lte=now + timedelta(seconds=within_seconds),
    ).values_list("pk", "leased_until")
    return [(pk, max((until - now).total_seconds(), 0.0)) for pk, until in rows if until]
