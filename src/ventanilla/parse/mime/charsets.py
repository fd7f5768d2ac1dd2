"""Decoding bytes to text when the charset label is missing, unknown or lying.

Real mail is labelled with charsets Python does not know (``iso-8859-8-i``,
``x-mac-cyrillic``), with narrower charsets than the sender used (latin-1 for cp1252), or
with the wrong one of several siblings (Japanese). Raw 8-bit text with no usable label
(headers, file names, unlabelled bodies) is read as UTF-8 when it is, else in a charset
the message declares elsewhere, else as Western text when it looks like it, else in the
charset detected over the whole message (``context``, ``detect``). ``decode_bytes``
never raises.
"""

from __future__ import annotations

import codecs
import functools
import re

from ventanilla.parse.mime import context, detect, japanese

# Labels seen in real mail that Python does not know or spells otherwise.
_ALIASES = {
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-8-e": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "iso-8859-6-e": "iso-8859-6",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "x-mac-roman": "mac-roman",
    "macintosh": "mac-roman",
    "uft-8": "utf-8",
    "utf8": "utf-8",
    "x-unicode-1-1-utf-7": "utf-7",
    "x-gbk": "gbk",
    "windows-874": "cp874",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "x-euc-jp": "euc_jp",
}
# A standard charset label means, in practice, the vendor superset senders actually write
# (WHATWG Encoding Standard, "Encodings": latin-1 is decoded as windows-1252, gb2312 as
# gb18030, euc-kr as windows-949, shift_jis as windows-31j). Keys are Python codec names,
# so every spelling of a label (``l1``, ``ISO_8859-1``, ``cp819``) gets the same superset.
_SUPERSETS = {
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
}
# Python codecs that are not charsets a message may select (they would reinterpret text).
_REFUSED = frozenset(
    {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "utf-8-sig"}
)
# Codecs for which pure-ASCII bytes do not mean ASCII text.
_NOT_ASCII_SAFE = ("utf-7", "iso2022", "hz", "utf-16", "utf-32", japanese.NAME)
_LATIN = frozenset({"cp1252", "iso8859-15", "ascii"})
# Labels that say nothing about 8-bit bytes: ASCII, and encodings that are not 8-bit text.
_NO_HINT = ("ascii", "utf-8", "utf-7", "utf-16", "utf-32")
# Tried in order when the declared codec fails strictly. 7-bit ISO-2022-JP first gets the
# vendor characters (NEC/IBM, CP50220), then the RFC 1554 / JIS X 0213 variants.
_JIS_7BIT = (japanese.NAME, "iso2022_jp_2", "iso2022_jp_2004", "iso2022_jp_ext")
_FALLBACKS = {
    "iso2022_jp": _JIS_7BIT,
    "iso2022_jp_1": _JIS_7BIT,
    "iso2022_jp_2": _JIS_7BIT,
    "iso2022_jp_3": _JIS_7BIT,
    "iso2022_jp_ext": _JIS_7BIT,
    "iso2022_jp_2004": _JIS_7BIT,
    "euc_jp": ("euc_jis_2004", "cp932"),
    "cp932": ("euc_jp",),
    "big5hkscs": ("cp950",),
}
# Japanese mail is often labelled with the wrong one of its three encodings (sisimai ezweb:
# EUC-JP bytes declared ISO-2022-JP). Only 8-bit data can be one of these: 7-bit escape
# sequences would "decode" as ASCII and stay on screen as ``$B-!``.
_JIS_8BIT = ("euc_jp", "cp932")
_MIXED = "ventanilla-cp1252"
_SURROGATE = re.compile("[\udc80-\udcff]")


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read bytes that are not UTF-8 as cp1252 (UTF-8 mixed with latin-1)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return bytes(chunk).decode("cp1252", "replace"), error.end


codecs.register_error(_MIXED, _cp1252_fallback)


