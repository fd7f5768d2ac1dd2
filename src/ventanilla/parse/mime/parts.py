"""What one MIME part's Content-* headers say, read once per part.

``PartInfo`` reads Content-Type, Content-Disposition, Content-ID, Content-Location and
Content-Transfer-Encoding of one part a single time, so the walk never asks the stdlib
again (each ``get_content_type()`` / ``get_param()`` re-parses the header). Invalid values
get the meaning the RFCs give them instead of an exception.
"""

from __future__ import annotations

import email.utils
import logging
import re
from email.message import Message

from ventanilla.parse.mime.charsets import decode_bytes
from ventanilla.parse.mime.headers import first_str, header_index, safe_filename, unfolded

log = logging.getLogger(__name__)

_MIME_TYPE = re.compile(r"[a-z0-9!#$%&'*+.^_`{|}~-]+/[a-z0-9!#$%&'*+.^_`{|}~-]+")
_LENIENT = {
    name: re.compile(rf"(?:^|;)\s*{name}\s*=\s*([^\";][^;]*)", re.I)
    for name in ("filename", "name")
}


class PartInfo:
    """The Content-* headers of one part, parsed once and normalised."""

    __slots__ = ("charset", "cid", "cte", "ctype", "disposition", "filename", "start")

    def __init__(self, part: Message) -> None:
        """Read ``part``'s Content-* headers (never raises on their values)."""
        raw = header_index(part)
        self.ctype, params = _header_params(part, raw, "content-type", part.get_default_type())
        self.disposition, dparams = _header_params(part, raw, "content-disposition", "")
        self.charset = params.get("charset") or None
        self.filename = safe_filename(
            _lenient_param(raw, "content-disposition", "filename", dparams.get("filename", ""))
            or _lenient_param(raw, "content-type", "name", params.get("name", ""))
        )
        if not self.filename and not self.ctype.startswith(("text/", "multipart/")):
            # RFC 2557 §4.2: an image in multipart/related may be named only by its URL.
            location = first_str(raw.get("content-location", ()))
            self.filename = safe_filename(location.split("?")[0])
        self.start = params.get("start", "").strip().strip("<>")
        self.cid = content_id(raw)[:998]
        self.cte = first_str(raw.get("content-transfer-encoding", ())).lower()
        if self.ctype.startswith("multipart/") and not part.is_multipart():
            self.ctype = "text/plain"  # boundary missing: RFC 2046 says treat it as text


def content_id(raw: dict[str, list[object]]) -> str:
    """Return a part's Content-ID without brackets or white space, from its raw headers."""
    return "".join(first_str(raw.get("content-id", ())).split()).strip("<>")


def _header_params(
    part: Message, raw: dict[str, list[object]], name: str, default: str
) -> tuple[str, dict[str, str]]:
    """Return (lowercased value, params) of a Content-* header, tolerating junk."""
    if name not in raw:
        return default, {}
    try:
        # policy.default parses the header (RFC 2231 continuations, comments); the
        # header object is cached by our policy, so this costs one parse per value.
        header = part.get(name)
        if header is None:
            return default, {}
        if not hasattr(header, "params"):  # a compat32 message: plain strings
            return _checked(name, *_compat_params(str(header)))
        value = str(
            getattr(header, "content_type", "") or getattr(header, "content_disposition", "")
        )
        params = {str(k).lower(): str(v) for k, v in header.params.items()}
        if "\ufffd" in "".join(params.values()) or "*=" in str(raw[name][0]):
            # The registry reads raw 8-bit bytes (a file name in the sender's charset) as
            # U+FFFD, and RFC 2231 values without a usable charset (filename*=''%B1%A8)
            # as latin-1: read the names again from the raw value with our charset rules.
            names = _compat_params(unfolded(raw[name][0]))[1]
            params.update({k: v for k, v in names.items() if k in ("filename", "name")})
    except Exception:  # the header registry can raise on malformed values
        value, params = _compat_params(unfolded(raw[name][0]))
    return _checked(name, value, params)


def _compat_params(raw: str) -> tuple[str, dict[str, str]]:
    """Split a Content-* value the compat32 way: no header registry, nothing raises."""
    scratch = Message()  # compat32 policy: plain string parameter parsing
    scratch["Content-Type"] = raw
    params: dict[str, str] = {}
    try:
        for key, item in scratch.get_params(failobj=[])[1:]:
            value: object = item  # typeshed says str; RFC 2231 values come as 3-tuples
            text = _rfc2231_text(value) if isinstance(value, tuple) else str(value)
            params[key.lower()] = email.utils.collapse_rfc2231_value(text).strip('"')
    except Exception:  # a parameter we cannot read is skipped
        log.debug("unreadable MIME parameters: %r", raw[:200])
    return raw.split(";", 1)[0], params


def _rfc2231_text(item: tuple[str, str, str]) -> str:
    """Decode an RFC 2231 extended value (charset, language, %-decoded text) to str.

    Its charset may be empty or ``us-ascii`` over 8-bit bytes (RFC 2231 §4 lets senders
    leave it out); those bytes are then decoded like any undeclared 8-bit text.
    """
    charset, _language, text = item
    try:
        data = text.encode("latin-1")  # email.utils.decode_params %-decodes as latin-1
    except UnicodeEncodeError:
        return text
    return decode_bytes(data, charset or None)[0]


def _checked(name: str, value: str, params: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Normalise a Content-Type / Content-Disposition value (RFC 2045, RFC 2183)."""
    value = value.strip().lower()
    if name == "content-type":
        if not _MIME_TYPE.fullmatch(value):
            value = "text/plain"  # RFC 2045 §5.2: an invalid Content-Type means text/plain
    elif value not in ("", "inline"):
        value = "attachment"  # RFC 2183 §2.8: an unknown disposition means attachment
    return value[:255], params


def _lenient_param(raw: dict[str, list[object]], header: str, name: str, parsed: str) -> str:
    """Return ``parsed``, or the raw unquoted value when the registry cut it short.

    Senders write ``filename=This is a test.txt`` and ``name==?utf-8?B?…?=`` unquoted;
    the header registry then returns ``This`` or nothing at all.
    """
    values = raw.get(header, [])
    if not any(f"{name}=" in str(v) for v in values):
        return parsed
    found = _LENIENT[name].search(first_str(values))
    if not found:
        return parsed
    lenient = found.group(1).strip()
    return lenient if len(lenient) > len(parsed) and lenient.startswith(parsed) else parsed
