"""The LMTP listener (RFC 2033): delivery from Postfix or Dovecot into ``ingest_raw``.

Same handler as the SMTP listener (RCPT check, size limits, 451 on any storage failure,
STARTTLS, session cap and timeouts), with LMTP's one difference: after DATA we answer once
per accepted recipient (RFC 2033 §4.2), so the MTA can retry or bounce each recipient on its
own. The
bytes are stored once (one ``InboundMessage`` naming every recipient that accepted them);
recipients whose mailbox limit the message exceeds get ``552`` while the others get ``250``.
"""

from __future__ import annotations

import ssl
from typing import Any, AnyStr

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from ventanilla.intake.smtp import (
    EMPTY,
    TOO_BIG,
    IngestHandler,
    SMTPListener,
    is_empty,
    message_bytes,
    start_smtp_listener,
)
from ventanilla.intake.smtp_session import SessionCap
from ventanilla.mail.models import InboundSource

# aiosmtpd answers these itself at the end of DATA, once; LMTP owes one line per recipient.
_DATA_REFUSALS = ("552 Error: Too much mail data", "500 Line too long")


class LMTPIngestHandler(IngestHandler):
    """``IngestHandler`` answering DATA with one reply line per recipient (RFC 2033 §4.2)."""

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        """Store the message once for the recipients it fits; one status line per recipient."""
        raw = message_bytes(envelope)
        if is_empty(raw):
            return "\r\n".join([EMPTY] * len(envelope.rcpt_tos))
        too_big = set(self.too_big(envelope, len(raw)))
        fits = [rcpt for rcpt in envelope.rcpt_tos if rcpt not in too_big]
        stored = await self.store(raw, envelope, fits) if fits else ""
        # aiosmtpd writes the string as is plus CRLF: lines joined by CRLF are separate
        # replies (not a multi-line reply with "250-"), which is what LMTP needs.
        return "\r\n".join(
            TOO_BIG.format(rcpt) if rcpt in too_big else stored for rcpt in envelope.rcpt_tos
        )


class CappedLMTP(SessionCap, LMTP):
    """An LMTP session with the session cap, per-recipient limits and per-recipient refusals."""

    async def push(self, status: AnyStr) -> None:
        """Repeat aiosmtpd's own end-of-DATA refusals once per recipient (RFC 2033 §4.2)."""
        text = status.decode() if isinstance(status, bytes) else str(status)
        envelope = self.envelope
        if text.startswith(_DATA_REFUSALS) and envelope is not None and envelope.rcpt_tos:
            await super().push("\r\n".join([text] * len(envelope.rcpt_tos)))
            return
        await super().push(status)


class LMTPListener(SMTPListener):
    """The threaded controller serving ``CappedLMTP`` sessions."""

    session_class = CappedLMTP


def start_lmtp_listener(
    host: str, port: int, *, tls_context: ssl.SSLContext | None = None, **options: Any
) -> SMTPListener:
    """Start the LMTP listener on ``host:port`` in a background thread and return it.

    Like ``start_smtp_listener`` (``port`` 0 picks a free port, ``.port`` tells which,
    ``.stop()`` stops it); ``options`` go to ``LMTPIngestHandler``. The caps and timeouts are
    the SMTP listener's, except that there is no per-address cap unless ``max_per_address``
    is given: LMTP's one client is our own MTA (LMTP has no authentication and must not be
    exposed), which opens up to 20 parallel connections by default (Postfix's
    ``default_destination_concurrency_limit``); a cap would only defer its deliveries.
    """
    options.setdefault("source", InboundSource.LMTP)
    options.setdefault("max_per_address", 0)
    return start_smtp_listener(
        host,
        port,
        tls_context=tls_context,
        listener_class=LMTPListener,
        handler_class=LMTPIngestHandler,
        **options,
    )
