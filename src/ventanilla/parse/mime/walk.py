"""One pass over the MIME tree: pick the text and HTML bodies, collect the attachments.

Each part's Content-* headers are read once (``PartInfo``). Rules: RFC 2046 §5.1.4 for
multipart/alternative (the last alternative we understand wins), RFC 2387 / RFC 2557 for
multipart/related (non-root members are resources, kept as inline attachments), RFC 6522
for multipart/report (the machine-readable report is read by the bounce rule, not kept).
An attached message (RFC 2046 §5.2.1) is stored as the bytes received, sliced from the
raw input through the scanned byte ranges (``spans``): re-serialising it would refold and
re-encode its headers, and attachments are the customer's evidence.
"""

from __future__ import annotations

import email
import itertools
import logging
import mimetypes
import quopri
import re
from email.message import Message

from ventanilla.parse.mime.charsets import decode_bytes
from ventanilla.parse.mime.headers import header_index, header_str, safe_filename
from ventanilla.parse.mime.load import PARSE_POLICY
from ventanilla.parse.mime.parts import PartInfo, content_id
from ventanilla.parse.mime.spans import Span
from ventanilla.parse.mime.transfer import b64decode_lenient, payload_bytes, uu_blocks
from ventanilla.parse.mime.values import ParsedAttachment

log = logging.getLogger(__name__)

MAX_DEPTH = 40
MAX_PARTS = 1000

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_:.-]+)""", re.I)
_PATH_SEPARATOR = re.compile(r"[/\\]")
_REPORT_PARTS = frozenset(
    {
        "message/delivery-status",
        "message/global-delivery-status",
        "message/disposition-notification",
        "message/feedback-report",
        "message/rfc822",
        "message/global",
        "text/rfc822-headers",
        "message/global-headers",
    }
)


class Walker:
    """One pass over the MIME tree: text and HTML bodies, attachments, defects."""

    def __init__(
        self, raw: bytes = b"", shift: int = 0, spans: dict[int, Span] | None = None
    ) -> None:
        """Start with nothing found.

        ``spans`` maps the stdlib's parts (by ``id``) to their byte ranges, which are
        ``shift`` bytes further than in ``raw`` (``load.Loaded``).
        """
        self.text: list[str] = []
        self.html: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.defects: dict[str, None] = {}
        self.count = 0
        self.hidden = 0  # parts neither shown nor kept (past the limits)
        self.raw, self.shift, self.spans = raw, shift, spans or {}

    def walk(
        self, part: Message, depth: int = 0, resource: bool = False, info: PartInfo | None = None
    ) -> None:
        """Visit ``part``; ``resource`` marks a non-root member of multipart/related."""
        self.count += 1
        for defect in getattr(part, "defects", ()):
            self.defects[type(defect).__name__] = None
        if depth > MAX_DEPTH or self.count > MAX_PARTS:
            self.defects["too-deep-or-too-many-parts"] = None
            self.hidden += 1
            return
        if info is None:
            info = PartInfo(part)
        if info.ctype.startswith("multipart/"):
            self._multipart(part, info, depth)
        elif info.ctype.startswith("message/") and part.is_multipart():
            name = info.filename or safe_filename(_enclosed_subject(part) + ".eml")
            self._attach(info, self._enclosed(part, info), name, inline=False)
            for inner in itertools.islice(part.walk(), 1, MAX_PARTS):
                self.defects.update(dict.fromkeys(type(d).__name__ for d in inner.defects))
        else:
            self._leaf(part, info, resource)

    def _multipart(self, part: Message, info: PartInfo, depth: int) -> None:
        """Visit the children of a multipart, by subtype."""
        children = [c for c in part.get_payload() if isinstance(c, Message)]
        children += _epilogue_parts(part)
        subtype = info.ctype.split("/", 1)[1]
        if subtype == "alternative":
            self._alternative(children, depth)
            return
        root = 0
        if subtype == "related" and info.start:
            cids = [content_id(header_index(c)) for c in children]
            root = cids.index(info.start) if info.start in cids else 0
        for i, child in enumerate(children):
            child_info = PartInfo(child) if subtype == "report" and i > 0 else None
            if child_info is not None and child_info.ctype in _REPORT_PARTS:
                continue  # the delivery report itself: read by the bounce rule, not kept
            resource = subtype == "related" and i != root
            self.walk(child, depth + 1, resource=resource, info=child_info)

    def _alternative(self, children: list[Message], depth: int) -> None:
        """RFC 2046 §5.1.4: the last alternative we understand is the best one."""
        saved_text, saved_html = self.text, self.html
        best_text: list[str] = []
        best_html: list[str] = []
        for child in children:
            self.text, self.html = [], []
            self.walk(child, depth + 1)
            if self.text and ("".join(self.text).strip() or not best_text):
                best_text = self.text
            if self.html and ("".join(self.html).strip() or not best_html):
                best_html = self.html
        self.text, self.html = saved_text + best_text, saved_html + best_html

    def leaf(self, part: Message, info: PartInfo) -> None:
        """Keep one leaf read on its own (``salvage``): body text or attachment."""
        self.count += 1
        self._leaf(part, info, resource=False)

    def attach(self, info: PartInfo, content: bytes, filename: str) -> None:
        """Record one attachment found outside the walk (``salvage``)."""
        self.count += 1
        self._attach(info, content, filename, inline=False)

    def _leaf(self, part: Message, info: PartInfo, resource: bool) -> None:
        """Keep a leaf as (part of) a body, or as an attachment, or both."""
        content = payload_bytes(part, info.cte)
        body = self.html if info.ctype == "text/html" else self.text
        is_body = info.ctype in ("text/plain", "text/html") and info.disposition != "attachment"
        if is_body and not resource and (not info.filename or not body):
            body.append(self._decode(content, info))
            if not info.filename:
                return
        inline = info.disposition == "inline" or (resource and bool(info.cid))
        self._attach(info, content, info.filename, inline=inline)

    def _decode(self, content: bytes, info: PartInfo) -> str:
        """Decode a body part to text with LF line ends; an HTML <meta> charset counts."""
        charset = info.charset
        if charset is None and info.ctype == "text/html":
            found = _META_CHARSET.search(content[:4096])
            charset = found.group(1).decode("ascii") if found else None
        text, guessed = decode_bytes(content, charset)
        if guessed:
            self.defects["charset-guessed"] = None
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")

    def _enclosed(self, part: Message, info: PartInfo) -> bytes:
        """Return an attached message's bytes as received; serialised only if not found."""
        span = self.spans.get(id(part))
        if span is not None:
            return enclosed_bytes(self.raw, span, self.shift, info.cte)
        self.defects["enclosed-message-reserialised"] = None
        return _serialise(part)

    def _attach(self, info: PartInfo, content: bytes, filename: str, *, inline: bool) -> None:
        """Record one attachment."""
        self.attachments.append(
            ParsedAttachment(
                filename=filename,
                content_type=info.ctype,
                content=content,
                content_id=info.cid,
                inline=inline,
            )
        )


