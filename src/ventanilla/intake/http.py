"""HTTP intake: ``POST /intake/<mailbox>/`` with raw RFC 5322 bytes, for relays and providers.

Authenticated by a per-mailbox bearer token (RFC 6750) whose sha256 is stored on the mailbox
and compared in constant time. ``202`` is answered only after ``ingest_raw`` has returned
(the bytes are committed); every failure to store answers ``503`` with ``Retry-After`` so the
sender keeps the message and retries. Only a complete body is stored: one shorter than its
Content-Length is refused. A chunked body is decoded by the web server (gunicorn,
``core/web_server.py``); any other transfer coding gets ``501``. Logic here, the Django view
in ``intake/views.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import InboundSource, Mailbox
from ventanilla.mail.selectors import mailbox_by_key

log = logging.getLogger(__name__)

CONTENT_TYPE = "message/rfc822"
RETRY_AFTER_SECONDS = 60
# Compared against when a mailbox has no token, so timing never tells "no token" apart.
_NO_TOKEN = "0" * 64


class Readable(Protocol):
    """Anything with ``read(size)`` returning bytes (a Django request, a file)."""

    def read(self, size: int, /) -> bytes:
        """Return up to ``size`` bytes."""
        ...


@dataclass(frozen=True)
class IntakeRequest:
    """What the view hands over: the key in the URL, three headers and the body stream."""

    key: str
    authorization: str
    content_type: str
    content_length: int | None
    body: Readable
    # The Transfer-Encoding the client sent ("" without one); the WSGI server decoded it.
    transfer_encoding: str = ""


@dataclass(frozen=True)
class IntakeReply:
    """The HTTP status, the JSON body and extra headers."""

    status: int
    data: dict[str, object]
    headers: dict[str, str] = field(default_factory=dict)


def token_hash(token: str) -> str:
    """Return the sha256 hex digest stored for ``token``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(mailbox: Mailbox, token: str) -> bool:
    """Return True when ``token`` is the mailbox's intake token (constant-time comparison)."""
    stored = mailbox.intake_token_sha256 or _NO_TOKEN
    return hmac.compare_digest(token_hash(token), stored) and bool(mailbox.intake_token_sha256)


def _bearer(authorization: str) -> str:
    scheme, _sep, token = authorization.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _error(status: int, message: str, **headers: str) -> IntakeReply:
    return IntakeReply(status, {"error": message}, headers)


def _unavailable() -> IntakeReply:
    retry = str(RETRY_AFTER_SECONDS)
    return _error(503, _("Temporarily unable to store the message."), **{"Retry-After": retry})


def _incomplete() -> IntakeReply:
    return _error(400, _("The message body is incomplete."))


def intake_receive(request: IntakeRequest) -> IntakeReply:
    """Authenticate, check and store one message; return the reply to send."""
    codings = [c.strip().lower() for c in request.transfer_encoding.split(",") if c.strip()]
    if codings not in ([], ["chunked"]):
        # RFC 9112 §6.1: a coding we do not decode (gzip...) would reach us still encoded.
        return _error(501, _("Only the chunked transfer coding is supported."))
    token = _bearer(request.authorization)
    if not token:
        return _error(401, _("A bearer token is required."), **{"WWW-Authenticate": "Bearer"})
    try:
        mailbox = mailbox_by_key(request.key)
    except Exception:
        log.exception("intake: mailbox lookup failed")
        return _unavailable()
    if mailbox is None:
        return _error(404, _("No such mailbox."))
    if not token_matches(mailbox, token):
        return _error(403, _("The token is not valid for this mailbox."))
    if request.content_type.split(";")[0].strip().lower() != CONTENT_TYPE:
        return _error(415, _("Send the raw message as message/rfc822."))
    return _read_and_store(request, mailbox)


def _read_and_store(request: IntakeRequest, mailbox: Mailbox) -> IntakeReply:
    limit = min(mailbox.max_message_bytes, settings.VENTANILLA_MAX_MESSAGE_BYTES)
    too_big = _error(413, _("The message is larger than %(limit)d bytes.") % {"limit": limit})
    if request.content_length is not None and request.content_length > limit:
        return too_big
    try:
        raw = request.body.read(limit + 1)
    except Exception:
        log.warning("intake: body for %s could not be read", mailbox.address, exc_info=True)
        return _incomplete()
    if len(raw) > limit:
        return too_big
    if request.content_length is not None and len(raw) != request.content_length:
        # The client sent less than it declared and closed (RFC 9112 §8: an incomplete
        # message). It never gets our 202, so it will send the whole message again: storing
        # the fragment would make a ticket of it and a "duplicate" of nothing.
        return _incomplete()
    if not raw.strip():
        return _error(400, _("The message is empty."))
    try:
        result = ingest_raw(raw, source=InboundSource.HTTP, envelope_to=[mailbox.address])
    except Exception:
        log.exception("intake: message for %s not stored", mailbox.address)
        return _unavailable()
    return IntakeReply(202, {"id": result.inbound.pk, "duplicate": not result.created})
