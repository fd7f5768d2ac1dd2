"""Bytes to a stdlib ``EmailMessage``: ``policy.default`` with a header-object cache.

Profiling showed most of the parse time in the header registry: the feedparser asks
each part for ``get_content_type()`` / ``get_content_maintype()`` / ``get_boundary()``
five or more times while splitting it, and ``policy.default`` builds (parses) a new
header object on every fetch. ``PARSE_POLICY`` is ``policy.default`` with one change:
Content-* header objects are cached by (name, value). Header objects are immutable, so
sharing them between reads and messages is safe.

The feedparser recurses once per nesting level and fails near Python's recursion limit
(measured: ~1,000 levels of multipart or message/rfc822), after spending most of a second.
``load`` scans the byte structure first (``spans.scan``, iterative) and, past
``PARSER_DEPTH`` levels or ``PARSER_PARTS`` parts, lets the stdlib read only the
top-level header block; the body is then read from the scanned byte ranges (``salvage``).
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from email.errors import MissingHeaderBodySeparatorDefect
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import EmailPolicy, compat32
from typing import TYPE_CHECKING, Any

from ventanilla.parse.mime.repair import cr_line_endings, drop_leading_junk, repair_header_block
from ventanilla.parse.mime.spans import Tree, scan

log = logging.getLogger(__name__)

# email.policy.linesep_splitter: what EmailPolicy.header_fetch_parse strips from values.
_LINESEP = re.compile(r"\n|\r")
# Only the headers the parse itself re-reads are cached; we read every other header raw
# (``headers.header_index``), so their objects are built rarely, and only on demand.
_CACHED_NAMES = frozenset({"content-type", "content-disposition", "content-transfer-encoding"})
# Longer values are parsed without the cache. A header object with its parse tree takes
# some 20x its value's size: 512 entries of at most 512 characters stay near 5 MB,
# whatever hostile mail passes through (measured: 1024 such entries held 10.5 MB).
_CACHE_VALUE_LIMIT = 512
# Deeper trees are not given to the stdlib parser: it recurses once per level, and so do
# ``Message.walk`` and ``as_bytes`` in the rules that read the tree afterwards.
PARSER_DEPTH = 100
# Wider trees neither: the walk keeps 1,000 parts at most, and the stdlib would build a
# Message (and its header list) for each of them (measured: 10,000 parts ~0.2 s, ~20 MB).
PARSER_PARTS = 5_000


if TYPE_CHECKING:  # EmailPolicy is generic in typeshed only, not at run time
    _EmailPolicy = EmailPolicy[EmailMessage]
else:
    _EmailPolicy = EmailPolicy


class _CachingPolicy(_EmailPolicy):
    """``policy.default`` whose header objects are built once per (name, value)."""

    def header_fetch_parse(self, name: str, value: str) -> Any:
        """Return the header object for a raw value, from the cache when possible."""
        if hasattr(value, "name"):  # already a header object (set by code, not parsed)
            return value
        value = "".join(_LINESEP.split(value))
        if (
            len(value) > _CACHE_VALUE_LIMIT
            or name.lower() not in _CACHED_NAMES
            or self.header_factory is not _REGISTRY
        ):
            return self.header_factory(name, value)
        return _header_object(name, value)


PARSE_POLICY = _CachingPolicy()
_REGISTRY = PARSE_POLICY.header_factory


@functools.lru_cache(maxsize=512)
def _header_object(name: str, value: str) -> Any:
    """Build the ``policy.default`` header object for (name, value), once."""
    return _REGISTRY(name, value)


@dataclass
class Loaded:
    """A parsed message with the bytes it was parsed from and their byte-range tree.

    ``data`` is what the stdlib read (CR-only line ends and a broken header block
    repaired); the body of ``data`` is the body of ``raw`` moved by ``shift`` bytes, so a
    body range of ``tree`` is ``raw[start - shift : end - shift]``: the bytes as received.
    """

    message: EmailMessage
    raw: bytes
    data: bytes
    tree: Tree
    defects: list[str] = field(default_factory=list)
    headers_only: bool = False

    @property
    def shift(self) -> int:
        """How many bytes the repairs added before the body (negative if they removed)."""
        return len(self.data) - len(self.raw)


def _parse(raw: bytes, headers_only: bool = False, policy: Any = PARSE_POLICY) -> EmailMessage:
    """Parse ``raw`` with ``policy`` (may raise on hostile input)."""
    message: EmailMessage = BytesParser(EmailMessage, policy=policy).parsebytes(raw, headers_only)
    if headers_only:
        # The body stays unread (it is salvaged from the byte ranges); an empty part list
        # keeps readers of a multipart or message/* from iterating the raw text.
        message.set_payload(
            [] if message.get_content_maintype() in ("multipart", "message") else ""
        )
    return message


def _repaired(
    raw: bytes, data: bytes, message: EmailMessage, tree: Tree, headers_only: bool
) -> Loaded:
    """Parse again after repairing the header block, when a repair changes anything."""
    defects = []
    repaired = drop_leading_junk(data)
    if repaired != data:
        defects.append("leading-junk-dropped")
    repaired = repair_header_block(repaired)
    if repaired == data:
        return Loaded(message, raw, data, tree, [], headers_only)
    defects.append("header-block-repaired")
    message = _parse(repaired, headers_only)
    return Loaded(message, raw, repaired, scan(repaired), defects, headers_only)


def load(raw: bytes) -> Loaded:
    """Parse bytes with ``PARSE_POLICY``; on failure keep headers and the body as text.

    ``Loaded.defects`` are the defects of our own making (repairs, fallbacks).
    """
    data = cr_line_endings(raw)
    tree = scan(data)
    headers_only = tree.depth > PARSER_DEPTH or tree.spans > PARSER_PARTS
    try:
        message = _parse(data, headers_only)
        if any(isinstance(d, MissingHeaderBodySeparatorDefect) for d in message.defects):
            return _repaired(raw, data, message, tree, headers_only)
        return Loaded(message, raw, data, tree, [], headers_only)
    except Exception:  # the header registry raises on some Content-Type values
        log.info("MIME parse with policy.default failed; retrying with compat32")
    try:
        # compat32 keeps headers as plain strings, so no header parser can raise; the
        # message is still an EmailMessage for callers (header_str works the same).
        fallback = _parse(data, headers_only, compat32)
        return Loaded(fallback, raw, data, tree, ["parsed-with-compat32"], headers_only)
    except Exception:  # e.g. RecursionError on absurd nesting
        log.info("MIME parse failed; reading the headers alone")
    try:
        # The body is then salvaged from the byte ranges, like a tree too deep to parse.
        headers = _parse(data, True, compat32)
        return Loaded(headers, raw, data, tree, ["parse-failed"], headers_only=True)
    except Exception:  # nothing readable at all
        log.info("MIME header parse failed; keeping an empty message")
    return Loaded(EmailMessage(), raw, data, tree, ["parse-failed"], headers_only=True)
