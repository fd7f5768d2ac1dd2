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

# Encodings the stdlib decodes itself. Not the uuencode family: get_payload(decode=True)
# returns the still-encoded bytes when the ``begin`` line is missing, so we decode those.
_STD_CTE = frozenset({"", "7bit", "8bit", "binary", "quoted-printable", "base64"})
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")
_UU_BEGIN = re.compile(r"begin[ \t]+[0-7]{3,4}[ \t]+(\S[^\r\n]*?)[ \t]*\r?")
# Characters of a uuencoded line: the length byte, then 4 characters per 3 bytes.
_UU_LINE = re.compile(r"[\x21-\x60][\x20-\x60]*")


def b64decode_lenient(data: bytes) -> bytes:
    """Decode base64 leniently: junk characters dropped, missing padding added."""
    clean = _NOT_BASE64.sub(b"", data)
    clean = clean[: len(clean) - (len(clean) % 4 == 1)]
    try:
        return base64.b64decode(clean + b"=" * (-len(clean) % 4))
    except (binascii.Error, ValueError):
        return b""


def is_uu_line(line: str) -> bool:
    """Tell whether ``line`` is shaped like one uuencoded line (its length byte agrees).

    Transports strip trailing spaces (they encode zero bits), so a line may be shorter
    than its length byte says, but not by more than a few characters.
    """
    line = line.rstrip("\r\n")
    if not _UU_LINE.fullmatch(line):
        return False
    expected = (((ord(line[0]) - 32) & 63) + 2) // 3 * 4
    return expected - 8 <= len(line) - 1 <= expected + 2


def uudecode(data: bytes) -> bytes:
    """Decode a uuencoded payload leniently, with or without its ``begin``/``end`` lines.

    Lines before ``begin`` (a note from the sender) and lines that are not shaped like
    uuencode are skipped; a line the length byte disagrees with is cut to that length.
    """
    lines = data.decode("latin-1").splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if _UU_BEGIN.fullmatch(line)), 0)
    out = []
    for line in lines[start:]:
        if line.rstrip() == "end":
            break
        if not is_uu_line(line):
            continue
        raw = line.encode("latin-1")
        try:
            out.append(binascii.a2b_uu(raw))
        except binascii.Error:
            size = (((raw[0] - 32) & 63) * 4 + 5) // 3
            try:
                out.append(binascii.a2b_uu(raw[:size]))
            except binascii.Error:
                continue
    return b"".join(out)


def uu_blocks(text: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Cut uuencoded blocks (``begin 644 name`` … ``end``) out of a text body.

    Returns the text without them and (file name, content) per block. A block whose
    ``end`` line was lost (a truncated mail) ends at its last uuencoded line.
    """
    if "begin " not in text:
        return text, []
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    found: list[tuple[str, bytes]] = []
    i = 0
    while i < len(lines):
        begin = _UU_BEGIN.fullmatch(lines[i].rstrip("\n"))
        end = i + 1
        while begin and end < len(lines) and (is_uu_line(lines[end]) or not lines[end].strip()):
            if not lines[end].strip() and not _ends_block(lines, end + 1):
                break
            end += 1
        if not begin or end == i + 1:
            kept.append(lines[i])
            i += 1
            continue
        if end < len(lines) and lines[end].strip() == "end":
            end += 1
        found.append((begin.group(1), uudecode("".join(lines[i:end]).encode("latin-1", "replace"))))
        i = end
    return "".join(kept), found


def _ends_block(lines: list[str], index: int) -> bool:
    """Tell whether an empty line inside a block is its zero-length last line."""
    return index >= len(lines) or lines[index].strip() == "end"


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
    norm = re.sub(r"[\s_]+", "-", cte)
    if "uu" in norm:  # x-uuencode, uuencode, x-uue, uue
        return uudecode(_undecoded(part))
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
    if "quoted" in norm or norm == "qp":
        return quopri.decodestring(data)
    if "base64" in norm or "base-64" in norm:
        return b64decode_lenient(data)
    return data
