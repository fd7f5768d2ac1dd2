"""Files attached to an outgoing mail: the ``multipart/mixed`` wrapper and one part per file.

Agents' replies carry attachments. ``compose`` builds the text (and HTML)
body; `mixed_body` wraps it as the first part of a ``multipart/mixed`` (RFC 2046 §5.1.3) and
adds one base64 part per file. File names are written as a plain ``filename`` for ASCII names
clients or, for a UTF-8 name, an RFC 2231 ``filename*`` parameter (see `_name_params`).
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

# RFC 2045 §5.1: type "/" subtype, each a token; anything else is sent as octet-stream.
_MIME_TYPE = re.compile(r"[A-Za-z0-9!#$&^_.+-]{1,127}/[A-Za-z0-9!#$&^_.+-]{1,127}\Z")
# RFC 2045 §6.8: base64 lines are at most 76 characters.
_B64_LINE = 76
MAX_FILENAME_CHARS = 200


@dataclass(frozen=True)
class MimeAttachment:
    """One file to attach: its name as the user gave it, its MIME type and its bytes."""

    filename: str
    content_type: str
    content: bytes


def safe_filename(name: str) -> str:
    """Return ``name`` without a path, control characters or surrounding blanks (never empty)."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().strip(".")
    return base[:MAX_FILENAME_CHARS] or "attachment"


def safe_content_type(value: str) -> str:
    """Return ``value`` (lower-cased, parameters dropped) if it is a valid MIME type."""
    bare = value.split(";", 1)[0].strip().lower()
    return bare if _MIME_TYPE.match(bare) else "application/octet-stream"


def mixed_body(body: bytes, attachments: Sequence[MimeAttachment]) -> bytes:
    """Return ``body`` (a MIME entity: headers and content) followed by the files.

    The boundary starts with "=_", which cannot occur in quoted-printable or base64 output
    (RFC 2045 §6.7, RFC 2046 §5.1.1), so it never collides with the content.
    """
    boundary = "=_" + secrets.token_hex(12)
    dash = f"--{boundary}\r\n".encode("ascii")
    chunks = [
        f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode("ascii"),
        dash,
        body,
    ]
    for attachment in attachments:
        chunks.extend([b"\r\n", dash, _file_part(attachment)])
    chunks.append(f"\r\n--{boundary}--\r\n".encode("ascii"))
    return b"".join(chunks)


def _file_part(attachment: MimeAttachment) -> bytes:
    name = safe_filename(attachment.filename)
    encoded = base64.b64encode(attachment.content).decode("ascii")
    lines = [encoded[i : i + _B64_LINE] for i in range(0, len(encoded), _B64_LINE)]
    headers = (
        f"Content-Type: {safe_content_type(attachment.content_type)};\r\n"
        f" {_name_params(name)}\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    )
    return headers.encode("ascii") + "\r\n".join(lines).encode("ascii")


def _name_params(name: str) -> str:
    """Return the rest of Content-Type (``name``) and the Content-Disposition header.

    An ASCII name is a plain quoted ``filename``. A UTF-8 name is only given as RFC 2231
    ``filename*`` (a plain ``filename`` next to it would win in some parsers, Python's
    included, and show an ASCII-mangled name), with an RFC 2047 word in ``name`` for clients
    that read only Content-Type (old Outlook): what Thunderbird writes too.
    """
    if name.isascii():
        quoted = name.replace("\\", "_").replace('"', "_")
        return f'name="{quoted}"\r\nContent-Disposition: attachment; filename="{quoted}"'
    word = "=?utf-8?b?" + base64.b64encode(name.encode("utf-8")).decode("ascii") + "?="
    return (
        f'name="{word}"\r\n'
        f"Content-Disposition: attachment;\r\n filename*=utf-8''{quote(name, safe='')}"
    )
