"""Import archived mail (``ventanilla mail import``) and reprocess quarantine (``mail reprocess``).

Each message goes through the one door in, ``ingest_raw`` (so its bytes are stored and
deduplicated by sha256 like any SMTP delivery), then is processed inline in this process,
in archive order: a reply is only threaded to its parent if the parent was processed first,
which a task queue with several workers would not guarantee.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction

from ventanilla.mail.ingest import ingest_raw
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.mail.services import inbound_process_detailed, inbound_requeue
from ventanilla.mail.sources.archive import ArchiveItem, Source, archive_sources

log = logging.getLogger(__name__)

SOURCE = "import"
# Only the first failures are kept in detail (all are counted), so memory stays bounded
# on an archive full of garbage.
MAX_FAILURES_KEPT = 100


@dataclass
class ImportCounts:
    """What an import did, message by message (the summary and the ``--json`` output)."""

    messages: int = 0
    tickets_created: int = 0
    articles_added: int = 0
    ignored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    already_imported: int = 0
    errors: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)

    def record_failure(self, label: str, error: str) -> None:
        """Count one message that could not be read or stored, keeping the first details."""
        self.errors += 1
        if len(self.failures) < MAX_FAILURES_KEPT:
            self.failures.append({"source": label, "error": error})

    def as_dict(self) -> dict[str, object]:
        """Return the counts as a JSON-ready dict (documented in ``docs/export-json.md``)."""
        return asdict(self)


# What one message turned into; the attribute of ``ImportCounts`` it increments.
OUTCOME_FIELD = {
    "created": "tickets_created",
    "added": "articles_added",
    InboundState.IGNORED: "ignored",
    InboundState.DUPLICATE: "duplicates",
    InboundState.QUARANTINED: "quarantined",
    "already": "already_imported",
}


@dataclass(frozen=True)
class Processed:
    """The result of processing one stored message."""

    inbound_id: int
    state: str
    outcome: str  # a key of OUTCOME_FIELD, or a state the importer does not count
    ticket_number: str = ""


def process_now(inbound_id: int) -> Processed:
    """Run the pipeline on one stored message in this process and classify the result."""
    result = inbound_process_detailed(inbound_id=inbound_id)
    if result.state != InboundState.PROCESSED:
        return Processed(inbound_id, result.state, result.state)
    if not result.ticket_number:
        # Processed without an article (nothing to attach to): nothing was created.
        return Processed(inbound_id, result.state, InboundState.IGNORED)
    outcome = "created" if result.created_ticket else "added"
    return Processed(inbound_id, result.state, outcome, result.ticket_number)


def import_raw(raw: bytes, *, envelope_to: Sequence[str], send_ack: bool) -> Processed:
    """Store one message through ``ingest_raw`` and process it inline, in one transaction.

    Bytes already stored count as ``already`` (re-running an import changes nothing),
    unless their processing never finished (an interrupted import): then it finishes now.

    Unlike a live edge, the importer need not commit the bytes before processing: the
    archive on disk stays the durable copy, so storing and processing share one commit
    (one fsync instead of two). Inside it the pipeline runs in a savepoint, so a failing
    message is still rolled back alone and quarantined with its bytes kept.
    """
    with transaction.atomic():
        result = ingest_raw(
            raw, source=SOURCE, envelope_to=envelope_to, send_ack=send_ack, process=False
        )
        inbound = result.inbound
        if not result.created and inbound.state != InboundState.RECEIVED:
            return Processed(inbound.pk, inbound.state, "already")
        return process_now(inbound.pk)


Progress = Callable[[int, ImportCounts], None]


def _import_item(
    item: ArchiveItem, counts: ImportCounts, *, envelope_to: Sequence[str], send_ack: bool
) -> None:
    if item.raw is None:
        counts.record_failure(item.label, item.error)
        return
    try:
        processed = import_raw(item.raw, envelope_to=envelope_to, send_ack=send_ack)
    except DatabaseError as exc:
        # The message is still on disk; re-running the import picks it up again.
        log.warning("import of %s failed: %s", item.label, exc)
        counts.record_failure(item.label, f"database error: {exc}")
        return
    except Exception as exc:  # one message, whatever its fault, must never stop an import
        log.exception("import of %s failed", item.label)
        counts.record_failure(item.label, f"{type(exc).__name__}: {exc}")
        return
    name = OUTCOME_FIELD.get(processed.outcome)
    if name is None:
        counts.record_failure(item.label, f"unexpected state {processed.state}")
        return
    setattr(counts, name, getattr(counts, name) + 1)


def import_sources(
    sources: Sequence[Source],
    *,
    mailbox_address: str = "",
    send_ack: bool = True,
    progress: Progress | None = None,
) -> ImportCounts:
    """Import every message of ``sources`` in order; never raises for a single message."""
    counts = ImportCounts()
    envelope_to = [mailbox_address] if mailbox_address else []
    for source in sources:
        for item in source.items():
            counts.messages += 1
            _import_item(item, counts, envelope_to=envelope_to, send_ack=send_ack)
            if progress is not None:
                progress(counts.messages, counts)
    return counts


def import_paths(
    paths: Sequence[Path], *, mailbox_address: str = "", send_ack: bool = True
) -> ImportCounts:
    """Import ``.eml`` files, folders, mbox files and Maildirs (see ``sources/archive.py``)."""
    return import_sources(
        archive_sources(paths), mailbox_address=mailbox_address, send_ack=send_ack
    )


def quarantined_ids() -> list[int]:
    """Return the ids of every quarantined message, oldest first."""
    return list(
        InboundMessage.objects.filter(state=InboundState.QUARANTINED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def reprocess(inbound_id: int) -> Processed | None:
    """Requeue one quarantined message and process it inline; None if it was not quarantined."""
    if not inbound_requeue(inbound_id=inbound_id):
        return None
    return process_now(inbound_id)


def quarantine_reason(inbound_id: int) -> str:
    """Return the last line of a quarantined message's error (a traceback ends with it)."""
    error = (
        InboundMessage.objects.filter(pk=inbound_id).values_list("error", flat=True).first() or ""
    )
    lines = [line.strip() for line in error.splitlines() if line.strip()]
    return lines[-1] if lines else ""
