"""Robust parsing: stdlib ``email`` with ``policy.default`` plus our fallbacks.

Replaced/hardened by the parsing work; the contract is ``parse_message(raw) -> ParsedMail``.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
from email.message import EmailMessage, Message
from typing import cast

from ventanilla.mail.parsed import Address, ParsedAttachment, ParsedMail


def header_str(message: Message, name: str) -> str:
    """Return the first ``name`` header as str, or "" if absent or undecodable."""
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a malformed header must not stop processing
        return ""
    return "" if value is None else str(value)


def header_strs(message: Message, name: str) -> list[str]:
    """Return all ``name`` headers as str."""
    try:
        values = message.get_all(name) or []
    except Exception:  # noqa: BLE001
        return []
    return [str(v) for v in values]


def _addresses(message: Message, name: str) -> list[Address]:
    raw = header_strs(message, name)
    return [
        Address(name=n, email=a.lower()) for n, a in email.utils.getaddresses(raw) if "@" in a
    ]


def _ids(value: str) -> list[str]:
    return [p.strip("<>") for p in value.split() if p.strip("<>")]


def parse_message(raw: bytes) -> ParsedMail:
    """Parse ``raw`` into a ``ParsedMail``."""
    message = cast(EmailMessage, email.message_from_bytes(raw, policy=email.policy.default))
    senders = _addresses(message, "From")
    text = html = ""
    body = message.get_body(preferencelist=("plain",))
    if body is not None:
        text = str(body.get_content())
    hbody = message.get_body(preferencelist=("html",))
    if hbody is not None:
        html = str(hbody.get_content())
    attachments = [
        ParsedAttachment(
            filename=part.get_filename() or "",
            content_type=part.get_content_type(),
            content=part.get_payload(decode=True) or b"",
            content_id=header_str(part, "Content-ID").strip().strip("<>"),
            inline=part.get_content_disposition() == "inline",
        )
        for part in message.iter_attachments()
    ]
    date = None
    try:
        date = email.utils.parsedate_to_datetime(header_str(message, "Date"))
    except (TypeError, ValueError):
        date = None
    return ParsedMail(
        message=message,
        subject=header_str(message, "Subject"),
        sender=senders[0] if senders else None,
        reply_to=_addresses(message, "Reply-To"),
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        date=date,
        message_id=header_str(message, "Message-ID").strip().strip("<>"),
        in_reply_to=_ids(header_str(message, "In-Reply-To")),
        references=_ids(header_str(message, "References")),
        text=text,
        html=html,
        attachments=attachments,
    )
