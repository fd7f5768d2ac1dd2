"""Safe header access: raw values, RFC 2047 words, Message-ID lists, dates, file names.

We read header values raw (``Message.raw_items``), not through the ``policy.default``
header registry: building header objects is the slowest part of the stdlib, and the
registry gives up on what real mail does (8-bit bytes, encoded words in charsets Python
does not know, ``=?utf-8?B?…?=`` cut across words). Nothing here raises.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.message import Message

from ventanilla.parse.mime.charsets import decode_bytes, fix_8bit, has_raw_8bit
from ventanilla.parse.mime.context import reading
from ventanilla.parse.mime.transfer import b64decode_lenient

MAX_NAME = 200

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*?)\?=")
_FOLD = re.compile(r"(?:\r\n|\r|\n)(?=[ \t])")
_HEADER_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")
_ANGLE_ID = re.compile(r"<([^<>]+)>")
_ID_SEPARATOR = re.compile(r"[\s,;]+")
_ID_JUNK = re.compile(r"[\s\x00-\x1f\x7f]+")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_RESERVED_NAME = re.compile(r'[<>:"|?*]')

# One message's headers, lowercased name -> raw values in order (see ``header_index``).
HeaderIndex = dict[str, list[object]]


def _decode_word_bytes(encoding: str, text: str) -> bytes:
    """Decode the payload of one RFC 2047 encoded word, leniently."""
    if encoding in "qQ":
        data = text.replace("_", " ").encode("ascii", "replace")
        return _QP_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    return b64decode_lenient(text.encode("ascii", "replace"))


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words; whitespace between two words is dropped (§6.2).

    Adjacent words in the same charset are joined before decoding, because senders split
    multi-byte characters across words.
    """
    out: list[str] = []
    pending: list[bytes] = []
    pending_charset = ""
    pos = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[pos : match.start()]
        charset = match.group(1).lower().split("*", 1)[0]
        if pending and (between.strip() or charset != pending_charset):
            out.append(decode_bytes(b"".join(pending), pending_charset)[0])
            pending = []
        if between.strip() or (not out and not pending):
            out.append(between)
        pending.append(_decode_word_bytes(match.group(2), match.group(3)))
        pending_charset = charset
        pos = match.end()
    if pending:
        out.append(decode_bytes(b"".join(pending), pending_charset)[0])
    out.append(value[pos:])
    return "".join(out)


def unfolded(value: object) -> str:
    """Return a raw header value unfolded and with raw 8-bit bytes decoded (words kept)."""
    text = _FOLD.sub("", str(value))
    return fix_8bit(text) if has_raw_8bit(text) else text


def decode_header_value(value: object) -> str:
    """Return a header value as clean text: unfolded, 8-bit fixed, RFC 2047 decoded."""
    if hasattr(value, "name"):  # a header object we set ourselves: already decoded
        text = str(value)
    else:
        text = unfolded(value)
        if "=?" in text:
            text = decode_words(text)
    return _HEADER_CONTROL.sub(" ", text.replace("\t", " ")).strip()


def header_index(message: Message) -> HeaderIndex:
    """Return every raw header value of ``message`` by lowercased name (never raises).

    One pass over the header list instead of one per header read; values stay raw, so
    no header object is built for a header nobody reads.
    """
    index: HeaderIndex = {}
    try:
        for name, value in message.raw_items():
            index.setdefault(name.lower(), []).append(value)
    except Exception:  # a broken header list must not stop processing
        return {}
    return index


def raw_values(message: Message, name: str) -> list[object]:
    """Return every raw value of header ``name``, without the header registry (never raises)."""
    wanted = name.lower()
    try:
        return [v for k, v in message.raw_items() if k.lower() == wanted]
    except Exception:  # a broken header list must not stop processing
        return []


def first_str(values: Iterable[object]) -> str:
    """Return the first of raw header ``values`` decoded, or "" when there is none."""
    return next((decode_header_value(v) for v in values), "")


def header_str(message: Message, name: str) -> str:
    """Return the first ``name`` header decoded to str, or "" if absent (never raises).

    Raw 8-bit bytes in the value are decoded in the light of the rest of ``message``.
    """
    with reading(message):
        return first_str(raw_values(message, name))


def header_strs(message: Message, name: str) -> list[str]:
    """Return every ``name`` header decoded to str (never raises)."""
    with reading(message):
        return [decode_header_value(v) for v in raw_values(message, name)]


def parse_ids(value: str) -> list[str]:
    """Split a Message-ID list: ``<a@b> <c@d>``, or junk separated by commas or spaces."""
    found = _ANGLE_ID.findall(value) or _ID_SEPARATOR.split(value)
    ids = [_ID_JUNK.sub("", i).strip("<>")[:998] for i in found]
    return list(dict.fromkeys(i for i in ids if i.strip("<>")))


def parse_date(value: str) -> datetime | None:
    """Parse an RFC 5322 date; None when missing or invalid. Naive (-0000) means UTC."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except Exception:  # the stdlib raises several types on junk
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def safe_filename(name: str) -> str:
    """Return ``name`` usable as a file name: decoded, no path, no controls, bounded."""
    if "=?" in name or has_raw_8bit(name):
        name = decode_header_value(name)
    name = name.replace("\ufffd", "_").replace("\\", "/").rsplit("/", 1)[-1]
    name = _RESERVED_NAME.sub("_", _UNSAFE_NAME.sub("", name)).strip().lstrip(".")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        keep = ext if dot and len(ext) <= 16 else ""
        name = stem[: MAX_NAME - len(keep) - 1] + "." + keep if keep else name[:MAX_NAME]
    return name.strip()
