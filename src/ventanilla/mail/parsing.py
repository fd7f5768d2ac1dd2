"""Robust parsing: stdlib ``email`` (``policy.default``) plus a fallback layer of our own.

``parse_message(raw)`` never raises. The stdlib keeps the full MIME tree; on top of it we
decode what real mail gets wrong: unknown or lying charset labels, raw 8-bit headers,
RFC 2047 words in charsets Python does not know (``iso-8859-8-i``, ``x-mac-cyrillic``), odd
Content-Transfer-Encoding spellings, uuencoded bodies, broken address lists. One walk over
the tree picks the text and HTML bodies and collects every other leaf as an attachment.
Measured traps: ``/work/shared/notes/dependencies.md`` §2.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email
import email.policy
import email.utils
import functools
import itertools
import logging
import quopri
import re
from datetime import UTC, datetime
from email.errors import InvalidBase64LengthDefect, MissingHeaderBodySeparatorDefect
from email.message import EmailMessage, Message
from email.parser import BytesParser

from ventanilla.mail.parsed import Address, ParsedAttachment, ParsedMail

log = logging.getLogger(__name__)

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


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read bytes that are not UTF-8 as cp1252 (UTF-8 mixed with latin-1)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return bytes(chunk).decode("cp1252", "replace"), error.end


codecs.register_error(_MIXED, _cp1252_fallback)

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*?)\?=")
_FOLD = re.compile(r"(?:\r\n|\r|\n)(?=[ \t])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_HEADER_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_:.-]+)""", re.I)
_ANGLE_ID = re.compile(r"<([^<>]+)>")
_ADDR_TOKEN = re.compile(
    r'"(?:\\.|[^"\\])*"?|=\?[^?\s]+\?[bBqQ]\?[^?]*?\?=|\((?:\\.|[^()\\])*\)?|<[^<>]*>?|,|[^",(<=]+|.',
    re.S,
)
_COMMENT = re.compile(r"\((?:\\.|[^()\\])*\)")
_DOMAIN = re.compile(r"[^\s@<>()\[\],;:\"\\\x00-\x1f\x7f]+|\[[^\[\]\\\s]+\]")
_LOCAL_SPECIALS = re.compile(r"[\s<>()\[\],;:@\"\\\x00-\x1f\x7f]")
_HEADER_LINE = re.compile(rb"From |[\x21-\x39\x3b-\x7e]+[ \t]*:|[ \t]")
_STDLIB_HEADER_LINE = re.compile(rb"From |[\x21-\x39\x3b-\x7e]*:|[ \t]")
_MIME_TYPE = re.compile(r"[a-z0-9!#$%&'*+.^_`{|}~-]+/[a-z0-9!#$%&'*+.^_`{|}~-]+")
_UU_BLOCK = re.compile(r"^begin [0-7]{3,4} ([^\r\n]+)\r?\n(.*?)^end[ \t]*$", re.M | re.S)

MAX_DEPTH = 40
MAX_PARTS = 1000
MAX_NAME = 200


@functools.lru_cache(maxsize=256)
def _codec(label: str) -> str | None:
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
    codec = _codec(label) if label else None
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
        codec = "utf-8" if _mostly_utf8(data) else "cp1252"
    try:
        return data.decode(codec, _MIXED if codec == "utf-8" else "replace"), True
    except (UnicodeError, LookupError):
        return data.decode("latin-1"), True


