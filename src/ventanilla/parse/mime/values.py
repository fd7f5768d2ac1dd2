"""The small values the MIME layer hands up: a mailbox of an address header, an attachment.

They live below ``parsed`` (which re-exports them) so that the MIME modules that build them
and ``ParsedMail``, which reads headers through ``mime.headers``, import in one direction only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Address:
    """One mailbox from an address header: display name and lowercased address."""

    name: str
    email: str


@dataclass(frozen=True)
class ParsedAttachment:
    """One attachment or inline part, decoded."""

    filename: str
    content_type: str
    content: bytes
    content_id: str = ""  # without angle brackets
    inline: bool = False