@functools.lru_cache(maxsize=256)
def codec_name(label: str) -> str | None:
    """Return the Python codec name for a charset ``label``, or None if unknown."""
    name = label.strip().strip("\"'").lower().split("*", 1)[0]
    name = _ALIASES.get(name, name)
    for candidate in (name, name.replace("_", "-"), name.replace("-", "_")):
        try:
            found = codecs.lookup(candidate).name
        except LookupError:
            continue
        return None if found in _REFUSED else _SUPERSETS.get(found, found)
    return None


def decode_bytes(data: bytes, label: str | None) -> tuple[str, bool]:
    """Decode ``data`` declared as ``label``; return (text, True if we had to guess).

    Declared charset first, strictly; then UTF-8; then cp1252 (every byte sequence decodes
    as latin-1). A latin-1/ascii label on valid UTF-8 is the common lie, so strict UTF-8
    is tried first for those. Data declared UTF-8 with a few bad bytes stays UTF-8.
    """
    codec = codec_name(label) if label else None
    if data.isascii() and not (codec or "").startswith(_NOT_ASCII_SAFE):
        return data.decode("ascii"), False
    tries: list[str | None] = (
        ["utf-8", codec] if codec in _LATIN else [codec, *_FALLBACKS.get(codec or "", ())]
    )
    if (codec or "").startswith("iso2022_jp") and not data.isascii():
        tries += _JIS_8BIT
    tries.append("utf-8")
    for name in tries:
        if name is None or name == "ascii":
            continue
        try:
            return data.decode(name), name != codec
        except (UnicodeError, LookupError):
            continue
    if codec is None or codec == "ascii":  # no usable label: which charset was meant?
        codec = "utf-8" if mostly_utf8(data) else undeclared_codec(data)
    elif codec in _LATIN:
        codec = "utf-8" if mostly_utf8(data) else "cp1252"
    try:
        return data.decode(codec, _MIXED if codec == "utf-8" else "replace"), True
    except (UnicodeError, LookupError):
        return data.decode("latin-1"), True


def undeclared_codec(data: bytes) -> str:
    """Choose the codec of 8-bit ``data`` that is not UTF-8 and declares no charset.

    A charset the message declares elsewhere first (a Latin one only for text of Western
    shape, as it would decode anything; another one, for Western-shaped text, only if it
    reads better than cp1252); then cp1252 for Western-looking text, so raw latin-1
    Spanish never meets the detector; then the charset detected over the message's 8-bit
    lines, or over ``data`` alone outside a message; cp1252 last.
    """
    evidence = context.current()
    western = detect.looks_western(data)
    for codec in _declared(evidence.labels) if evidence else ():
        if not _decodes(data, codec):
            continue
        if western:
            accepted = codec in _LATIN or detect.beats_western(data, codec)
        else:
            accepted = codec not in _LATIN
        if accepted:
            return codec
    if western:
        return "cp1252"
    guess = evidence.detected() if evidence else None
    if guess is None or not _decodes(data, guess):
        guess = detect.detect(data)
    return guess if guess and _decodes(data, guess) else "cp1252"


@functools.lru_cache(maxsize=256)
def _declared(labels: tuple[str, ...]) -> tuple[str, ...]:
    """Return the codecs of ``labels`` that tell something about 8-bit text, in order."""
    codecs_ = (codec_name(label) for label in labels)
    return tuple(dict.fromkeys(c for c in codecs_ if c and not c.startswith(_NO_HINT)))


def _decodes(data: bytes, codec: str) -> bool:
    """Tell whether ``data`` is valid in ``codec``."""
    try:
        data.decode(codec)
    except (UnicodeError, LookupError):
        return False
    return True


def mostly_utf8(data: bytes) -> bool:
    """Return True if most non-ASCII bytes form valid UTF-8 sequences."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    return bad * 4 < sum(1 for c in text if ord(c) > 127)


def has_raw_8bit(text: str) -> bool:
    """Tell whether ``text`` holds raw 8-bit bytes the parser kept as surrogate escapes."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def fix_8bit(value: str) -> str:
    """Re-decode a header the parser read as ASCII with surrogateescape (raw 8-bit bytes)."""
    raw = value.encode("utf-8", "surrogateescape")
    return decode_bytes(raw, "utf-8" if mostly_utf8(raw) else None)[0]