def _mostly_utf8(data: bytes) -> bool:
    """Return True if most non-ASCII bytes form valid UTF-8 sequences."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    return bad * 4 < sum(1 for c in text if ord(c) > 127)


def _fix_8bit(value: str) -> str:
    """Re-decode a header the parser read as ASCII with surrogateescape (raw 8-bit bytes)."""
    raw = value.encode("utf-8", "surrogateescape")
    return decode_bytes(raw, "utf-8" if _mostly_utf8(raw) else None)[0]


def _decode_word_bytes(encoding: str, text: str) -> bytes:
    """Decode the payload of one RFC 2047 encoded word, leniently."""
    if encoding in "qQ":
        data = text.replace("_", " ").encode("ascii", "replace")
        return _QP_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    return _b64(text.encode("ascii", "replace"))


def _b64(data: bytes) -> bytes:
    """Decode base64 leniently: junk characters dropped, missing padding added."""
    clean = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    clean = clean[: len(clean) - (len(clean) % 4 == 1)]
    try:
        return base64.b64decode(clean + b"=" * (-len(clean) % 4))
    except (binascii.Error, ValueError):
        return b""


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words; whitespace between two words is dropped (§6.2).

    Adjacent words in the same charset are joined before decoding, because senders split
    multi-byte characters across words.
    """
    out: list[str] = []
    pending: list[bytes] = []
    pending_charset = ""
    pos = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[pos : match.start()]
        charset = match.group(1).lower().split("*", 1)[0]
        if pending and (between.strip() or charset != pending_charset):
            out.append(decode_bytes(b"".join(pending), pending_charset)[0])
            pending = []
        if between.strip() or (not out and not pending):
            out.append(between)
        pending.append(_decode_word_bytes(match.group(2), match.group(3)))
        pending_charset = charset
        pos = match.end()
    if pending:
        out.append(decode_bytes(b"".join(pending), pending_charset)[0])
    out.append(value[pos:])
    return "".join(out)


def decode_header_value(value: object) -> str:
    """Return a header value as clean text: unfolded, 8-bit fixed, RFC 2047 decoded."""
    if hasattr(value, "name"):  # a header object we set ourselves: already decoded
        text = str(value)
    else:
        text = _FOLD.sub("", str(value))
        if any("\udc80" <= c <= "\udcff" for c in text):
            text = _fix_8bit(text)
        if "=?" in text:
            text = decode_words(text)
    return _HEADER_CONTROL.sub(" ", text.replace("\t", " ")).strip()


def _raw_values(message: Message, name: str) -> list[object]:
    """Return every raw value of header ``name``, without the header registry (never raises)."""
    wanted = name.lower()
    try:
        return [v for k, v in message.raw_items() if k.lower() == wanted]
    except Exception:  # a broken header list must not stop processing
        return []


def header_str(message: Message, name: str) -> str:
    """Return the first ``name`` header decoded to str, or "" if absent (never raises)."""
    values = _raw_values(message, name)
    return decode_header_value(values[0]) if values else ""


def header_strs(message: Message, name: str) -> list[str]:
    """Return every ``name`` header decoded to str (never raises)."""
    return [decode_header_value(v) for v in _raw_values(message, name)]


def _unfolded(value: object) -> str:
    """Return a raw header value unfolded and with raw 8-bit bytes decoded (words kept)."""
    text = _FOLD.sub("", str(value))
    if any("\udc80" <= c <= "\udcff" for c in text):
        text = _fix_8bit(text)
    return text


def _display_name(tokens: list[str]) -> str:
    """Join display-name tokens: unquote quoted strings, skip comments, decode words."""
    parts = []
    for token in tokens:
        if token.startswith('"'):
            token = re.sub(r"\\(.)", r"\1", token.strip('"'))
        elif token.startswith("("):
            continue
        parts.append(token)
    name = " ".join(decode_words("".join(parts)).split())
    return _HEADER_CONTROL.sub("", name).strip(" '")[:MAX_NAME]


def _clean_address(addr: str) -> str:
    """Return a lowercased addr-spec, or "" if it cannot be one."""
    addr = "".join(_COMMENT.sub("", addr).split()).strip("'\"").removeprefix("mailto:")
    addr = addr.rsplit(":", 1)[-1].rstrip(".;")  # obsolete source route: <@relay:user@host>
    local, _, domain = addr.rpartition("@")
    if not (local and _DOMAIN.fullmatch(domain)) or len(addr) > 320:
        return ""
    if not local.startswith('"') and _LOCAL_SPECIALS.search(local):
        return ""
    return addr.lower()


def _address(tokens: list[str]) -> Address | None:
    """Build one Address from the tokens of one list element (or None)."""
    for i, token in enumerate(tokens):
        if token[:1] not in '"(<=' and ":" in token and "@" not in token.split(":", 1)[0]:
            # RFC 5322 group syntax "name: a@b, c@d;": drop the group name.
            tokens = [token.split(":", 1)[1], *tokens[i + 1 :]]
            break
    tokens = [t.replace(";", "") if t[:1] not in '"(' else t for t in tokens]
    angles = [i for i, t in enumerate(tokens) if t.startswith("<")]
    if angles:
        last = angles[-1]
        addr = _clean_address(tokens[last].strip("<>"))
        name = _display_name(tokens[:last])
    else:
        words = "".join(t for t in tokens if not t.startswith("(")).split()
        addr = next((_clean_address(w) for w in words if "@" in w), "")
        rest = [w for w in words if "@" not in w]
        comments = [t.strip("()") for t in tokens if t.startswith("(")]
        name = _display_name([" ".join(rest or comments)])
    return Address(name=name, email=addr) if addr else None


