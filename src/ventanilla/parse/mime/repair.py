"""Byte-level repairs made before (or instead of) trusting the stdlib's reading.

Both repairs keep every byte of content; they only restore the line structure that a
gateway or an old client broke, so the stdlib finds the headers and soft line breaks.
"""

from __future__ import annotations

import re

_HEADER_LINE = re.compile(rb"From |[\x21-\x39\x3b-\x7e]+[ \t]*:|[ \t]")
# What the stdlib feedparser accepts as a header line (email.feedparser.headerRE).
_STDLIB_HEADER_LINE = re.compile(rb"From |[\x21-\x39\x3b-\x7e]*:|[ \t]")
_SPACE_BEFORE_COLON = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]+:")
_HEADER_END = re.compile(rb"\r?\n\r?\n|\r\r")
# Junk pasted above the header block ("---- Original message ----"): at most this much.
_MAX_JUNK_LINES = 5
# Fields that show a line run is a real header block (RFC 5322 §3.6, RFC 5321 §4.4).
_KNOWN_FIELD = re.compile(
    rb"(?i)(from|to|cc|subject|date|message-id|received|return-path|reply-to|sender"
    rb"|mime-version|content-type)[ \t]*:"
)


def cr_line_endings(raw: bytes) -> bytes:
    """Turn old Mac line endings (CR only) into LF; other messages are returned as is.

    The stdlib splits lines on a bare CR, but quopri and our folding rules expect LF, so
    quoted-printable soft line breaks (RFC 2045 §6.7 rule 5) would survive as text.
    Only the first 8 KiB are inspected: a message with any LF there is not CR-only.
    """
    head = raw[:8192]
    if b"\r" in head and b"\n" not in head:
        return raw.replace(b"\r", b"\n")
    return raw


def repair_header_block(raw: bytes) -> bytes:
    """Make stray lines inside the header block continuation lines.

    Gateways that lose a folded line's leading space (``by localhost with SMTP``) or add
    junk (``quite Delivered-To:``) make the stdlib end the headers there, so From and
    Subject below them land in the body. Lines up to the last real header line are joined
    to the header before them; ``Subject :`` (white space before the colon, obsolete
    syntax of RFC 5322 §4.5) is fixed.
    """
    end = _HEADER_END.search(raw)
    if end is None or not _HEADER_LINE.match(raw):
        return raw
    lines = raw[: end.start() + 1].splitlines(keepends=True)
    good = [i for i, line in enumerate(lines) if _HEADER_LINE.match(line)]
    for i in range(1, good[-1] + 1):
        lines[i] = _SPACE_BEFORE_COLON.sub(rb"\1:", lines[i])
        if not _STDLIB_HEADER_LINE.match(lines[i]):
            lines[i] = b" " + lines[i]
    return b"".join(lines) + raw[end.start() + 1 :]


def drop_leading_junk(raw: bytes) -> bytes:
    """Drop a few non-header lines pasted above a real header block.

    A message that starts with ``---- Original message ----`` (a paste, a broken gateway)
    has, for the stdlib, no headers at all: no sender, no subject. When at most
    ``_MAX_JUNK_LINES`` lines stand before a line with a field every message has (followed
    by another header line or the blank line), they are dropped; the raw message keeps
    them. Otherwise the bytes are returned as they are.
    """
    if _HEADER_LINE.match(raw):
        return raw
    lines = raw[:4096].splitlines(keepends=True)
    for skip in range(1, min(_MAX_JUNK_LINES + 1, len(lines) - 1)):
        following = lines[skip + 1]
        if _KNOWN_FIELD.match(lines[skip]) and (
            _HEADER_LINE.match(following) or not following.strip()
        ):
            return raw[len(b"".join(lines[:skip])) :]
    return raw
