"""The SMTP listener: a thin aiosmtpd edge in front of the one door in (``intake/ingest.py``).

It checks each recipient at RCPT time, so unknown addresses are refused during the session
(``550 5.1.1``, RFC 3463) instead of being accepted and bounced later (backscatter). At
DATA time it stores the exact bytes and answers ``250`` only after ``ingest_raw_many`` has
returned, i.e. after the row is committed (RFC 5321 §6.1: once we say 250 the message is
ours). Any failure answers ``451 4.3.0``: the client keeps the message and retries, so
nothing is lost; a retry of bytes we did store is recognised by their sha256.

The asyncio loop never touches the database. RCPT is answered from the short-lived mailbox
cache when it knows the address (no round trip); otherwise the check runs in a small, bounded
thread pool (``sync_to_async(thread_sensitive=False)``). DATA hands the bytes to the group
committer (``group_commit.py``): one writer thread stores the messages of concurrent sessions
in one transaction and answers each session only after that commit.

Size limits: the global ``VENTANILLA_MAX_MESSAGE_BYTES`` is advertised (RFC 1870 ``SIZE``)
and enforced while reading DATA; each mailbox's own ``max_message_bytes`` is checked at RCPT
against a declared ``SIZE`` and again after DATA (``552 5.3.4``). The LMTP listener
(``lmtp.py``) reuses this handler with one reply per recipient. Connection caps, timeouts and
DATA line handling live in the session class (``smtp_session.py``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections

from ventanilla.intake.group_commit import GroupCommitter
from ventanilla.intake.ingest import RawMail
from ventanilla.intake.smtp_session import LimitedEnvelope, SessionCap, SessionLimits
from ventanilla.intake.tls import server_tls_context
from ventanilla.mail.models import InboundSource
from ventanilla.mail.selectors import (
    mailbox_size_limit,
    mailbox_size_limit_cached,
    mailboxes_cached,
)

log = logging.getLogger(__name__)

TEMPFAIL = "451 4.3.0 Temporary failure, please retry"
TOO_BIG = "552 5.3.4 Message too big for <{}>"
# RFC 5321 §4.3.2 lists 554 ("transaction failed") among the permanent replies to the end of
# DATA; RFC 3463 5.6.0: the content itself cannot be delivered. No retry can fix an empty
# message (not even the From and Date RFC 5322 §3.6 requires), as the pipe's EX_DATAERR
# (which Postfix reports as 5.6.0) and the HTTP intake's 400 say for the same input.
EMPTY = "554 5.6.0 Message is empty: nothing to deliver"

_P = ParamSpec("_P")
_R = TypeVar("_R")
_N = TypeVar("_N", int, float)


def _db_call(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Wrap ``func`` for a pool thread: fresh connection before, closed after.

    Pool threads may sit idle for hours between messages; an open connection per idle thread
    would hold server slots (PostgreSQL) and outlive ``CONN_MAX_AGE``, which Django only
    enforces at request boundaries. So each call starts by dropping unusable connections
    and ends by closing this thread's connections.
    """

    @functools.wraps(func)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        close_old_connections()
        try:
            return func(*args, **kwargs)
        finally:
            connections.close_all()

    return run


def _rcpt_limit(address: str) -> int | None:
    # Warm the mailbox cache on the way (one query for all mailboxes), so the next RCPTs
    # are answered without the database; the answer itself comes from the database.
    mailboxes_cached()
    return mailbox_size_limit(address)


def _or_setting(value: _N | None, name: str) -> _N:
    """Return ``value``, or the ``VENTANILLA_SMTP_<name>`` setting when it is None."""
    if value is not None:
        return value
    configured: _N = getattr(settings, f"VENTANILLA_SMTP_{name}")
    return configured


def _declared_size(mail_options: list[str]) -> int:
    """Return the ``SIZE=`` the client declared in MAIL FROM (RFC 1870), or 0."""
    for option in mail_options:
        name, _, value = option.partition("=")
        if name.upper() == "SIZE" and value.isdigit():
            return int(value)
    return 0


def is_empty(raw: bytes) -> bool:
    """Return True for a message with nothing but white space (refused by every edge)."""
    return not raw.strip()


def message_bytes(envelope: Envelope) -> bytes:
    """Return the exact bytes received in DATA."""
    raw = envelope.original_content
    if raw is None:
        content = envelope.content
        raw = (
            content
            if isinstance(content, bytes)
            else (content or "").encode("utf-8", "surrogateescape")
        )
    return bytes(raw)