def parse_addresses(values: list[object], limit: int = 200) -> list[Address]:
    """Parse address header values leniently: quotes, comments, groups, 8-bit, RFC 2047.

    Encoded words are kept whole while splitting, so a comma inside one does not split
    the list; an address-looking display name is only a name (spamscope mail_test_19).
    """
    result: list[Address] = []
    for value in values:
        pieces: list[list[str]] = [[]]
        for tok in _ADDR_TOKEN.findall(_unfolded(value)):
            if tok == ",":
                pieces.append([])
            else:
                pieces[-1].append(tok)
        result.extend(a for a in map(_address, pieces) if a is not None)
    return result[:limit]


def parse_ids(value: str) -> list[str]:
    """Split a Message-ID list: ``<a@b> <c@d>``, or junk separated by commas or spaces."""
    found = _ANGLE_ID.findall(value) or re.split(r"[\s,;]+", value)
    ids = [re.sub(r"[\s\x00-\x1f\x7f]+", "", i).strip("<>")[:998] for i in found]
    return list(dict.fromkeys(i for i in ids if i.strip("<>")))


def parse_date(value: str) -> datetime | None:
    """Parse an RFC 5322 date; None when missing or invalid. Naive (-0000) means UTC."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except Exception:  # the stdlib raises several types on junk
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def safe_filename(name: str) -> str:
    """Return ``name`` usable as a file name: decoded, no path, no controls, bounded."""
    if "=?" in name or any("\udc80" <= c <= "\udcff" for c in name):
        name = decode_header_value(name)
    name = name.replace("\ufffd", "_").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r'[<>:"|?*]', "_", _UNSAFE_NAME.sub("", name)).strip().lstrip(".")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        keep = ext if dot and len(ext) <= 16 else ""
        name = stem[: MAX_NAME - len(keep) - 1] + "." + keep if keep else name[:MAX_NAME]
    return name.strip()


_STD_CTE = frozenset({"", "7bit", "8bit", "binary", "quoted-printable", "base64", "x-uuencode"})
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


def _uudecode(data: bytes) -> bytes:
    """Decode uuencoded lines leniently (a bad line is repaired by its length byte)."""
    out = []
    for line in data.splitlines():
        if not line or line.startswith((b"begin ", b"end")):
            continue
        try:
            out.append(binascii.a2b_uu(line))
        except binascii.Error:
            size = (((line[0] - 32) & 63) * 4 + 5) // 3
            try:
                out.append(binascii.a2b_uu(line[:size]))
            except binascii.Error:
                continue
    return b"".join(out)


def _undecoded(part: Message) -> bytes:
    """Return a leaf's payload as bytes, without transfer decoding (never raises)."""
    try:
        raw = part.get_payload()
    except Exception:  # get_payload reads the charset through the header registry
        return b""
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def payload_bytes(part: Message) -> bytes:
    """Return a leaf's decoded payload; odd CTE spellings (``quoted printable``) included."""
    cte = header_str(part, "Content-Transfer-Encoding").lower()
    try:
        data = part.get_payload(decode=True)
    except Exception:  # fall back to the undecoded payload
        data = _undecoded(part)
    data = data if isinstance(data, bytes) else b""
    if any(isinstance(d, InvalidBase64LengthDefect) for d in getattr(part, "defects", ())):
        return _b64(data)  # the stdlib gave the still-encoded bytes back: drop the odd char
    if cte in _STD_CTE:
        return data
    norm = re.sub(r"[\s_]+", "-", cte)
    if "quoted" in norm or norm == "qp":
        return quopri.decodestring(data)
    if "base64" in norm or "base-64" in norm:
        return _b64(data)
    return _uudecode(data) if "uu" in norm else data


