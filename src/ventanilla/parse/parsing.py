"""Robust parsing: stdlib ``email`` (``policy.default``) plus a fallback layer of our own.

``parse_message(raw)`` never raises. The stdlib keeps the full MIME tree; on top of it we
decode what real mail gets wrong: unknown or lying charset labels, raw 8-bit headers,
RFC 2047 words in charsets Python does not know (``iso-8859-8-i``, ``x-mac-cyrillic``), odd
Content-Transfer-Encoding spellings, uuencoded bodies, broken address lists. One walk over
the tree picks the text and HTML bodies and collects every other leaf as an attachment.

This module is the public facade; the work is done in ``ventanilla.parse.mime`` (see its
docstring for which module does what).
"""

from __future__ import annotations

import logging
from email.message import EmailMessage

from ventanilla.parse.mime.addresses import first_sender, parse_addresses
from ventanilla.parse.mime.charsets import decode_bytes
from ventanilla.parse.mime.context import reads_raw
from ventanilla.parse.mime.headers import (
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
from ventanilla.parse.mime.load import load
from ventanilla.parse.mime.repair import repair_header_block
from ventanilla.parse.mime.salvage import salvage
from ventanilla.parse.mime.spans import align
from ventanilla.parse.mime.walk import MAX_DEPTH, MAX_PARTS, Walker, extract_uuencoded, join_bodies
from ventanilla.parse.parsed import ParsedMail

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


def _walk(raw: bytes) -> tuple[Walker, EmailMessage, list[str], bool]:
    """Parse and walk ``raw``: the walker, the message, our defects, and too complex?"""
    loaded = load(raw)
    tree = loaded.tree
    walker = Walker(loaded.raw, loaded.shift)
    too_complex = loaded.headers_only or tree.walk_depth > MAX_DEPTH
    too_complex = too_complex or tree.walk_parts > MAX_PARTS or tree.uncounted > 0
    try:
        if too_complex:
            walker.defects["too-deep-or-too-many-parts"] = None
            salvage(loaded, walker)
        else:
            walker.spans = align(loaded.message, tree)
            walker.walk(loaded.message)
    except Exception:  # keep whatever the walk collected
        log.exception("MIME walk failed")
        loaded.defects.append("walk-failed")
    return walker, loaded.message, loaded.defects, too_complex or walker.hidden > 0


@reads_raw  # undeclared 8-bit text is decoded in the light of the whole message
def parse_message(raw: bytes) -> ParsedMail:
    """Parse ``raw`` into a ``ParsedMail``; never raises, whatever the bytes."""
    walker, message, defects, too_complex = _walk(raw)
    text, uu_files = extract_uuencoded(join_bodies(walker.text))
    headers = header_index(message)  # raw values, read once for every field below
    references = parse_ids(" ".join(decode_header_value(v) for v in headers.get("references", [])))
    if len(references) > MAX_REFERENCES:
        references = references[:1] + references[1 - MAX_REFERENCES :]
    sender, sender_source = first_sender(headers)
    if "leading-junk-dropped" in defects and sender_source == "from":
        sender_source = "from-repaired"  # read below lines that were not headers
    if sender is None:
        defects.append("no-sender")
    if too_complex:
        defects.append("too-complex-salvaged")
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
        sender_source=sender_source,
        too_complex=too_complex,
        hidden_parts=walker.hidden,
    )
