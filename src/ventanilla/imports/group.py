"""The import's batch writer: a group of archived messages in one transaction.

Each message of the group is stored (``ingest_raw``) and processed (the import pipeline)
in one transaction for the whole group: no savepoint per message, the bytes just stored
are processed as they are (not read back), and the audit rows of every message are
written together at the end (``tickets.events.events_batched``: one multi-row ``INSERT``
and one ``events_recorded`` for the group). The pipeline's steps still decide everything
for each message; only the writing is grouped.

When any message of the group raises, the whole group is rolled back and the caller
imports it again one message at a time, each in its own savepoint (``importer.import_raw``),
so that only the bad message is quarantined, as the SMTP group commit does for storing.
The archive on disk is the durable copy: nothing is lost by rolling a group back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from django.db import transaction

from ventanilla.imports.archive import ArchiveItem
from ventanilla.imports.bookkeeping import inbound_import_requeue
from ventanilla.imports.replay import ImportRun, Processed, process_now
from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import InboundMessage, InboundSource, InboundState
from ventanilla.pipeline.handlers.imported_reply import DEFERRED_REASON
from ventanilla.tickets.events import events_batched

log = logging.getLogger(__name__)


def is_deferred(inbound: InboundMessage) -> bool:
    """True for an imported message the import pipeline deferred (its parent may come later)."""
    return inbound.state == InboundState.IGNORED and inbound.reasons == [DEFERRED_REASON]


def import_one(
    raw: bytes, run: ImportRun, *, envelope_to: Sequence[str], send_ack: bool, grouped: bool
) -> Processed:
    """Store one message through ``ingest_raw`` and process it in the caller's transaction.

    Bytes already stored count as ``already`` (re-running an import changes nothing),
    unless their processing never finished (an interrupted import): then it finishes now.
    ``grouped``: inside `import_group` (no savepoint; a failure raises to the group).
    """
    result = ingest_raw(
        raw,
        source=InboundSource.IMPORT,
        envelope_to=envelope_to,
        send_ack=send_ack,
        process=False,
        savepoint=not grouped,
    )
    inbound = result.inbound
    if result.created:
        return process_now(inbound.pk, run, stored=inbound if grouped else None)
    if is_deferred(inbound):
        # An earlier import stopped before its deferred messages were done.
        inbound_import_requeue(inbound_id=inbound.pk)
    elif inbound.state != InboundState.RECEIVED:
        return Processed(inbound.pk, inbound.state, "already")
    return process_now(inbound.pk, run)


class _GroupFailedError(Exception):
    """A message of the group raised: the group is rolled back."""


GroupDone = Callable[[list[Processed | None]], None]


def import_group(
    items: Sequence[ArchiveItem],
    run: ImportRun,
    done: GroupDone,
    *,
    envelope_to: Sequence[str],
    send_ack: bool,
) -> bool:
    """Import ``items`` in one transaction; False when a message raised (nothing written).

    ``done`` gets the results (None for an unreadable item) inside the transaction, before
    the commit: an exception it raises (an interrupted import) rolls the group back and
    goes up. After False the run's deferred list is as it was, and the caller imports the
    group again one message at a time.
    """
    deferred_before = len(run.deferred)
    try:
        with transaction.atomic(), events_batched():
            try:
                results = [
                    None
                    if item.raw is None
                    else import_one(
                        item.raw, run, envelope_to=envelope_to, send_ack=send_ack, grouped=True
                    )
                    for item in items
                ]
            except Exception as exc:  # any message's fault: the group is redone one by one
                raise _GroupFailedError from exc
            done(results)
    except _GroupFailedError as exc:
        log.info("import group of %d rolled back (%r): one by one", len(items), exc.__cause__)
        del run.deferred[deferred_before:]
        return False
    return True
