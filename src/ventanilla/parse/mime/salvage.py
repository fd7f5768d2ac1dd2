"""Reading a message too deep or too wide for the walk, from its scanned byte ranges.

The walk keeps its limits (``walk.MAX_DEPTH`` levels, ``walk.MAX_PARTS`` parts), and the
stdlib parser cannot read thousands of levels at all. Such a message used to lose its body
(or everything, sender and subject included) without a sign. Here the byte ranges found
by ``spans.scan`` are read one part at a time, iteratively: every text part at any depth
(up to ``MAX_TEXT`` characters), the attachments up to ``walk.MAX_PARTS`` (an attached
message as the bytes received), and a count of the parts left out, so the article can say
so and point at the original.
"""

from __future__ import annotations

from email.message import EmailMessage, Message
from email.parser import BytesParser

from ventanilla.parse.mime.headers import header_str, safe_filename
from ventanilla.parse.mime.load import PARSE_POLICY, Loaded
from ventanilla.parse.mime.parts import PartInfo
from ventanilla.parse.mime.spans import Span
from ventanilla.parse.mime.walk import MAX_PARTS, Walker, enclosed_bytes

# Characters of body text kept from a salvaged message (the rest is in the original).
MAX_TEXT = 1_000_000
_BODY_TYPES = ("text/plain", "text/html")


def _parse_part(data: bytes) -> Message:
    """Parse one leaf part on its own (no recursion: a leaf has no parts)."""
    return BytesParser(EmailMessage, policy=PARSE_POLICY).parsebytes(data)


def _headers(data: bytes) -> Message:
    """Parse a header block only."""
    return BytesParser(EmailMessage, policy=PARSE_POLICY).parsebytes(data, headersonly=True)


class _Salvage:
    """One salvage pass over the tree, filling a ``Walker``."""

    def __init__(self, loaded: Loaded, walker: Walker) -> None:
        """Read ``loaded``'s byte ranges into ``walker``."""
        self.loaded, self.walker = loaded, walker
        self.text_size = 0

    def run(self, *, enclosed: bool) -> None:
        """Visit the tree in document order; ``enclosed`` reads inside attached messages.

        The first pass keeps what lies outside attached messages and attaches those whole;
        the second, only when the first found no text, reads their text as the body.
        """
        stack = [self.loaded.tree.root]
        while stack:
            span = stack.pop()
            if not enclosed and span.ctype.startswith("message/"):
                self._enclosed_message(span)
            elif span.children:
                stack.extend(reversed(span.children))
            elif not enclosed or span.ctype in _BODY_TYPES:
                self._leaf(span, count_hidden=not enclosed)

    def _leaf(self, span: Span, *, count_hidden: bool) -> None:
        """Keep one leaf as body text or as an attachment, within the budgets."""
        walker = self.walker
        full = len(walker.attachments) >= MAX_PARTS
        if full and span.ctype not in _BODY_TYPES:
            walker.hidden += count_hidden
            return  # not even parsed: hostile mail may have thousands of these
        part = _parse_part(self.loaded.data[span.start : span.end])
        info = PartInfo(part)
        body = info.ctype in _BODY_TYPES and info.disposition != "attachment"
        if (body and self.text_size >= MAX_TEXT) or (full and (not body or info.filename)):
            walker.hidden += count_hidden
            return
        if not count_hidden and not body:
            return  # inside an attached message: kept in that attachment already
        texts, htmls = len(walker.text), len(walker.html)
        walker.leaf(part, info)
        added = walker.text[texts:] + walker.html[htmls:]
        self.text_size += sum(map(len, added))

    def _enclosed_message(self, span: Span) -> None:
        """Attach a message/* part whole, as the bytes received."""
        walker = self.walker
        if len(walker.attachments) >= MAX_PARTS:
            walker.hidden += 1
            return
        data = self.loaded.data
        info = PartInfo(_headers(data[span.start : span.body]))
        inner = span.children[0] if span.children else None
        subject = header_str(_headers(data[inner.start : inner.body]), "Subject") if inner else ""
        name = info.filename or safe_filename((subject[:100] or "message") + ".eml")
        content = enclosed_bytes(self.loaded.raw, span, self.loaded.shift, span.cte)
        walker.attach(info, content, name)


def salvage(loaded: Loaded, walker: Walker) -> None:
    """Fill ``walker`` from ``loaded.tree`` instead of the stdlib tree (see the module)."""
    reader = _Salvage(loaded, walker)
    reader.run(enclosed=False)
    if not (walker.text or walker.html):
        reader.run(enclosed=True)
    walker.hidden += loaded.tree.uncounted
