"""Byte ranges of the MIME tree, found in the raw message itself (RFC 2046 §5.1.1).

The stdlib parser keeps no offsets, and serialising a part again refolds and re-encodes
its headers, so an attached message (``message/rfc822``) could not be stored as the bytes
the customer sent. ``scan`` finds every entity's header block and body by reading the
delimiter lines the way ``email.feedparser`` does (a delimiter of an enclosing multipart
ends every part inside it; the line break before a delimiter belongs to the delimiter),
but iteratively: no recursion, whatever the nesting, and in time linear in the input.
The same scan tells how deep and how wide the tree is before the stdlib, which recurses
once per level, is asked to parse it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32

# Spans recorded at most; past this the scan only counts delimiter lines (hostile input).
MAX_SPANS = 20_000

# email.feedparser.headerRE: what the stdlib accepts as a header or continuation line.
_HEADER_LINE = re.compile(rb"From |[\x21-\x39\x3b-\x7e]*:|[ \t]")
_HEADER_PARSER = BytesHeaderParser(policy=compat32)


@dataclass(slots=True, eq=False)
class Span:
    """One entity: ``data[start:body]`` is its header block, ``data[body:end]`` its body."""

    start: int
    body: int
    ctype: str
    cte: str
    depth: int
    enclosed: bool  # inside a message/* part: read as part of that attachment, not walked
    names: tuple[str, ...]  # header field names, to check the match with the stdlib tree
    end: int = -1
    children: list[Span] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class _Frame:
    """A multipart whose delimiters are being looked for."""

    span: Span
    boundary: bytes
    started: bool = False  # the first delimiter was seen (the preamble is over)
    pending: list[Span] = field(default_factory=list)  # the current part and what it encloses


@dataclass(slots=True, eq=False)
class Tree:
    """The scan's result: the root entity and the figures the parser's limits need."""

    root: Span
    spans: int = 0
    depth: int = 0  # deepest entity, message/* levels included (what the stdlib recurses on)
    walk_parts: int = 0  # entities outside attached messages (what the walk visits)
    walk_depth: int = 0
    uncounted: int = 0  # delimiter lines seen after MAX_SPANS: parts not even recorded


def _line_break_before(data: bytes, pos: int) -> int:
    """Return where the line break before ``pos`` starts (it belongs to the delimiter)."""
    if data[pos - 2 : pos] == b"\r\n":
        return pos - 2
    return pos - 1 if pos > 0 and data[pos - 1 : pos] in (b"\n", b"\r") else pos


class _Scanner:
    """The state of one scan: open multiparts, their boundaries, and the figures."""

    def __init__(self, data: bytes) -> None:
        """Prepare to scan ``data`` (line endings as the stdlib will see them)."""
        self.data = data
        self.stack: list[_Frame] = []
        self.boundaries: dict[bytes, list[int]] = {}  # boundary -> indices in ``stack``
        self.cursor = 0  # headers before this were read already
        self.tree: Tree | None = None

    def run(self) -> Tree:
        """Scan the whole input and return the tree."""
        root_chain = self._open(0, depth=0, default="text/plain", enclosed=False)
        assert self.tree is not None
        data = self.data
        if self.cursor == 0 and data.startswith(b"--"):
            self._delimiter(0)
        # Lines that may be delimiters start with "--" (RFC 2046 §5.1.1); bytes.find skips
        # the rest (base64 bodies) far faster than a line-by-line or regex scan.
        found = data.find(b"\n--", max(self.cursor - 1, 0))
        while found >= 0:
            if found + 1 >= self.cursor:
                self._delimiter(found + 1)
            found = data.find(b"\n--", max(found + 1, self.cursor - 1))
        end = len(self.data)
        for frame in self.stack:
            _finish(frame.pending, end)
        _finish(root_chain, end)
        return self.tree

    def _which(self, rest: bytes) -> tuple[int, bool] | None:
        """Return (index of the innermost open multipart the line delimits, close?)."""
        rest = rest.rstrip(b"\r").rstrip(b" \t")
        for candidate, close in ((rest, False), (rest[:-2], True)):
            if close and not rest.endswith(b"--"):
                continue
            found = self.boundaries.get(candidate)
            if found:
                return found[-1], close
        return None

    def _pop_above(self, keep: int) -> None:
        """Forget the frames above index ``keep`` (an outer delimiter ended them)."""
        while len(self.stack) > keep + 1:
            self._pop()

    def _pop(self) -> _Frame:
        frame = self.stack.pop()
        indices = self.boundaries[frame.boundary]
        indices.pop()
        if not indices:
            del self.boundaries[frame.boundary]
        return frame

    def _delimiter(self, start: int) -> None:
        """Handle the line at ``start``, which begins with "--": end and start parts."""
        newline = self.data.find(b"\n", start)
        line_end = len(self.data) if newline < 0 else newline + 1
        found = self._which(self.data[start + 2 : line_end].rstrip(b"\n"))
        if found is None:
            return
        index, close = found
        assert self.tree is not None
        if self.tree.spans >= MAX_SPANS:
            self.tree.uncounted += not close
            return
        end = _line_break_before(self.data, start)
        for frame in self.stack[index + 1 :]:
            _finish(frame.pending, end)
        self._pop_above(index)
        frame = self.stack[index]
        if frame.started:
            current = frame.pending[0] if frame.pending else None
            if current is not None and current.start == start:
                # Two delimiters in a row: the stdlib makes no empty part of them.
                frame.span.children.pop()
                frame.pending = []
            _finish(frame.pending, end)
        frame.started = True
        frame.pending = []
        if close:
            self._pop()
            return
        child = frame.span
        default = "message/rfc822" if child.ctype == "multipart/digest" else "text/plain"
        chain = self._open(line_end, child.depth + 1, default, enclosed=child.enclosed)
        child.children.append(chain[0])
        frame.pending = chain

    def _open(self, start: int, depth: int, default: str, *, enclosed: bool) -> list[Span]:
        """Read the entity at ``start`` and, for message/*, the messages it encloses."""
        chain: list[Span] = []
        while True:
            span, boundary = self._entity(start, depth, default, enclosed)
            if chain:
                chain[-1].children.append(span)
            chain.append(span)
            if boundary:
                self.stack.append(_Frame(span=span, boundary=boundary))
                self.boundaries.setdefault(boundary, []).append(len(self.stack) - 1)
                return chain
            if not span.ctype.startswith("message/") or span.ctype == "message/delivery-status":
                return chain
            if self.tree is not None and self.tree.spans >= MAX_SPANS:
                return chain
            start, depth, default, enclosed = span.body, depth + 1, "text/plain", True

    def _entity(self, start: int, depth: int, default: str, enclosed: bool) -> tuple[Span, bytes]:
        """Read one header block; return its span and its boundary (b"" if none)."""
        body = self._header_end(start)
        header = _HEADER_PARSER.parsebytes(self.data[start:body])
        header.set_default_type(default)
        ctype = header.get_content_type()
        cte = str(header.get("content-transfer-encoding", "")).strip().lower()
        span = Span(start, body, ctype, cte, depth, enclosed, tuple(header.keys()))
        self._count(span)
        return span, _boundary(header) if ctype.startswith("multipart/") else b""

    def _count(self, span: Span) -> None:
        if self.tree is None:
            self.tree = Tree(root=span)
        tree = self.tree
        tree.spans += 1
        tree.depth = max(tree.depth, span.depth)
        if not span.enclosed:
            tree.walk_parts += 1
            tree.walk_depth = max(tree.walk_depth, span.depth)

    def _header_end(self, start: int) -> int:
        """Return where the body of the entity at ``start`` begins (email.feedparser rules)."""
        data, pos = self.data, start
        while pos < len(data):
            newline = data.find(b"\n", pos)
            line_end = len(data) if newline < 0 else newline + 1
            line = data[pos:line_end]
            if line in (b"\n", b"\r\n"):
                pos = line_end  # the blank line separating header and body is consumed
                break
            if not _HEADER_LINE.match(line) or (
                line.startswith(b"--") and self._which(line[2:].rstrip(b"\n")) is not None
            ):
                break  # no separator: this line is already body (or the next delimiter)
            pos = line_end
        self.cursor = max(self.cursor, pos)
        return pos


def _boundary(header: Message) -> bytes:
    """Return a multipart's boundary as bytes, b"" when missing or unusable."""
    try:
        boundary = header.get_boundary()
        return boundary.encode("ascii", "surrogateescape") if boundary else b""
    except (UnicodeError, ValueError, TypeError):
        return b""


def _finish(chain: list[Span], end: int) -> None:
    """End every span of ``chain`` that has no end yet at ``end``."""
    for span in chain:
        if span.end < 0:
            span.end = max(end, span.body)


def scan(data: bytes) -> Tree:
    """Return the MIME tree of ``data`` as byte ranges (never raises on any input)."""
    return _Scanner(data).run()


def align(message: Message, tree: Tree) -> dict[int, Span]:
    """Map the stdlib's parts (by ``id``) to their spans, where both trees agree.

    A part is mapped only when the part and its span have the same header field names
    and its parent was mapped with the same number of children; where the stdlib read the
    input otherwise (a malformed boundary), that subtree is left out, not guessed.
    """
    found: dict[int, Span] = {}
    todo: list[tuple[Message, Span]] = [(message, tree.root)]
    while todo and len(found) < MAX_SPANS:
        part, span = todo.pop()
        if tuple(part.keys()) != span.names:
            continue
        found[id(part)] = span
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list) and len(payload) == len(span.children):
            kids = [child for child in payload if isinstance(child, Message)]
            todo.extend(zip(kids, span.children, strict=False))
    return found
