"""Importing an old support mailbox's history: who the agents were, and what the run decided.

``ventanilla mail import`` (issue 3, item 5) migrates a mailbox that holds the customers'
mail *and* the agents' replies. The pipeline step ``outbound-history``
(``pipeline/handlers/history.py``) needs to know, per message, whether the sender was an
agent; the import's options (``--agent-address``, ``--agent-domain``) are not stored with
each message (the archive on disk is the durable copy), so they travel with the running
import in a ``ContextVar`` holding a `HistoryRun`. Without a run (a quarantined import
reprocessed later) the agents are still recognised by our mailbox addresses and the
agents' ``User.email``.

An agent is: one of our mailbox addresses, an address named with ``--agent-address``, an
address in a ``--agent-domain``, or the e-mail of any agent login (former agents included:
their replies are history too).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.mail.selectors import mailbox_addresses
from ventanilla.pipeline.context import Context

IMPORT_SOURCE = "import"
# Stored as the ``reasons`` of a message whose thread is not known yet (its parent may come
# later in the archive); the importer processes it again once the rest of the archive is in.
DEFERRED_REASON = "history: deferred until the rest of the archive is imported"


@dataclass
class HistoryRun:
    """The state of one running import, read by the ``outbound-history`` step.

    ``final`` is False during the passes that may defer a message whose thread is unknown,
    True for the last pass, where nothing is deferred any more. ``deferred`` holds only
    ids (a few bytes each), never messages, so memory stays bounded.
    """

    agent_addresses: frozenset[str] = frozenset()
    agent_domains: frozenset[str] = frozenset()
    user_emails: frozenset[str] = frozenset()
    final: bool = False
    deferred: list[int] = field(default_factory=list)
    # What the step made of the current message ("agent-reply", "deferred", ""); the
    # importer reads it to count agent replies apart from customers' articles.
    note: str = ""


_current: ContextVar[HistoryRun | None] = ContextVar("ventanilla_history_run", default=None)


def agent_user_emails() -> frozenset[str]:
    """Return the lowercased e-mail of every agent login, active or not."""
    user_model = get_user_model()
    emails = user_model.objects.filter(agent__isnull=False).values_list("email", flat=True)
    return frozenset(e.strip().lower() for e in emails if e and e.strip())


def history_run_new(
    *, agent_addresses: Iterable[str] = (), agent_domains: Iterable[str] = ()
) -> HistoryRun:
    """Build the run of an import: the given agent addresses and domains, and agent logins."""
    return HistoryRun(
        agent_addresses=frozenset(a.strip().lower() for a in agent_addresses if a.strip()),
        agent_domains=frozenset(d.strip().lower().lstrip("@") for d in agent_domains if d.strip()),
        user_emails=agent_user_emails(),
    )


@contextmanager
def history_running(run: HistoryRun) -> Iterator[HistoryRun]:
    """Make ``run`` the current import for the code inside the ``with`` block."""
    token = _current.set(run)
    try:
        yield run
    finally:
        _current.reset(token)


def history_current() -> HistoryRun | None:
    """Return the running import, or None outside one."""
    return _current.get()


def is_agent_address(address: str, run: HistoryRun | None = None) -> bool:
    """Return True when ``address`` belongs to an agent or to one of our mailboxes."""
    email = address.strip().lower()
    if not email or "@" not in email:
        return False
    if email in mailbox_addresses():
        return True
    if run is None:
        return email in agent_user_emails()
    domain = email.rpartition("@")[2]
    return email in run.agent_addresses or domain in run.agent_domains or email in run.user_emails


def is_agent_history(ctx: Context) -> bool:
    """Return True for an imported message written by an agent (or by the old mailbox)."""
    if ctx.inbound.source != IMPORT_SOURCE or ctx.mail is None or ctx.mail.sender is None:
        return False
    return is_agent_address(ctx.mail.sender.email, history_current())


@transaction.atomic
def inbound_history_requeue(*, inbound_id: int) -> bool:
    """Send a deferred imported message back to ``received``; False if it is not deferred."""
    updated = InboundMessage.objects.filter(
        pk=inbound_id, source=IMPORT_SOURCE, state=InboundState.IGNORED
    ).update(state=InboundState.RECEIVED, reasons=[])
    return updated == 1
