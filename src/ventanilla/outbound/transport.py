"""Hand one outbox row's bytes to the relay over SMTP, or into the local outbox folder.

No database work here: ``send`` claims the row before and records the outcome after, with no
transaction open while we talk to the network. Failures are classified for it:
`TemporaryDeliveryError` (try again later) or `PermanentDeliveryError` (give up), following
RFC 5321 §4.2.1 (4yz transient, 5yz permanent).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from pathlib import Path

from django.conf import settings

from ventanilla.config import Relay
from ventanilla.mail.models import OutboundMessage


class TemporaryDeliveryError(Exception):
    """The relay or the network failed; the same mail may well go through later (4xx)."""


class PermanentDeliveryError(Exception):
    """The relay refused this mail for good (5xx, every recipient refused)."""


def transmit(row: OutboundMessage, relay: Relay) -> dict[str, tuple[int, bytes]]:
    """Hand the bytes over; return the recipients the relay refused (some, never all)."""
    if not relay.host:
        _write_to_folder(row, Path(settings.VENTANILLA_OUTBOX_DIR))
        return {}
    try:
        return _smtp_send(row, relay)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = {code for code, _msg in exc.recipients.values()}
        detail = refusals(exc.recipients)
        if all(code >= 500 for code in codes):
            raise PermanentDeliveryError(f"all recipients refused: {detail}") from exc
        raise TemporaryDeliveryError(f"recipients deferred: {detail}") from exc
    except (smtplib.SMTPConnectError, smtplib.SMTPAuthenticationError) as exc:
        # The relay's greeting or our credentials: a configuration problem, not this mail's.
        raise TemporaryDeliveryError(_describe(exc)) from exc
    except smtplib.SMTPResponseException as exc:
        # RFC 5321 §4.2.1: 4yz is a transient negative reply, 5yz a permanent one.
        if exc.smtp_code >= 500:
            raise PermanentDeliveryError(_describe(exc)) from exc
        raise TemporaryDeliveryError(_describe(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        # Refused connection, timeout, DNS, TLS, SMTPServerDisconnected: try again later.
        raise TemporaryDeliveryError(_describe(exc)) from exc


def _smtp_send(row: OutboundMessage, relay: Relay) -> dict[str, tuple[int, bytes]]:
    smtp = smtplib.SMTP(relay.host, relay.port, timeout=relay.timeout)
    try:
        if relay.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if relay.user:
            smtp.login(relay.user, relay.password)
        raw = bytes(row.raw)
        recipients = list(row.recipients)
        options = mail_options(row, raw, recipients)
        if options:
            smtp.ehlo_or_helo_if_needed()
            if not smtp.has_extn("smtputf8"):
                # A non-ASCII local part has no ASCII form to fall back to (RFC 6530 §7
                # downgrading needs one), so this relay can never send it.
                msg = f"the relay does not offer SMTPUTF8 (RFC 6531), needed for {recipients}"
                raise PermanentDeliveryError(msg)
        return smtp.sendmail(row.envelope_from, recipients, raw, mail_options=options)
    finally:
        # Once DATA was accepted, a failing QUIT must not turn into a retry (a duplicate).
        _close_quietly(smtp)


def mail_options(row: OutboundMessage, raw: bytes, recipients: list[str]) -> list[str]:
    """Return the MAIL FROM parameters this message needs: ``SMTPUTF8`` or nothing.

    Decided per message: only mail with a non-ASCII address in its envelope or headers
    (RFC 6531 §3.4, RFC 6532) asks for it, so a relay without SMTPUTF8 still sends the rest.
    ``compose`` keeps everything else ASCII (RFC 2047 words, quoted-printable bodies).
    """
    envelope = [row.envelope_from, *recipients]
    if raw.isascii() and all(address.isascii() for address in envelope):
        return []
    return ["SMTPUTF8"]


def _close_quietly(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _write_to_folder(row: OutboundMessage, folder: Path) -> None:
    """Deliver into ``folder`` as one ``.eml`` per mail: write a temp file, then rename.

    The rename is atomic, so a reader never sees half a message; the name is stable, so a
    second delivery of the same row replaces the file instead of adding one.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{row.created_at:%Y%m%dT%H%M%SZ}-{row.pk:08d}.eml"
        tmp = folder / f".{name}.tmp"
        with tmp.open("wb") as handle:
            handle.write(bytes(row.raw))
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(folder / name)
    except OSError as exc:
        raise TemporaryDeliveryError(f"outbox folder {folder}: {exc}") from exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {text}".strip()
    return f"{type(exc).__name__}: {exc}"


def refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{rcpt}: {code} {msg.decode('utf-8', 'replace')}" for rcpt, (code, msg) in refused.items()
    )
