"""Import archived mail (``ventanilla mail import``) and reprocess quarantine (``mail reprocess``).

Each message goes through the one door in, ``ingest_raw`` (so its bytes are stored and
deduplicated by sha256 like any SMTP delivery), then is processed inline in this process,
in archive order: a reply is only threaded to its parent if the parent was processed first,
which a task queue with several workers would not guarantee.

Migrating an old support mailbox: its messages carry the source ``import``, so they go
through the import pipeline (``pipeline/registry.py``), where the agents' replies become
outbound articles; a message whose parent comes later in the archive is deferred and
processed again after the first pass (repeated while that threads more, then once more
with nothing deferred: ``replay.py``); each ticket gets its real last activity (its newest
mail date) and the status chosen for history as each mail is written (the import
pipeline's ``imported-history`` step: no pass over the tickets afterwards). History is
never acknowledged unless asked (``send_ack``), and a dry run does all of it in a
transaction that is rolled back, so its counts are real. Memory stays bounded: messages
are streamed one at a time and only ids are kept.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from django.db import DatabaseError, transaction

from ventanilla.core.batching import in_batches
from ventanilla.imports.archive import ArchiveItem, Source
from ventanilla.imports.group import import_group, import_one
from ventanilla.imports.replay import (
    ImportRun,
    Processed,
    import_run_new,
    reprocess,
    retry_deferred,
)
from ventanilla.mail.models import InboundState
from ventanilla.mail.selectors import inbound_quarantine_reason, inbound_quarantined_ids
from ventanilla.mail.statistics import database_statistics_refresh

__all__ = [
    "ImportCounts",
    "ImportOptions",
    "Processed",
    "import_sources",
    "quarantine_reason",
    "quarantined_ids",
    "reprocess",
]

log = logging.getLogger(__name__)

# Only the first failures are kept in detail (all are counted), so memory stays bounded
# on an archive full of garbage.
MAX_FAILURES_KEPT = 100


@dataclass
class ImportCounts:
    """What an import did, message by message (the summary and the ``--json`` output)."""

    messages: int = 0
    tickets_created: int = 0
    articles_added: int = 0
    agent_replies: int = 0
    ignored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    already_imported: int = 0
    errors: int = 0
    tickets_settled: int = 0
    dry_run: bool = False
    failures: list[dict[str, str]] = field(default_factory=list)

    def record_failure(self, label: str, error: str) -> None:
        """Count one message that could not be read or stored, keeping the first details."""
        self.errors += 1
        if len(self.failures) < MAX_FAILURES_KEPT:
            self.failures.append({"source": label, "error": error})

    def as_dict(self) -> dict[str, object]:
        """Return the counts as a JSON-ready dict (documented in ``docs/export-json.md``)."""
        return asdict(self)


# What one message turned into; the attributes of ``ImportCounts`` it increments.
# "deferred" counts nothing yet: the message is counted when it is processed again.
OUTCOME_FIELD: dict[str, tuple[str, ...]] = {
    "created": ("tickets_created",),
    "added": ("articles_added",),
    "agent-reply": ("agent_replies",),
    "agent-first": ("tickets_created", "agent_replies"),
    InboundState.IGNORED: ("ignored",),
    InboundState.DUPLICATE: ("duplicates",),
    InboundState.QUARANTINED: ("quarantined",),
    "already": ("already_imported",),
    "deferred": (),
}


def import_raw(
    raw: bytes, run: ImportRun, *, envelope_to: Sequence[str], send_ack: bool
) -> Processed:
    """Store one message through ``ingest_raw`` and process it inline, in one transaction.

    Bytes already stored count as ``already`` (re-running an import changes nothing),
    unless their processing never finished (an interrupted import): then it finishes now.

    Unlike a live edge, the importer need not commit the bytes before processing: the
    archive on disk stays the durable copy, so storing and processing share one commit
    (one fsync instead of two). Inside it the pipeline runs in a savepoint, so a failing
    message is still rolled back alone and quarantined with its bytes kept. Archives are
    imported a group at a time (``group.py``); this is the way back when a group fails.
    """
    with transaction.atomic():
        return import_one(raw, run, envelope_to=envelope_to, send_ack=send_ack, grouped=False)


Progress = Callable[[int, ImportCounts], None]


def _import_item(
    item: ArchiveItem,
    counts: ImportCounts,
    run: ImportRun,
    *,
    envelope_to: Sequence[str],
    send_ack: bool,
) -> None:
    if item.raw is None:
        counts.record_failure(item.label, item.error)
        return
    raw = item.raw
    _guarded(
        item.label,
        counts,
        lambda: import_raw(raw, run, envelope_to=envelope_to, send_ack=send_ack),
    )


def _guarded(label: str, counts: ImportCounts, step: Callable[[], Processed]) -> None:
    """Run one message's ``step`` and count its outcome; never raises for one message."""
    try:
        processed = step()
    except DatabaseError as exc:
        # The message is still on disk; re-running the import picks it up again.
        log.warning("import of %s failed: %s", label, exc)
        counts.record_failure(label, f"database error: {exc}")
        return
    except Exception as exc:  # one message, whatever its fault, must never stop an import
        log.exception("import of %s failed", label)
        counts.record_failure(label, f"{type(exc).__name__}: {exc}")
        return
    _tally(label, processed, counts)


