"""Bytes to a stdlib ``EmailMessage``: ``policy.default`` with a header-object cache.

Profiling showed most of the parse time in the header registry: the feedparser asks
each part for ``get_content_type()`` / ``get_content_maintype()`` / ``get_boundary()``
five or more times while splitting it, and ``policy.default`` builds (parses) a new
header object on every fetch. ``PARSE_POLICY`` is ``policy.default`` with one change:
Content-* header objects are cached by (name, value). Header objects are immutable, so
sharing them between reads and messages is safe.
"""

from __future__ import annotations

import functools
import logging
import re
from email.errors import MissingHeaderBodySeparatorDefect
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import EmailPolicy, compat32
from typing import TYPE_CHECKING, Any

from ventanilla.mail.mime.repair import cr_line_endings, repair_header_block

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


def _parse(raw: bytes) -> EmailMessage:
    """Parse ``raw`` with ``PARSE_POLICY`` (may raise on hostile input)."""
    return BytesParser(EmailMessage, policy=PARSE_POLICY).parsebytes(raw)


def load(raw: bytes) -> tuple[EmailMessage, list[str]]:
    """Parse bytes with ``PARSE_POLICY``; on failure keep headers and the body as text.

    Returns the message and the defects of our own making (repairs, fallbacks).
    """
    raw = cr_line_endings(raw)
    try:
        message = _parse(raw)
        if any(isinstance(d, MissingHeaderBodySeparatorDefect) for d in message.defects):
            repaired = repair_header_block(raw)
            if repaired != raw:
                return _parse(repaired), ["header-block-repaired"]
        return message, []
    except Exception:  # the header registry raises on some Content-Type values
        log.info("MIME parse with policy.default failed; retrying with compat32")
    try:
        # compat32 keeps headers as plain strings, so no header parser can raise; the
        # message is still an EmailMessage for callers (header_str works the same).
        fallback = BytesParser(EmailMessage, policy=compat32).parsebytes(raw)
        if isinstance(fallback, EmailMessage):
            return fallback, ["parsed-with-compat32"]
    except Exception:  # e.g. RecursionError on absurd nesting
        log.info("MIME parse failed; keeping an empty message")
    return EmailMessage(), ["parse-failed"]
