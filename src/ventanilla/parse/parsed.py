"""The typed result of parsing one message: what the pipeline reads instead of raw headers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage

from ventanilla.parse.mime.headers import header_str, header_strs
from ventanilla.parse.mime.values import Address, ParsedAttachment

__all__ = ["Address", "ParsedAttachment", "ParsedMail"]


@dataclass
class ParsedMail:
    """A message parsed with our robust layer over stdlib ``email`` (``policy.default``).

    Every string here is already decoded (RFC 2047 words, charsets, 8-bit headers); nothing
    raises when read. ``message`` is kept for rules that need other headers.
    """

    message: EmailMessage
    subject: str = ""
    sender: Address | None = None
    reply_to: list[Address] = field(default_factory=list)
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    date: datetime | None = None
    message_id: str = ""  # without angle brackets
    in_reply_to: list[str] = field(default_factory=list)  # without angle brackets
    references: list[str] = field(default_factory=list)  # oldest first, without angle brackets
    text: str = ""  # the text/plain body (or "" if the message has none)
    html: str = ""  # the text/html body, UNSANITISED: never show it as is
    attachments: list[ParsedAttachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    # Where ``sender`` came from: "from", "from-repaired" (salvaged from a comment or junk),
    # "sender", "reply-to", "return-path" (with "-repaired" when salvaged), or "".
    sender_source: str = ""
    # Too deep or too wide to read in full: salvaged from the byte ranges, and how many
    # parts are neither shown nor kept (the original has them).
    too_complex: bool = False
    hidden_parts: int = 0

    @property
    def sender_repaired(self) -> bool:
        """Tell whether the sender was not read from a well-formed From header."""
        return self.sender is not None and self.sender_source != "from"

    def notes(self) -> list[str]:
        """Return what was salvaged or left out, for the inbound message's reasons."""
        notes = []
        if self.sender_repaired:
            notes.append(f"sender repaired ({self.sender_source})")
        if self.too_complex:
            notes.append(f"too complex: salvaged, {self.hidden_parts} parts not shown")
        return notes

    def header(self, name: str) -> str:
        """Return the first ``name`` header decoded to str, or "" (never raises)."""
        return header_str(self.message, name)

    def headers(self, name: str) -> list[str]:
        """Return every ``name`` header decoded to str (never raises)."""
        return header_strs(self.message, name)
