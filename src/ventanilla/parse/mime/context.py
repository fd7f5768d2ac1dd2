"""The message an undeclared 8-bit string came from: the evidence for guessing its charset.

A raw 8-bit subject or file name is too short for any detector (ten bytes of KOI8-R read
as well as Shift_JIS). The rest of the message knows better: the charsets its other parts
and encoded words declare, and all of its undeclared 8-bit lines together. While a
message is being read (``parse_message``, ``header_str``), ``reading`` makes that
evidence available to ``charsets.decode_bytes``; it is gathered from the raw bytes only
when a string actually needs it, so ordinary messages (ASCII, UTF-8, declared charsets)
never pay for it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import weakref
from collections.abc import Callable, Iterator
from email.message import Message
from email.policy import compat32
from typing import ParamSpec, TypeVar

from ventanilla.parse.mime import detect

_P = ParamSpec("_P")
_T = TypeVar("_T")

# RFC 2045 §5.1 charset parameters, RFC 2231 ones (charset*=), RFC 2047 §2 encoded words,
# and the RFC 2231 charset'language'value form of parameters.
_LABELS = re.compile(
    rb"""charset\*?\s*=\s*["']?([A-Za-z0-9_:.+-]+)|=\?([A-Za-z0-9_:.+-]+)(?:\*[^?]*)?\?[BbQq]\?"""
    rb"""|\*=\s*["']?([A-Za-z0-9_:.+-]+)'"""
)
_EIGHT_BIT_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")
_SCAN_LIMIT = 4 * 1024 * 1024  # bytes of the message searched for labels and 8-bit lines
_SAMPLE_LIMIT = 16384

_CURRENT: contextvars.ContextVar[Evidence | None] = contextvars.ContextVar(
    "ventanilla_mail_charset_evidence", default=None
)
_BY_MESSAGE: weakref.WeakKeyDictionary[Message, Evidence] = weakref.WeakKeyDictionary()


class Evidence:
    """What one message says about its sender's charsets, read on first need."""

    def __init__(self, source: Callable[[], bytes]) -> None:
        """Keep ``source`` (the raw message) to be read only when evidence is asked for."""
        self._source = source
        self._raw: bytes | None = None
        self._detected: tuple[str | None] | None = None

    def _bytes(self) -> bytes:
        """Return the raw message (at most ``_SCAN_LIMIT`` bytes), read once."""
        if self._raw is None:
            self._raw = self._source()[:_SCAN_LIMIT]
        return self._raw

    @functools.cached_property
    def labels(self) -> tuple[str, ...]:
        """Every charset label the message declares, in order of appearance, deduplicated."""
        found = (
            next(g for g in m.groups() if g).decode("ascii").lower()
            for m in _LABELS.finditer(self._bytes())
        )
        return tuple(dict.fromkeys(found))

    @functools.cached_property
    def sample(self) -> bytes:
        """The message's 8-bit lines that are not UTF-8, joined (headers and bodies)."""
        lines: list[bytes] = []
        size = 0
        for match in _EIGHT_BIT_LINE.finditer(self._bytes()):
            line = match.group().rstrip(b"\r")
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                lines.append(line)
                size += len(line) + 1
                if size >= _SAMPLE_LIMIT:
                    break
        return b"\n".join(lines)

    def detected(self) -> str | None:
        """The charset detected over all of ``sample``, computed once."""
        if self._detected is None:
            self._detected = (detect.detect(self.sample) if self.sample else None,)
        return self._detected[0]


def current() -> Evidence | None:
    """Return the evidence of the message being read, or None outside ``reading``."""
    return _CURRENT.get()


@contextlib.contextmanager
def reading(source: bytes | Message) -> Iterator[None]:
    """Within this block, undeclared 8-bit text is decoded in the light of ``source``."""
    if isinstance(source, Message):
        evidence = _BY_MESSAGE.get(source)
        if evidence is None:  # a weak reference: the cache must not keep the message alive
            evidence = Evidence(functools.partial(_message_bytes, weakref.ref(source)))
            _BY_MESSAGE[source] = evidence
    else:
        raw = source
        evidence = Evidence(lambda: raw)
    token = _CURRENT.set(evidence)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def reads_raw(func: Callable[_P, _T]) -> Callable[_P, _T]:
    """Decorate a function whose first argument is a raw message: run it ``reading`` it."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        raw = args[0] if args else b""
        with reading(raw if isinstance(raw, bytes) else b""):
            return func(*args, **kwargs)

    return wrapper


def _message_bytes(ref: weakref.ref[Message]) -> bytes:
    """Serialise a parsed message back to bytes; raw 8-bit headers come out as they came."""
    message = ref()
    if message is None:
        return b""
    try:
        return message.as_bytes(policy=compat32)
    except Exception:  # a message too broken to serialise gives no evidence
        return b""
