"""Writes on the outbox: queue a mail with the change that caused it, retry one now.

The outbox pattern: ``outbound_queue`` writes the ``OutboundMessage`` row (the exact bytes
to send) in the caller's transaction, and asks for sending only once that transaction has
committed. A rolled-back ticket therefore never mails anyone, and a committed one always
has its mail on disk, even if the worker dies before sending it (``outbox_flush`` recovers).

Handing rows to the worker costs one task enqueue each, and with ``SqliteHuey`` an enqueue is
a commit (an fsync) in the queue database, as expensive as the ticket's own commit. Rows
queued in the same transaction are therefore handed over together, by one task
(`_OnCommitBatch`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from django.db import transaction

from ventanilla.mail.models import OutboundMessage, OutboundState
from ventanilla.outbound.addresses import parse_address
from ventanilla.outbound.compose import compose_message, one_line
from ventanilla.outbound.draft import Draft
from ventanilla.outbound.tasks import outbox_send, outbox_send_many


@transaction.atomic
def outbound_queue(*, draft: Draft) -> OutboundMessage:
    """Compose ``draft``, store it as a ``queued`` outbox row, and send it after commit.

    Raises ``addresses.AddressError`` for an address that cannot be written (nothing is
    stored then).
    """
    raw = compose_message(draft)
    outbound = OutboundMessage.objects.create(
        mailbox=draft.mailbox,
        ticket_id=draft.ticket_id,
        kind=draft.kind,
        envelope_from=parse_address(draft.mailbox.address).addr_spec,
        recipients=_envelope_recipients([*draft.to, *draft.cc]),
        subject=one_line(draft.subject, 998),
        message_id=draft.message_id,
        raw=raw,
        state=OutboundState.QUEUED,
    )
    _schedule_on_commit(outbound.pk)
    return outbound


@transaction.atomic
def outbound_retry_now(*, outbound_id: int) -> bool:
    """Put a queued or failed mail back in the queue, due now (the admin's "Retry now").

    A failed mail gets a fresh attempt budget. Returns False for a mail already sent.
    """
    updated = (
        OutboundMessage.objects.filter(pk=outbound_id)
        .exclude(state=OutboundState.SENT)
        .update(state=OutboundState.QUEUED, attempts=0, next_attempt_at=None)
    )
    if updated:
        _schedule_on_commit(outbound_id)
    return updated == 1


def outbound_schedule(*, outbound_id: int, delay: float = 0) -> None:
    """Hand one outbox row to the worker, now or after ``delay`` seconds."""
    if delay > 0:
        outbox_send.schedule((outbound_id,), delay=delay)
    else:
        outbox_send(outbound_id)


def outbound_schedule_many(*, outbound_ids: Sequence[int]) -> None:
    """Hand several outbox rows to the worker as one task (one enqueue), to send in order."""
    if len(outbound_ids) == 1:
        outbox_send(outbound_ids[0])
    elif outbound_ids:
        outbox_send_many(list(outbound_ids))


class _OnCommitBatch:
    """The rows queued in the current transaction of one connection, scheduled on commit.

    Every row registers the same ``flush`` with ``on_commit`` (Django's public API), and the
    first ``flush`` to run schedules all pending rows, so:

    - rows queued in one transaction cost one enqueue;
    - a row whose savepoint was rolled back takes only its own callback with it, never the
      callbacks of rows that were committed (the guarantee "committed, hence scheduled");
    - a row of a rolled-back transaction may stay pending until the next commit and is then
      scheduled for nothing: the worker skips ids that do not exist (ids are never reused).

    ``outbox_flush`` remains the safety net for a worker or queue that loses the task.
    """

    def __init__(self) -> None:
        self.ids: list[int] = []

    def add(self, outbound_id: int) -> None:
        self.ids.append(outbound_id)
        transaction.on_commit(self.flush)

    def flush(self) -> None:
        ids, self.ids = self.ids, []
        if ids:
            outbound_schedule_many(outbound_ids=ids)


# Django connections are per thread, and so are transactions: one batch per thread.
_batches = threading.local()


def _schedule_on_commit(outbound_id: int) -> None:
    batch: _OnCommitBatch | None = getattr(_batches, "batch", None)
    if batch is None:
        batch = _batches.batch = _OnCommitBatch()
    batch.add(outbound_id)


def _envelope_recipients(addresses: Sequence[str]) -> list[str]:
    """Return the addresses for RCPT TO, each once (case-insensitively), in order.

    Written like the header (IDNA domains, quoted local parts: see ``addresses``). The case
    is kept: RFC 5321 §2.4 leaves the local part's case to the destination host.
    """
    result: list[str] = []
    seen: set[str] = set()
    for value in addresses:
        email = parse_address(value).addr_spec
        if email.lower() not in seen:
            seen.add(email.lower())
            result.append(email)
    return result
