"""The MTA pipe: ``ventanilla mail gate`` reads one message on stdin and stores it.

The exit status is the whole protocol with the MTA (sysexits.h, as Postfix ``pipe(8)`` and
``local(8)`` read it; RT's ``rt-mailgate`` works the same way):

* ``0`` once ``ingest_raw`` has returned, i.e. the bytes are committed;
* ``75`` (EX_TEMPFAIL) whenever they could not be stored: standard input closed or unreadable,
  database down, disk full, no such mailbox or data directory (a configuration mistake an
  administrator can fix), any bug. The MTA keeps the
  message and retries, so nothing is lost; a retry of stored bytes is a no-op (sha256);
* ``65`` (EX_DATAERR) only for input no retry can ever make acceptable: empty input, or more
  bytes than the mailbox (or ``VENTANILLA_MAX_MESSAGE_BYTES``) accepts. The MTA bounces it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings

from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import InboundSource
from ventanilla.mail.selectors import mailbox_by_key, mailbox_default

log = logging.getLogger(__name__)

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75


@dataclass(frozen=True)
class GateResult:
    """The exit status for the MTA and a one-line explanation for its log."""

    code: int
    message: str


def gate(stream: BinaryIO | None, *, mailbox: str = "", sender: str = "") -> GateResult:
    """Store the message on ``stream`` for ``mailbox`` (default: the first active one).

    ``stream`` None means there is no standard input at all (the MTA started us with it
    closed): like every failure to read, that is a temporary failure, never "empty input".
    """
    limit = settings.VENTANILLA_MAX_MESSAGE_BYTES
    if stream is None:
        return GateResult(EX_TEMPFAIL, "cannot read the message: standard input is closed")
    try:
        # Read one byte past the limit: enough to know it is too big, never the whole of it.
        raw = stream.read(limit + 1)
    except Exception as exc:  # OSError, ValueError on a closed file...: never a traceback
        return GateResult(EX_TEMPFAIL, f"cannot read the message: {type(exc).__name__}: {exc}")
    if not raw.strip():
        return GateResult(EX_DATAERR, "empty message")
    if len(raw) > limit:
        return GateResult(EX_DATAERR, f"message larger than {limit} bytes")
    try:
        return _store(raw, mailbox=mailbox, sender=sender)
    except Exception as exc:
        # Anything at all: the MTA keeps the message and retries (RFC 5321 §4.5.4.1).
        log.exception("piped message not stored")
        return GateResult(EX_TEMPFAIL, f"not stored, will be retried: {exc}")


def _store(raw: bytes, *, mailbox: str, sender: str) -> GateResult:
    box = mailbox_by_key(mailbox) if mailbox else mailbox_default()
    if box is None:
        return GateResult(EX_TEMPFAIL, f"no active mailbox {mailbox or '(default)'}")
    if len(raw) > box.max_message_bytes:
        return GateResult(EX_DATAERR, f"message larger than {box.max_message_bytes} bytes")
    result = ingest_raw(
        raw, source=InboundSource.PIPE, envelope_from=sender, envelope_to=[box.address]
    )
    state = "stored" if result.created else "already stored"
    return GateResult(EX_OK, f"{state} as #{result.inbound.pk}")
