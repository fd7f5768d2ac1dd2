"""Decoding bytes to text when the charset label is missing, unknown or lying.

Real mail is labelled with charsets Python does not know (``iso-8859-8-i``,
``x-mac-cyrillic``), with narrower charsets than the sender used (latin-1 for cp1252), or
with the wrong one of several siblings (Japanese). ``decode_bytes`` never raises.
"""

from __future__ import annotations

import codecs
import functools
import re

# Labels seen in real mail that Python does not know, or knows as a narrower charset than
# the one senders actually use (WHATWG Encoding Standard: latin-1 is decoded as cp1252,
# gb2312 as gb18030, euc-kr as cp949, shift_jis as cp932).
_ALIASES = {
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-8-e": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "iso-8859-6-e": "iso-8859-6",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "x-mac-roman": "mac-roman",
    "macintosh": "mac-roman",
    "uft-8": "utf-8",
    "utf8": "utf-8",
    "x-unicode-1-1-utf-7": "utf-7",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "windows-874": "cp874",
    "x-sjis": "cp932",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "big5": "big5hkscs",
    "iso-2022-jp": "iso2022_jp_ext",
}
# Python codecs that are not charsets a message may select (they would reinterpret text).
_REFUSED = frozenset(
    {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "utf-8-sig"}
)
# Codecs for which pure-ASCII bytes do not mean ASCII text.
_NOT_ASCII_SAFE = ("utf-7", "iso2022", "hz", "utf-16", "utf-32")
_LATIN = frozenset({"cp1252", "iso8859-15", "ascii"})
# Japanese mail is often labelled with the wrong one of its three encodings (sisimai ezweb:
# EUC-JP bytes declared ISO-2022-JP).
_SIBLINGS = {
    "iso2022_jp_ext": ("iso2022_jp_2", "euc_jp", "cp932"),
    "iso2022_jp": ("iso2022_jp_ext", "iso2022_jp_2", "euc_jp", "cp932"),
    "cp932": ("euc_jp",),
    "shift_jis": ("cp932", "euc_jp"),
    "euc_jp": ("cp932",),
}
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
        return None if found in _REFUSED else found
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
    tries = (
        ["utf-8", codec] if codec in _LATIN else [codec, *_SIBLINGS.get(codec or "", ()), "utf-8"]
    )
    for name in tries:
        if name is None or name == "ascii":
            continue
        try:
            return data.decode(name), name != codec
        except (UnicodeError, LookupError):
            continue
    if codec is None or codec in _LATIN:
        codec = "utf-8" if mostly_utf8(data) else "cp1252"
    try:
        return data.decode(codec, _MIXED if codec == "utf-8" else "replace"), True
    except (UnicodeError, LookupError):
        return data.decode("latin-1"), True


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
