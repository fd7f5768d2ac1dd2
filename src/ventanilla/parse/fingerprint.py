"""The content fingerprint of a message: what two copies must share to be the same mail.

The same mail reaches us in different bytes: another relay prepends a ``Received:`` line,
a filter adds ``X-Spam-Status``, the IMAP copy has ``CRLF`` where the SMTP one had ``LF``,
a relay refolds a long header. A different mail can carry a Message-ID already seen: a
sender's broken generator, or a corrected message sent again with the same ID. So the
sha256 of the bytes says too little and the Message-ID too much.

Content, by class:

* the header fields that say who wrote what to whom, and how the body is to be read
  (``CONTENT_HEADERS``): From, Sender, Reply-To, To, Cc, Subject, Date, Message-ID,
  In-Reply-To, References, and the MIME fields (RFC 2045 §3, RFC 2183). Everything else is
  transport: trace fields (``Received``, ``Return-Path``, RFC 5322 §3.6.7), delivery
  fields (``Delivered-To``, ``X-Original-To``), signatures and verdicts added on the way
  (``DKIM-Signature``, ``ARC-*``, ``Authentication-Results``, ``X-Spam-*``), list and
  resend fields (``List-*``, ``Resent-*``, RFC 5322 §3.6.6). An allow-list, so a header
  some relay invents tomorrow is transport too;
* the body: every byte after the header block.

Both are compared in DKIM's "relaxed" canonical form (RFC 6376 §3.4.2 and §3.4.4), the
form mail systems agree survives transit: line endings as ``LF``, header names lowercased,
folding undone, runs of whitespace as one space, trailing whitespace and trailing empty
lines ignored. Header fields are taken in name order (relays reorder them), each name's
occurrences in their own order.

A relay that re-encodes the body (8bit to quoted-printable, RFC 6152) changes it: such a
copy becomes a second article, never a lost one.
"""

from __future__ import annotations

import hashlib
import re

CONTENT_HEADERS = frozenset(
    {
        "from",
        "sender",
        "reply-to",
        "to",
        "cc",
        "subject",
        "date",
        "message-id",
        "in-reply-to",
        "references",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
        "content-id",
        "content-language",
    }
)
# RFC 5322 §2.2: a field name is printable US-ASCII but ":"; obs-FWS allows blanks before it.
_FIELD = re.compile(rb"([!-9;-~]+)[ \t]*:(.*)", re.S)
_WSP = re.compile(rb"[ \t]+")


def _header_block(text: bytes) -> tuple[list[tuple[bytes, list[bytes]]], int]:
    """Return the fields of ``text`` (``LF`` line ends) as (name, lines), and where the body starts.

    The block ends at the first empty line, or (as in the stdlib parser, which records
    a missing-separator defect) at the first line that is neither a field nor a
    continuation: that line belongs to the body.
    """
    fields: list[tuple[bytes, list[bytes]]] = []
    offset = 0
    if text.startswith(b"From "):  # an mbox separator line (RFC 4155), not a field
        offset = text.find(b"\n") + 1 or len(text)
    while offset < len(text):
        end = text.find(b"\n", offset)
        end = len(text) if end < 0 else end
        line = text[offset:end]
        if not line:
            return fields, end + 1
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1][1].append(line)  # folded (RFC 5322 §2.2.3): unfolded when hashed
        elif (match := _FIELD.fullmatch(line)) is not None:
            fields.append((match[1].lower(), [match[2]]))
        else:
            return fields, offset
        offset = end + 1
    return fields, len(text)


def _relaxed(lines: list[bytes]) -> bytes:
    return _WSP.sub(b" ", b" ".join(lines)).strip(b" ")


def _relaxed_body(body: bytes) -> bytes:
    """RFC 6376 §3.4.4 on ``LF`` lines; plain replaces, as a regex takes seconds on 40 MB."""
    if b"\t" in body:
        body = body.replace(b"\t", b" ")
    while b"  " in body:
        body = body.replace(b"  ", b" ")
    return body.replace(b" \n", b"\n").rstrip(b" \n")


def content_fingerprint(raw: bytes) -> str:
    """Return the sha256 (hex) of ``raw``'s content: its content headers and its body.

    Two copies of one mail that differ only in transport headers, line endings, folding
    or trailing whitespace get the same fingerprint; any change to a content header or to
    the body gives another one. Never raises.
    """
    text = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if b"\r" in raw else raw
    fields, body_start = _header_block(text)
    digest = hashlib.sha256()
    kept = sorted(
        ((name, _relaxed(lines)) for name, lines in fields if name.decode() in CONTENT_HEADERS),
        key=lambda field: field[0],
    )
    for name, value in kept:
        digest.update(name + b":" + value + b"\n")
    digest.update(b"\n")
    digest.update(_relaxed_body(text[body_start:]))
    return digest.hexdigest()
