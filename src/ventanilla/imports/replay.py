"""Replaying archived mail through the import pipeline, one message at a time.

``ventanilla mail import`` migrates a mailbox that holds the customers' mail *and* the
agents' replies. The import pipeline (``pipeline/registry.py``, chosen by the source
``import``) needs to know who the agents are and whether an orphan may still wait; the
import's options (``--agent-address``, ``--agent-domain``) are not stored with each
message (the archive on disk is the durable copy), so each call hands them over as an
`ArchiveRun`, and the pipeline's `ProcessResult` says what became of the message (an
agent's reply, a deferred orphan). `ImportRun` keeps that state for the whole import:
the ids deferred in this pass, and whether this is the final pass (nothing deferred).
Without a run (a quarantined import reprocessed later) the agents are still recognised
by our mailbox addresses and the agents' logins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from ventanilla.agents.selectors import agent_login_emails
from ventanilla.imports.bookkeeping import inbound_import_requeue
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.pipeline.context import ArchiveRun
from ventanilla.pipeline.handlers.imported_reply import AGENT_REPLY, DEFERRED
from ventanilla.pipeline.services import (
    inbound_process_detailed,
    inbound_process_stored,
    inbound_requeue,
)
from ventanilla.tickets.services import HISTORY_STATUSES


@dataclass
class ImportRun:
    """The state of one running import.

    ``final`` is False during the passes that may defer a message whose thread is unknown,
    True for the last pass, where nothing is deferred any more. ``deferred`` holds only
    ids (a few bytes each), never messages, so memory stays bounded. ``note`` is what the
    import pipeline made of the last message ("agent-reply", "deferred", "").
    """

    agent_addresses: frozenset[str] = frozenset()
    agent_domains: frozenset[str] = frozenset()
    user_emails: frozenset[str] = frozenset()
    history_status: str = "closed"
    final: bool = False
    deferred: list[int] = field(default_factory=list)
    note: str = ""

    def archive(self) -> ArchiveRun:
        """Return what the import pipeline is told for the next message."""
        return ArchiveRun(
            agent_addresses=self.agent_addresses,
            agent_domains=self.agent_domains,
            user_emails=self.user_emails,
            may_defer=not self.final,
            history_status=self.history_status,
        )


def import_run_new(
    *,
    agent_addresses: Iterable[str] = (),
    agent_domains: Iterable[str] = (),
    history_status: str = "closed",
) -> ImportRun:
    """Build the run of an import: the given agent addresses and domains, agent logins, and
    the status its tickets are given (``history_status``: "closed" or "open")."""
    if history_status not in HISTORY_STATUSES:
        msg = f"history status must be one of {HISTORY_STATUSES}, not {history_status!r}"
        raise ValueError(msg)
    return ImportRun(
        agent_addresses=frozenset(a.strip().lower() for a in agent_addresses if a.strip()),
        agent_domains=frozenset(d.strip().lower().lstrip("@") for d in agent_domains if d.strip()),
        user_emails=agent_login_emails(),
        history_status=history_status,
    )


@dataclass(frozen=True)
class Processed:
    """The result of processing one stored message."""

    inbound_id: int
    state: str
    outcome: str  # a key of importer.OUTCOME_FIELD, or a state the importer does not count
    ticket_number: str = ""
    settled: bool = False  # its ticket was given the history status by this message


def process_now(
    inbound_id: int, run: ImportRun | None = None, *, stored: InboundMessage | None = None
) -> Processed:
    """Run the pipeline on one stored message in this process and classify the result.

    ``stored``: the row the caller has just written in its open transaction (an import
    group, ``imports/group.py``): processed as it is, without reading its bytes back and
    without a savepoint, so an exception is the caller's to handle (see
    ``pipeline.services.inbound_process_stored``).
    """
    archive = run.archive() if run is not None else None
    if stored is not None:
        result = inbound_process_stored(inbound=stored, archive=archive)
    else:
        result = inbound_process_detailed(inbound_id=inbound_id, archive=archive)
    note = result.imported_as
    if run is not None:
        run.note = note
        if note == DEFERRED:
            run.deferred.append(inbound_id)
    if note == DEFERRED:
        return Processed(inbound_id, result.state, "deferred")
    if result.state != InboundState.PROCESSED:
        return Processed(inbound_id, result.state, result.state)
    if not result.ticket_number:
        # Processed without an article (nothing to attach to): nothing was created.
        return Processed(inbound_id, result.state, InboundState.IGNORED)
    if note == AGENT_REPLY:
        outcome = "agent-first" if result.created_ticket else "agent-reply"
    else:
        outcome = "created" if result.created_ticket else "added"
    return Processed(
        inbound_id, result.state, outcome, result.ticket_number, result.history_settled
    )


def retry_deferred(inbound_id: int, run: ImportRun) -> Processed:
    """Process a deferred message again (its parent may have been imported since)."""
    with transaction.atomic():
        if not inbound_import_requeue(inbound_id=inbound_id):
            return Processed(inbound_id, "", "already")
        return process_now(inbound_id, run)


def reprocess(inbound_id: int) -> Processed | None:
    """Requeue one quarantined message and process it inline; None if it was not quarantined."""
    if not inbound_requeue(inbound_id=inbound_id):
        return None
    return process_now(inbound_id)
