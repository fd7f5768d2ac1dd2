"""Which earlier messages a report is about: the Message-IDs of the returned original.

Read from an attached ``message/rfc822`` or ``text/rfc822-headers`` part, or, for MTAs that
quote the original inline (qmail and others), from the prose itself.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from email.message import Message

from ventanilla.parse import dsn_text
from ventanilla.parse.dsn_text import header, unique

_ID_HEADER_RE = re.compile(
    r"^[ \t>]*(Message-ID|In-Reply-To|References)[ \t]*:[ \t]*((?:.*\n?(?:[ \t]+.*\n?)*))",
    re.IGNORECASE | re.MULTILINE,
)
_MSGID_RE = re.compile(r"<([^<>\s]+@[^<>\s]+)>")


def original_ids(message: Message) -> tuple[str, ...]:
    """Message-ID, In-Reply-To and References of the returned original, in that order."""
    ids: list[str] = []
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "message/global") and part.is_multipart():
            inner = part.get_payload(0)
            if isinstance(inner, Message):
                ids += _ids_from_headers(inner)
        elif ctype == "text/rfc822-headers":
            parser = email.parser.HeaderParser(policy=email.policy.compat32)
            ids += _ids_from_headers(parser.parsestr(dsn_text.part_text(part).lstrip()))
    if not ids:
        ids = _ids_from_text(_quoted_text(message))
    own = header(message, "Message-ID").strip().strip("<>")
    return tuple(i for i in unique(ids) if i != own)


def _ids_from_headers(headers: Message) -> list[str]:
    ids: list[str] = []
    for name in ("Message-ID", "In-Reply-To", "References"):
        found = _MSGID_RE.findall(header(headers, name))
        ids += reversed(found) if name == "References" else found
    return ids


def _ids_from_text(text: str) -> list[str]:
    """Message-IDs of an original quoted in the prose (qmail and others inline it)."""
    by_name: dict[str, list[str]] = {}
    for match in _ID_HEADER_RE.finditer(text):
        by_name.setdefault(match.group(1).lower(), []).extend(_MSGID_RE.findall(match.group(2)))
    refs = list(reversed(by_name.get("references", [])))
    return [*by_name.get("message-id", []), *by_name.get("in-reply-to", []), *refs]


def _quoted_text(message: Message) -> str:
    chunks = [dsn_text.part_text(p) for p in message.walk() if p.get_content_maintype() == "text"]
    return "\n".join(chunks)[: dsn_text.MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")