class IngestHandler:
    """aiosmtpd handler: RCPT checks the mailbox, DATA stores the bytes (group commit)."""

    def __init__(
        self,
        *,
        source: str = InboundSource.SMTP,
        max_sessions: int | None = None,
        max_per_address: int | None = None,
        command_timeout: float | None = None,
        data_timeout: float | None = None,
        db_threads: int = 4,
        batch_wait: float = 0.002,
    ) -> None:
        """Serve up to ``max_sessions`` sessions; ``db_threads`` concurrent RCPT lookups.

        ``max_per_address`` (0: no cap), ``command_timeout`` and ``data_timeout`` are
        explained in ``smtp_session.py``; each left at None comes from the
        ``VENTANILLA_SMTP_*`` setting of the same name. ``batch_wait``: how long the writer
        waits for more messages to join a group commit.
        """
        self.source = source
        # Touched only on the event loop thread, so no lock is needed.
        self.limits = SessionLimits(
            max_sessions=_or_setting(max_sessions, "MAX_SESSIONS"),
            max_per_address=_or_setting(max_per_address, "MAX_PER_ADDRESS"),
            command_timeout=_or_setting(command_timeout, "COMMAND_TIMEOUT"),
            data_timeout=_or_setting(data_timeout, "DATA_TIMEOUT"),
        )
        # Pool threads only serve RCPT cache misses (a cold cache, unknown addresses), so
        # they keep the connect-per-call policy: an idle thread holds no connection.
        self.executor = ThreadPoolExecutor(
            max_workers=db_threads, thread_name_prefix=f"{source}-db"
        )
        self._size_limit = sync_to_async(
            _db_call(_rcpt_limit), thread_sensitive=False, executor=self.executor
        )
        self.committer = GroupCommitter(name=source, max_wait=batch_wait)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        """Accept ``address`` only if it is an active mailbox; 451 if we cannot tell."""
        limit = mailbox_size_limit_cached(address)
        if limit is None:
            try:
                limit = await self._size_limit(address)
            except Exception:
                log.exception("RCPT check for %r failed", address)
                return TEMPFAIL
        if limit is None:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        # RFC 1870 §6.2: a declared size over this recipient's limit is refused at RCPT.
        if _declared_size(envelope.mail_options) > limit:
            return TOO_BIG.format(address)
        if isinstance(envelope, LimitedEnvelope):
            envelope.rcpt_limits[address] = limit
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        """Store the message; answer 250 only once it is committed, else 451 (or 552, 554)."""
        raw = message_bytes(envelope)
        if is_empty(raw):
            return EMPTY
        too_big = self.too_big(envelope, len(raw))
        if too_big:
            # One SMTP reply covers every recipient: refusing is the only honest answer.
            return TOO_BIG.format(too_big[0])
        return await self.store(raw, envelope, envelope.rcpt_tos)

    def too_big(self, envelope: Envelope, size: int) -> list[str]:
        """Return the recipients whose mailbox limit ``size`` exceeds."""
        limits = getattr(envelope, "rcpt_limits", {})
        return [rcpt for rcpt in envelope.rcpt_tos if size > limits.get(rcpt, size)]

    async def store(self, raw: bytes, envelope: Envelope, recipients: list[str]) -> str:
        """Store ``raw`` for ``recipients``; return the reply: 250 once committed, else 451."""
        try:
            mail = RawMail(raw, self.source, envelope.mail_from or "", tuple(recipients))
            result = await self.committer.store(mail)
        except Exception:
            # Whatever failed (database down, disk full, a bug), the client still holds the
            # message: a temporary failure makes it retry rather than bounce (RFC 5321 §4.2.5).
            log.exception("message from %r to %r not stored", envelope.mail_from, recipients)
            return TEMPFAIL
        return f"250 2.0.0 Ok: queued as {result.inbound.pk}"

    def close(self) -> None:
        """Wait for running DB calls and queued messages, then stop the pool and the writer."""
        self.executor.shutdown(wait=True)
        self.committer.close()


class SMTPListener(Controller):
    """aiosmtpd's threaded ``Controller`` with our session class, and port 0 support."""

    handler: IngestHandler
    session_class: type[SMTP] = SessionCap

    def factory(self) -> SMTP:
        """Return one session object (called per connection)."""
        return self.session_class(self.handler, **self.SMTP_kwargs)

    def _trigger_server(self) -> None:
        # With port 0 the OS picks the port; learn it before aiosmtpd connects to itself.
        if self.port == 0 and isinstance(self.server, asyncio.Server):
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]

    def stop(self, no_assert: bool = False) -> None:
        """Stop listening, then let running DB calls finish."""
        super().stop(no_assert=no_assert)
        self.handler.close()


def start_smtp_listener(
    host: str,
    port: int,
    *,
    tls_context: ssl.SSLContext | None = None,
    listener_class: type[SMTPListener] = SMTPListener,
    handler_class: type[IngestHandler] = IngestHandler,
    **options: Any,
) -> SMTPListener:
    """Start the SMTP listener on ``host:port`` in a background thread and return it.

    ``port`` 0 picks a free port; read it back from ``.port``. ``options`` go to
    ``IngestHandler`` (``source``, ``max_sessions``, ``max_per_address``, ``command_timeout``,
    ``data_timeout``, ``db_threads``, ``batch_wait``). STARTTLS is offered with
    ``tls_context``, by default the one configured in settings (if any). Stop it with
    ``.stop()``.
    """
    handler = handler_class(**options)
    listener = listener_class(
        handler,
        hostname=host,
        port=port,
        decode_data=False,
        enable_SMTPUTF8=True,
        data_size_limit=settings.VENTANILLA_MAX_MESSAGE_BYTES,
        ident="Ventanilla ESMTP",
        timeout=handler.limits.command_timeout,
        tls_context=tls_context or server_tls_context(),
    )
    listener.start()
    return listener


def parse_listen(value: str) -> tuple[str, int]:
    """Split ``HOST:PORT`` (or ``[v6]:PORT``); an empty host is 127.0.0.1, never all interfaces."""
    host, sep, port = value.strip().rpartition(":")
    if not sep or not port.isdigit():
        msg = f"expected HOST:PORT, got {value!r}"
        raise ValueError(msg)
    return host.strip("[]") or "127.0.0.1", int(port)