class _Info:
    """What one part's Content-* headers say (each header object parsed once)."""

    __slots__ = ("charset", "cid", "ctype", "disposition", "filename", "start")

    def __init__(self, part: Message) -> None:
        self.ctype, params = _header_params(part, "content-type", part.get_default_type())
        self.disposition, dparams = _header_params(part, "content-disposition", "")
        self.charset = params.get("charset") or None
        self.filename = safe_filename(
            _lenient_param(part, "content-disposition", "filename", dparams.get("filename", ""))
            or _lenient_param(part, "content-type", "name", params.get("name", ""))
        )
        if not self.filename and not self.ctype.startswith(("text/", "multipart/")):
            # RFC 2557 §4.2: an image in multipart/related may be named only by its URL.
            self.filename = safe_filename(header_str(part, "Content-Location").split("?")[0])
        self.start = params.get("start", "").strip().strip("<>")
        self.cid = "".join(header_str(part, "Content-ID").split()).strip("<>")[:998]
        if self.ctype.startswith("multipart/") and not part.is_multipart():
            self.ctype = "text/plain"  # boundary missing: RFC 2046 says treat it as text


def _header_params(part: Message, name: str, default: str) -> tuple[str, dict[str, str]]:
    """Return (lowercased value, params) of a Content-* header, tolerating junk."""
    try:
        header = part.get(name)
        if header is None:
            return default, {}
        if not hasattr(header, "params"):  # a compat32 message: plain strings
            return _checked(name, *_compat_params(str(header)))
        value = str(
            getattr(header, "content_type", "") or getattr(header, "content_disposition", "")
        )
        params = {str(k).lower(): str(v) for k, v in header.params.items()}
    except Exception:  # the header registry can raise on malformed values
        raw = _raw_values(part, name)
        value, params = _compat_params(_unfolded(raw[0])) if raw else (default, {})
    return _checked(name, value, params)


def _compat_params(raw: str) -> tuple[str, dict[str, str]]:
    """Split a Content-* value the compat32 way: no header registry, nothing raises."""
    scratch = Message()  # compat32 policy: plain string parameter parsing
    scratch["Content-Type"] = raw
    params: dict[str, str] = {}
    try:
        for key, item in scratch.get_params(failobj=[])[1:]:
            params[key.lower()] = email.utils.collapse_rfc2231_value(item).strip('"')
    except Exception:  # a parameter we cannot read is skipped
        log.debug("unreadable MIME parameters: %r", raw[:200])
    return raw.split(";", 1)[0], params