def enclosed_bytes(raw: bytes, span: Span, shift: int, cte: str) -> bytes:
    """Return the body of the message/* part ``span``: the enclosed message as received.

    RFC 2046 §5.2.1 allows only 7bit, 8bit and binary here; a base64 or quoted-printable
    body (sent all the same) is decoded, so the result is the message itself.
    """
    body = raw[max(span.body - shift, 0) : max(span.end - shift, 0)]
    if "base64" in cte:
        return b64decode_lenient(body)
    if "quoted" in cte:
        return quopri.decodestring(body)
    return body


def _serialise(part: Message) -> bytes:
    """Return the bytes of an enclosed message (message/rfc822 and friends)."""
    payload = part.get_payload()
    inner = payload if isinstance(payload, list) else [payload]
    out = []
    for item in inner:
        try:
            out.append(item.as_bytes() if isinstance(item, Message) else str(item).encode())
        except Exception:  # too deep or too broken to serialise: dropped
            log.info("enclosed message could not be serialised")
    return b"".join(out)


def _epilogue_parts(part: Message) -> list[Message]:
    """Parse parts left in a multipart's epilogue.

    When a nested multipart reuses its parent's boundary, the stdlib closes both at the
    inner close delimiter and the parent's remaining parts (spamscope mail_malformed_1: a
    zip file) end up as epilogue text.
    """
    epilogue = part.epilogue or ""
    if "--" not in epilogue:
        return []  # cheap exit: no delimiter can be there (the common case)
    try:
        boundary = part.get_boundary() or ""
    except Exception:  # a malformed Content-Type: no boundary to look for
        return []
    if not boundary or f"--{boundary}" not in epilogue:
        return []
    pieces = re.split(rf"^--{re.escape(boundary)}(--)?[ \t]*\r?$", epilogue, flags=re.M)
    # pieces: [text before, close?, part, close?, part, ...]; a part after "--b--" is junk.
    return [
        email.message_from_string(chunk.lstrip("\r\n"), policy=PARSE_POLICY)
        for close, chunk in zip(pieces[1::2], pieces[2::2], strict=True)
        if close is None and chunk.strip()
    ]


def _enclosed_subject(part: Message) -> str:
    """Return the Subject of the message enclosed in a message/rfc822 part, or "message"."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    subject = header_str(inner, "Subject") if isinstance(inner, Message) else ""
    return _PATH_SEPARATOR.sub("_", subject[:100]) or "message"


def join_bodies(parts: list[str]) -> str:
    """Join body parts found in one message (text, image, text from Apple Mail)."""
    out = ""
    for text in parts:
        out += text if not out or out.endswith("\n") else "\n" + text
    return out


def extract_uuencoded(text: str) -> tuple[str, list[ParsedAttachment]]:
    """Move uuencoded blocks (``begin 644 name`` … ``end``) out of a text body."""
    text, blocks = uu_blocks(text)
    found: list[ParsedAttachment] = []
    for raw_name, content in blocks:
        name = safe_filename(raw_name)
        guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
        found.append(ParsedAttachment(filename=name, content_type=guessed, content=content))
    return text, found
