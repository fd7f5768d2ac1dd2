"""Robust parsing: stdlib ``email`` (``policy.default``) plus a fallback layer of our own.

``parse_message(raw)`` never raises. The stdlib keeps the full MIME tree; on top of it we
decode what real mail gets wrong: unknown or lying charset labels, raw 8-bit headers,
RFC 2047 words in charsets Python does not know (``iso-8859-8-i``, ``x-mac-cyrillic``), odd
Content-Transfer-Encoding spellings, uuencoded bodies, broken address lists. One walk over
the tree picks the text and HTML bodies and collects every other leaf as an attachment.

This module is the public facade; the work is done in ``ventanilla.mail.mime`` (see its
docstring for which module does what). Measured traps:
``/work/shared/notes/dependencies.md`` §2.
"""

from __future__ import annotations

import logging

from ventanilla.mail.mime.addresses import first_sender, parse_addresses
from ventanilla.mail.mime.charsets import decode_bytes
from ventanilla.mail.mime.headers import (
    decode_header_value,
    decode_words,
    first_str,
    header_index,
    header_str,
    header_strs,
    parse_date,
    parse_ids,
    safe_filename,
)
from ventanilla.mail.mime.load import load
from ventanilla.mail.mime.repair import repair_header_block
from ventanilla.mail.mime.walk import Walker, extract_uuencoded, join_bodies
from ventanilla.mail.parsed import ParsedMail

__all__ = [
    "decode_bytes",
    "decode_header_value",
    "decode_words",
    "header_str",
    "header_strs",
    "parse_addresses",
    "parse_date",
    "parse_ids",
    "parse_message",
    "repair_header_block",
    "safe_filename",
]

log = logging.getLogger(__name__)

# A thread of more than this many references keeps its root and the newest ones.
MAX_REFERENCES = 100


def parse_message(raw: bytes) -> ParsedMail:
    """Parse ``raw`` into a ``ParsedMail``; never raises, whatever the bytes."""
    message, defects = load(raw)
    walker = Walker()
    try:
        walker.walk(message)
    except Exception:  # keep whatever the walk collected
        log.exception("MIME walk failed")
        defects.append("walk-failed")
    text, uu_files = extract_uuencoded(join_bodies(walker.text))
    headers = header_index(message)  # raw values, read once for every field below
    references = parse_ids(" ".join(decode_header_value(v) for v in headers.get("references", [])))
    if len(references) > MAX_REFERENCES:
        references = references[:1] + references[1 - MAX_REFERENCES :]
    sender = first_sender(headers)
    if sender is None:
        defects.append("no-sender")
    return ParsedMail(
        message=message,
        subject=first_str(headers.get("subject", []))[:998],
        sender=sender,
        reply_to=parse_addresses(headers.get("reply-to", [])),
        to=parse_addresses(headers.get("to", [])),
        cc=parse_addresses(headers.get("cc", [])),
        date=parse_date(first_str(headers.get("date", []))),
        message_id=next(iter(parse_ids(first_str(headers.get("message-id", [])))), ""),
        in_reply_to=parse_ids(first_str(headers.get("in-reply-to", []))),
        references=references,
        text=text,
        html=join_bodies(walker.html),
        attachments=walker.attachments + uu_files,
        defects=[*walker.defects, *defects][:50],
    )