def _checked(name: str, value: str, params: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Normalise a Content-Type / Content-Disposition value (RFC 2045, RFC 2183)."""
    value = value.strip().lower()
    if name == "content-type":
        if not _MIME_TYPE.fullmatch(value):
            value = "text/plain"  # RFC 2045 §5.2: an invalid Content-Type means text/plain
    elif value not in ("", "inline"):
        value = "attachment"  # RFC 2183 §2.8: an unknown disposition means attachment
    return value[:255], params


def _lenient_param(part: Message, header: str, name: str, parsed: str) -> str:
    """Return ``parsed``, or the raw unquoted value when the registry cut it short.

    Senders write ``filename=This is a test.txt`` and ``name==?utf-8?B?…?=`` unquoted;
    the header registry then returns ``This`` or nothing at all.
    """
    raw = header_str(part, header) if f"{name}=" in str(_raw_values(part, header)) else ""
    found = re.search(rf"(?:^|;)\s*{name}\s*=\s*([^\";][^;]*)", raw, re.I)
    if not found:
        return parsed
    lenient = found.group(1).strip()
    return lenient if len(lenient) > len(parsed) and lenient.startswith(parsed) else parsed


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


class _Walker:
    """One pass over the MIME tree: text and HTML bodies, attachments, defects."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.html: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.defects: dict[str, None] = {}
        self.count = 0

    def walk(self, part: Message, depth: int = 0, resource: bool = False) -> None:
        """Visit ``part``; ``resource`` marks a non-root member of multipart/related."""
        self.count += 1
        for defect in getattr(part, "defects", ()):
            self.defects[type(defect).__name__] = None
        if depth > MAX_DEPTH or self.count > MAX_PARTS:
            self.defects["too-deep-or-too-many-parts"] = None
            return
        info = _Info(part)
        if info.ctype.startswith("multipart/"):
            self._multipart(part, info, depth)
        elif info.ctype.startswith("message/") and part.is_multipart():
            name = info.filename or safe_filename(_enclosed_subject(part) + ".eml")
            self._attach(info, _serialise(part), name, inline=False)
            for inner in itertools.islice(part.walk(), 1, MAX_PARTS):
                self.defects.update(dict.fromkeys(type(d).__name__ for d in inner.defects))
        else:
            self._leaf(part, info, resource)

    def _multipart(self, part: Message, info: _Info, depth: int) -> None:
        children = [c for c in part.get_payload() if isinstance(c, Message)]
        children += _epilogue_parts(part)
        subtype = info.ctype.split("/", 1)[1]
        if subtype == "alternative":
            self._alternative(children, depth)
            return
        root = 0
        if subtype == "related" and info.start:
            cids = ["".join(header_str(c, "Content-ID").split()).strip("<>") for c in children]
            root = cids.index(info.start) if info.start in cids else 0
        for i, child in enumerate(children):
            if subtype == "report" and i > 0 and _Info(child).ctype in _REPORT_PARTS:
                continue  # the delivery report itself: read by the bounce rule, not kept
            self.walk(child, depth + 1, resource=subtype == "related" and i != root)

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

    def _leaf(self, part: Message, info: _Info, resource: bool) -> None:
        content = payload_bytes(part)
        body = self.html if info.ctype == "text/html" else self.text
        is_body = info.ctype in ("text/plain", "text/html") and info.disposition != "attachment"
        if is_body and not resource and (not info.filename or not body):
            body.append(self._decode(content, info))
            if not info.filename:
                return
        inline = info.disposition == "inline" or (resource and bool(info.cid))
        self._attach(info, content, info.filename, inline=inline)

    def _decode(self, content: bytes, info: _Info) -> str:
        charset = info.charset
        if charset is None and info.ctype == "text/html":
            found = _META_CHARSET.search(content[:4096])
            charset = found.group(1).decode("ascii") if found else None
        text, guessed = decode_bytes(content, charset)
        if guessed:
            self.defects["charset-guessed"] = None
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")

    def _attach(self, info: _Info, content: bytes, filename: str, *, inline: bool) -> None:
        self.attachments.append(
            ParsedAttachment(
                filename=filename,
                content_type=info.ctype,
                content=content,
                content_id=info.cid,
                inline=inline,
            )
        )


def _epilogue_parts(part: Message) -> list[Message]:
    """Parse parts left in a multipart's epilogue.

    When a nested multipart reuses its parent's boundary, the stdlib closes both at the
    inner close delimiter and the parent's remaining parts (spamscope mail_malformed_1: a
    zip file) end up as epilogue text.
    """
    epilogue = part.epilogue or ""
    try:
        boundary = part.get_boundary() or ""
    except Exception:  # a malformed Content-Type: no boundary to look for
        return []
    if not boundary or f"--{boundary}" not in epilogue:
        return []
    pieces = re.split(rf"^--{re.escape(boundary)}(--)?[ \t]*\r?$", epilogue, flags=re.M)
    # pieces: [text before, close?, part, close?, part, ...]; a part after "--b--" is junk.
    return [
        email.message_from_string(chunk.lstrip("\r\n"), policy=email.policy.default)
        for close, chunk in zip(pieces[1::2], pieces[2::2], strict=True)
        if close is None and chunk.strip()
    ]


def _enclosed_subject(part: Message) -> str:
    """Return the Subject of the message enclosed in a message/rfc822 part, or "message"."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    subject = header_str(inner, "Subject") if isinstance(inner, Message) else ""
    return re.sub(r"[/\\]", "_", subject[:100]) or "message"


def _join(parts: list[str]) -> str:
    """Join body parts found in one message (text, image, text from Apple Mail)."""
    out = ""
    for text in parts:
        out += text if not out or out.endswith("\n") else "\n" + text
    return out


def _extract_uuencoded(text: str) -> tuple[str, list[ParsedAttachment]]:
    """Move uuencoded blocks (``begin 644 name`` … ``end``) out of a text body."""
    found: list[ParsedAttachment] = []

    def cut(match: re.Match[str]) -> str:
        content = _uudecode(match.group(2).encode("latin-1", "replace"))
        name = safe_filename(match.group(1))
        found.append(ParsedAttachment(filename=name, content_type=_guess(name), content=content))
        return ""

    if "begin " not in text:
        return text, found
    return _UU_BLOCK.sub(cut, text), found


def _guess(filename: str) -> str:
    """Guess a content type from a file name (uuencoded files carry none)."""
    import mimetypes

    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _first_sender(message: Message) -> Address | None:
    """From, else Sender, else Reply-To: the first mailbox with an address."""
    for name in ("From", "Sender", "Reply-To"):
        found = parse_addresses(_raw_values(message, name), limit=1)
        if found:
            return found[0]
    return None


def repair_header_block(raw: bytes) -> bytes:
    """Make stray lines inside the header block continuation lines.

    Gateways that lose a folded line's leading space (``by localhost with SMTP``) or add
    junk (``quite Delivered-To:``) make the stdlib end the headers there, so From and
    Subject below them land in the body. Lines up to the last real header line are joined
    to the header before them; ``Subject :`` (obsolete WSP before the colon) is fixed.
    """
    end = re.search(rb"\r?\n\r?\n|\r\r", raw)
    if end is None or not _HEADER_LINE.match(raw):
        return raw
    lines = raw[: end.start() + 1].splitlines(keepends=True)
    good = [i for i, line in enumerate(lines) if _HEADER_LINE.match(line)]
    for i in range(1, good[-1] + 1):
        lines[i] = re.sub(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]+:", rb"\1:", lines[i])
        if not _STDLIB_HEADER_LINE.match(lines[i]):
            lines[i] = b" " + lines[i]
    return b"".join(lines) + raw[end.start() + 1 :]


def _load(raw: bytes) -> tuple[EmailMessage, list[str]]:
    """Parse bytes with ``policy.default``; on failure keep headers and the body as text."""
    head = raw[:8192]
    if b"\r" in head and b"\n" not in head:
        # Old Mac line endings (CR only): the stdlib splits lines on CR, but quopri and our
        # folding rules expect LF, so soft line breaks would survive as text.
        raw = raw.replace(b"\r", b"\n")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if any(isinstance(d, MissingHeaderBodySeparatorDefect) for d in message.defects):
            repaired = repair_header_block(raw)
            if repaired != raw:
                message = email.message_from_bytes(repaired, policy=email.policy.default)
                return message, ["header-block-repaired"]
        return message, []
    except Exception:  # the header registry raises on some Content-Type values
        log.info("MIME parse with policy.default failed; retrying with compat32")
    try:
        # compat32 keeps headers as plain strings, so no header parser can raise; the
        # message is still an EmailMessage for callers (header_str works the same).
        parser = BytesParser(_class=EmailMessage, policy=email.policy.compat32)
        fallback = parser.parsebytes(raw)
        if isinstance(fallback, EmailMessage):
            return fallback, ["parsed-with-compat32"]
    except Exception:  # e.g. RecursionError on absurd nesting
        log.info("MIME parse failed; keeping an empty message")
    return EmailMessage(), ["parse-failed"]


def parse_message(raw: bytes) -> ParsedMail:
    """Parse ``raw`` into a ``ParsedMail``; never raises, whatever the bytes."""
    message, defects = _load(raw)
    walker = _Walker()
    try:
        walker.walk(message)
    except Exception:  # keep whatever the walk collected
        log.exception("MIME walk failed")
        defects.append("walk-failed")
    text, uu_files = _extract_uuencoded(_join(walker.text))
    references = parse_ids(" ".join(header_strs(message, "References")))
    if len(references) > 100:
        references = references[:1] + references[-99:]
    sender = _first_sender(message)
    if sender is None:
        defects.append("no-sender")
    return ParsedMail(
        message=message,
        subject=header_str(message, "Subject")[:998],
        sender=sender,
        reply_to=parse_addresses(_raw_values(message, "Reply-To")),
        to=parse_addresses(_raw_values(message, "To")),
        cc=parse_addresses(_raw_values(message, "Cc")),
        date=parse_date(header_str(message, "Date")),
        message_id=next(iter(parse_ids(header_str(message, "Message-ID"))), ""),
        in_reply_to=parse_ids(header_str(message, "In-Reply-To")),
        references=references,
        text=text,
        html=_join(walker.html),
        attachments=walker.attachments + uu_files,
        defects=[*walker.defects, *defects][:50],
    )
