"""Fixtures shared by every test module: a mailbox, message builders, one-call ingestion."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Real servers started by the tests (fixtures ``dovecot``, ``imap_user``, ``postfix``).
pytest_plugins = ["tests.servers.dovecot", "tests.servers.postfix"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the default language.

    Django's ``LocaleMiddleware`` (and ours, for an agent's profile) activate a language for
    the thread and never reset it: without this, a test-client request by an English agent
    would leave English active for whichever test runs next on the same worker.
    """
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_mailbox_cache():
    """Tests flush tables without signals; never let one test see another's mailboxes."""
    from ventanilla.mail.selectors import mailbox_cache_clear
    from ventanilla.tickets.sla_config import sla_config_clear  # the SLA/priority snapshot

    mailbox_cache_clear()
    sla_config_clear()
    yield
    mailbox_cache_clear()
    sla_config_clear()


@pytest.fixture
def mailbox(db):
    """The demo support mailbox ``soporte@empresa.es`` with prefix SOP."""
    from ventanilla.mail.services import mailbox_create

    return mailbox_create(
        name="Soporte Empresa",
        address="soporte@empresa.es",
        prefix="SOP",
        fallback_contact="incidencias@empresa.es",
    )


def build_mail(
    *,
    sender: str = "Lucía Pérez <lucia@cliente.es>",
    to: str = "soporte@empresa.es",
    subject: str = "No puedo acceder a la intranet",
    body: str = "Hola,\n\nDesde esta mañana no puedo acceder a la intranet.\n\nGracias,\nLucía\n",
    cc: str | None = None,
    html: str | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """Build a realistic customer mail as bytes."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    msg["Message-ID"] = message_id or make_msgid(domain="cliente.es")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


@pytest.fixture
def make_mail() -> Callable[..., bytes]:
    """Return ``build_mail`` (keyword arguments: sender, to, subject, body, cc, html, ...)."""
    return build_mail


@pytest.fixture
def deliver(mailbox):
    """Return a function that ingests bytes as SMTP mail to the mailbox and processes them."""
    from ventanilla.intake.ingest import ingest_raw
    from ventanilla.mail.models import InboundMessage

    def _deliver(raw: bytes, *, send_ack: bool = True, source: str = "smtp") -> InboundMessage:
        result = ingest_raw(
            raw,
            source=source,
            envelope_from="",
            envelope_to=[mailbox.address],
            send_ack=send_ack,
        )
        result.inbound.refresh_from_db()
        return result.inbound

    return _deliver


@pytest.fixture
def make_ctx(mailbox):
    """Return a function building a parsed pipeline ``Context`` for ``raw`` (stored, unprocessed).

    For unit tests of one rule or handler: nothing but parsing has run on the context.
    """
    from ventanilla.intake.ingest import ingest_raw
    from ventanilla.parse.parsing import parse_message
    from ventanilla.pipeline.context import Context

    def _make(raw: bytes, *, envelope_from: str = ""):
        inbound = ingest_raw(
            raw,
            source="test",
            envelope_from=envelope_from,
            envelope_to=[mailbox.address],
            process=False,
        ).inbound
        return Context(inbound=inbound, mailbox=mailbox, raw=raw, mail=parse_message(raw))

    return _make


@pytest.fixture
def make_agent(db):
    """Create an agent login: ``make_agent("ana", role="supervisor", teams=[team])``."""
    from ventanilla.agents.services import agent_create

    def make(username: str = "ana", *, role: str = "agent", teams=(), **kwargs):
        return agent_create(
            username=username,
            email=kwargs.pop("email", f"{username}@empresa.es"),
            password=kwargs.pop("password", "secret-pass-123"),
            role=role,
            teams=teams,
            **kwargs,
        )

    return make


@pytest.fixture
def team(db):
    """A team called Soporte with manual assignment."""
    from ventanilla.agents.services import team_create

    return team_create(name="Soporte")