def _tally(label: str, processed: Processed, counts: ImportCounts) -> None:
    """Count what one message became."""
    names = OUTCOME_FIELD.get(processed.outcome)
    if names is None:
        counts.record_failure(label, f"unexpected state {processed.state}")
        return
    for name in names:
        setattr(counts, name, getattr(counts, name) + 1)
    if processed.settled:
        counts.tickets_settled += 1


def _resolve_deferred(counts: ImportCounts, run: ImportRun, batch: int) -> None:
    """Process deferred messages again while that threads more, then once without deferring.

    Each pass only holds the ids deferred by the one before, so memory stays bounded by
    the number of orphans, not by the archive.
    """
    while run.deferred:
        waiting, run.deferred = run.deferred, []
        for inbound_id in in_batches(waiting, batch):
            _guarded(
                f"inbound #{inbound_id}",
                counts,
                functools.partial(retry_deferred, inbound_id, run),
            )
        if len(run.deferred) == len(waiting):
            # Nothing threaded in this pass: their parents are not in the archive.
            run.final = True


# When a running import gathers the planner's statistics again (``mail.statistics``).
STATISTICS_AT = (200, 2000)
STATISTICS_EVERY = 10000


@dataclass(frozen=True)
class ImportOptions:
    """How to import: where to, whether to acknowledge, who the agents are, final status."""

    mailbox_address: str = ""
    send_ack: bool = False
    agent_addresses: Sequence[str] = ()
    agent_domains: Sequence[str] = ()
    status: str = "closed"  # of historical tickets: "closed" or "open"
    batch: int = 100  # messages per commit (see core.batching.in_batches)
    dry_run: bool = False


def _import_all(
    sources: Sequence[Source], options: ImportOptions, run: ImportRun, progress: Progress | None
) -> ImportCounts:
    counts = ImportCounts(dry_run=options.dry_run)
    envelope_to = [options.mailbox_address] if options.mailbox_address else []
    items = (item for source in sources for item in source.items())
    while group := list(itertools.islice(items, max(options.batch, 1))):
        before = counts.messages

        def done(results: list[Processed | None], group: list[ArchiveItem] = group) -> None:
            for item, processed in zip(group, results, strict=True):
                _count(item, processed, counts)
                if progress is not None:
                    progress(counts.messages, counts)

        grouped = import_group(group, run, done, envelope_to=envelope_to, send_ack=options.send_ack)
        if not grouped:
            _import_one_by_one(group, counts, run, options, progress)
        if _crossed(before, counts.messages):
            # A fresh database has no statistics; its tables grow fastest during an import.
            database_statistics_refresh()
    _resolve_deferred(counts, run, options.batch)
    return counts


def _count(item: ArchiveItem, processed: Processed | None, counts: ImportCounts) -> None:
    counts.messages += 1
    if processed is None:
        counts.record_failure(item.label, item.error)
    else:
        _tally(item.label, processed, counts)


def _import_one_by_one(
    group: list[ArchiveItem],
    counts: ImportCounts,
    run: ImportRun,
    options: ImportOptions,
    progress: Progress | None,
) -> None:
    """The way back for a group that failed: each message alone, the bad one quarantined."""
    envelope_to = [options.mailbox_address] if options.mailbox_address else []
    with transaction.atomic():
        for item in group:
            counts.messages += 1
            _import_item(item, counts, run, envelope_to=envelope_to, send_ack=options.send_ack)
            if progress is not None:
                progress(counts.messages, counts)


def _crossed(before: int, after: int) -> bool:
    """True when ``mail.statistics`` is due between ``before`` and ``after`` messages."""
    return any(before < at <= after for at in STATISTICS_AT) or (
        after // STATISTICS_EVERY > before // STATISTICS_EVERY
    )


def import_sources(
    sources: Sequence[Source],
    *,
    mailbox_address: str = "",
    send_ack: bool = False,
    progress: Progress | None = None,
    options: ImportOptions | None = None,
) -> ImportCounts:
    """Import every message of ``sources`` in order; never raises for a single message.

    ``options`` (when given) replaces ``mailbox_address`` and ``send_ack``. A dry run
    imports everything in one transaction and rolls it back: real counts, nothing written.
    """
    if options is None:
        options = ImportOptions(mailbox_address=mailbox_address, send_ack=send_ack)
    run = import_run_new(
        agent_addresses=options.agent_addresses,
        agent_domains=options.agent_domains,
        history_status=options.status,
    )
    if not options.dry_run:
        return _import_all(sources, options, run, progress)
    with transaction.atomic():
        counts = _import_all(sources, options, run, progress)
        transaction.set_rollback(True)
    return counts


def quarantined_ids() -> list[int]:
    """Return the ids of every quarantined message, oldest first (``mail reprocess --all``)."""
    return inbound_quarantined_ids()


def quarantine_reason(inbound_id: int) -> str:
    """Return the last line of a quarantined message's error (a traceback ends with it)."""
    return inbound_quarantine_reason(inbound_id=inbound_id)
