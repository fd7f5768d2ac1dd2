"""ISO-2022-JP as Windows and Japanese phones write it, vendor characters included.

RFC 1468 ISO-2022-JP carries JIS X 0208 only, and Python's ``iso2022_jp*`` codecs refuse
the characters every Japanese mail client sends anyway: NEC row 13 (circled digits ①,
Roman numerals Ⅻ, ㈱, ㌔) and the NEC-selected IBM extensions (rows 89-92, 纊 髙). Microsoft
writes them as ordinary JIS pairs (code page 50220/50221) whose meaning is code page 932,
so the decoder here rewrites each JIS X 0208 pair as its Shift_JIS pair (JIS X 0208
annex 1) and lets ``cp932`` read the result. The codec is registered as
``ventanilla-iso2022-jp-ms`` and never encodes.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

NAME = "ventanilla-iso2022-jp-ms"

# RFC 1468 designations, plus JIS X 0201 katakana (ESC ( I) that CP50221 also uses.
_ESCAPE = re.compile(rb"\x1b(\$[@B]|\([BJHI])")
_DOUBLE = frozenset({b"$@", b"$B"})
_KATAKANA = b"(I"
_SHIFT_OUT, _SHIFT_IN = 0x0E, 0x0F  # CP50221: SO/SI around JIS X 0201 katakana


def _sjis_pair(first: int, second: int) -> bytes:
    """Map one JIS X 0208 pair (0x21-0x7E each) to its Shift_JIS pair."""
    if not (0x21 <= first <= 0x7E and 0x21 <= second <= 0x7E):
        raise ValueError("byte outside the JIS X 0208 range")
    lead = ((first + 1) >> 1) + (0x70 if first < 0x5F else 0xB0)
    # Odd JIS rows take the low half of the Shift_JIS trail range, even rows the high half.
    trail = second + (0x1F if second < 0x60 else 0x20) if first & 1 else second + 0x7E
    return bytes((lead, trail))


def _single(chunk: bytes, katakana: bool) -> bytes:
    """Translate a run of single-byte text (ASCII / JIS-Roman, or JIS X 0201 katakana)."""
    out = bytearray()
    for byte in chunk:
        if byte == _SHIFT_OUT:
            katakana = True
        elif byte == _SHIFT_IN:
            katakana = False
        elif byte >= 0x80 or byte == 0x1B:
            raise ValueError("8-bit byte or unknown escape in ISO-2022-JP")
        elif katakana and 0x21 <= byte <= 0x5F:
            out.append(byte + 0x80)
        else:
            out.append(byte)
    return bytes(out)


def to_cp932(data: bytes) -> bytes:
    """Rewrite ISO-2022-JP bytes as cp932 bytes; ValueError if not ISO-2022-JP we know."""
    pieces = _ESCAPE.split(data)
    out = [_single(pieces[0], False)]
    for designation, chunk in zip(pieces[1::2], pieces[2::2], strict=True):
        if designation not in _DOUBLE:
            out.append(_single(chunk, designation == _KATAKANA))
            continue
        # Line ends inside a double-byte run are a common sender error; keep them as is.
        for run in re.split(rb"(\r?\n)", chunk):
            if run in (b"\n", b"\r\n"):
                out.append(run)
            elif len(run) % 2:
                raise ValueError("odd number of bytes in a JIS X 0208 run")
            else:
                out.extend(_sjis_pair(run[i], run[i + 1]) for i in range(0, len(run), 2))
    return b"".join(out)


def decode(data: ReadableBuffer, errors: str = "strict") -> tuple[str, int]:
    """Codec entry point: decode CP50220-style ISO-2022-JP (vendor characters included)."""
    try:
        converted = to_cp932(bytes(data))
    except ValueError as error:
        raise UnicodeDecodeError(NAME, bytes(data), 0, len(bytes(data)), str(error)) from None
    return converted.decode("cp932", errors), len(bytes(data))


def _encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
    """We never write this variant: outgoing mail is UTF-8."""
    raise UnicodeEncodeError(NAME, text, 0, len(text), "decode-only codec")


def _search(name: str) -> codecs.CodecInfo | None:
    """codecs search function for ``NAME`` (lookup normalises hyphens to underscores)."""
    if name.replace("-", "_") != NAME.replace("-", "_"):
        return None
    return codecs.CodecInfo(_encode, decode, name=NAME)


codecs.register(_search)
