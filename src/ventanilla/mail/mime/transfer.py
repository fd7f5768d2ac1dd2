"""Content-Transfer-Encoding decoding that survives what real mail does (RFC 2045 §6).

The stdlib decodes the standard encodings; on top of it we read odd spellings
(``quoted printable``, ``base-64``), base64 with a stray character, and uuencoded payloads
and text blocks (``begin 644 name``), which predate MIME but still arrive.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from email.errors import InvalidBase64LengthDefect
from email.message import Message

# Encodings the stdlib decodes itself (x-uuencode included: Message.get_payload knows it).
_STD_CTE = frozenset({"", "7bit", "8bit", "binary", "quoted-printable", "base64", "x-uuencode"})
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")


def b64decode_lenient(data: bytes) -> bytes:
    """Decode base64 leniently: junk characters dropped, missing padding added."""
    clean = _NOT_BASE64.sub(b"", data)
    clean = clean[: len(clean) - (len(clean) % 4 == 1)]
    try:
        return base64.b64decode(clean + b"=" * (-len(clean) % 4))
    except (binascii.Error, ValueError):
        return b""


def uudecode(data: bytes) -> bytes:
    """Decode uuencoded lines leniently (a bad line is repaired by its length byte)."""
    out = []
    for line in data.splitlines():
        if not line or line.startswith((b"begin ", b"end")):
            continue
        try:
            out.append(binascii.a2b_uu(line))
        except binascii.Error:
            size = (((line[0] - 32) & 63) * 4 + 5) // 3
            try:
                out.append(binascii.a2b_uu(line[:size]))
            except binascii.Error:
                continue
    return b"".join(out)


def _undecoded(part: Message) -> bytes:
    """Return a leaf's payload as bytes, without transfer decoding (never raises)."""
    try:
        raw = part.get_payload()
    except Exception:  # get_payload reads the charset through the header registry
        return b""
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def payload_bytes(part: Message, cte: str) -> bytes:
    """Return a leaf's decoded payload; ``cte`` is its lowercased Content-Transfer-Encoding.

    Odd spellings (``quoted printable``, ``base-64``, ``uu``) are decoded here, because the
    stdlib returns the still-encoded bytes for any encoding it does not know.
    """
    try:
        data = part.get_payload(decode=True)
    except Exception:  # fall back to the undecoded payload
        data = _undecoded(part)
    data = data if isinstance(data, bytes) else b""
    if any(isinstance(d, InvalidBase64LengthDefect) for d in getattr(part, "defects", ())):
        # The stdlib gave the still-encoded bytes back: drop the odd character.
        return b64decode_lenient(data)
    if cte in _STD_CTE:
        return data
    norm = re.sub(r"[\s_]+", "-", cte)
    if "quoted" in norm or norm == "qp":
        return quopri.decodestring(data)
    if "base64" in norm or "base-64" in norm:
        return b64decode_lenient(data)
    return uudecode(data) if "uu" in norm else data
