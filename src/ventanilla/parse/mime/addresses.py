"""Lenient address-list parsing (RFC 5322 §3.4, and what senders write instead).

The ``policy.default`` address parser gives up on real mail: unbalanced quotes, raw 8-bit
display names, encoded words holding commas, obsolete source routes, group syntax,
``mailto:`` prefixes. We tokenise ourselves and keep every mailbox we can recognise.
When an element has no well-formed address, one written inside a comment or surrounded by
junk (``(hans@example.com)``, ``"Name"@example.com>``) is salvaged and marked repaired.
"""

from __future__ import annotations

import re

from ventanilla.parse.mime.headers import MAX_NAME, decode_words, unfolded
from ventanilla.parse.mime.values import Address

_ADDR_TOKEN = re.compile(
    r'"(?:\\.|[^"\\])*"?|=\?[^?\s]+\?[bBqQ]\?[^?]*?\?=|\((?:\\.|[^()\\])*\)?|<[^<>]*>?|,|[^",(<=]+|.',
    re.S,
)
_COMMENT = re.compile(r"\((?:\\.|[^()\\])*\)")
_DOMAIN = re.compile(r"[^\s@<>()\[\],;:\"\\\x00-\x1f\x7f]+|\[[^\[\]\\\s]+\]")
_LOCAL_SPECIALS = re.compile(r"[\s<>()\[\],;:@\"\\\x00-\x1f\x7f]")
_HEADER_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_QUOTED_PAIR = re.compile(r"\\(.)")
_SPACE_OUTSIDE_QUOTES = re.compile(r'("(?:\\.|[^"\\])*")|\s+')
# Something shaped like an addr-spec anywhere in a text, white space allowed around "@".
_LOOSE_ADDR = re.compile(
    r'("(?:\\.|[^"\\])*"|[^\s<>()\[\],;:"@\\=?]+)\s*@\s*([^\s@<>()\[\],;:"\\]+\.[^\s@<>()\[\],;:"\\.]+)'
)
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
# Where a sender may be found, best first (RFC 5322 §3.6.2, RFC 5321 §4.4 Return-Path).
SENDER_HEADERS = ("from", "sender", "reply-to", "return-path")


def _display_name(tokens: list[str]) -> str:
    """Join display-name tokens: unquote quoted strings, skip comments, decode words."""
    parts = []
    for token in tokens:
        if token.startswith('"'):
            token = _QUOTED_PAIR.sub(r"\1", token.strip('"'))
        elif token.startswith("("):
            continue
        parts.append(token)
    name = " ".join(decode_words("".join(parts)).split())
    return _HEADER_CONTROL.sub("", name).strip(" '")[:MAX_NAME]


def _clean_address(addr: str) -> str:
    """Return a lowercased addr-spec, or "" if it cannot be one."""
    addr = _SPACE_OUTSIDE_QUOTES.sub(lambda m: m.group(1) or "", _COMMENT.sub("", addr))
    addr = addr.removeprefix("mailto:")
    if not (addr.startswith('"') and '"@' in addr):
        addr = addr.strip("'\"")  # the whole address quoted, not a quoted local part
    addr = addr.rsplit(":", 1)[-1].rstrip(".;")  # obsolete source route: <@relay:user@host>
    local, _, domain = addr.rpartition("@")
    if len(local) > 2 and local[0] == local[-1] == '"' and _DOT_ATOM.fullmatch(local[1:-1]):
        local = local[1:-1]  # RFC 5321 §4.1.2: "ana"@x is ana@x
        addr = f"{local}@{domain}"
    # RFC 5321 §4.5.3.1 bounds a path at 256 octets; the columns hold 320 characters. Measure
    # the lowercased form we store: lowering can lengthen a string (U+0130 -> "i" + U+0307).
    if not (local and _DOMAIN.fullmatch(domain)) or len(addr.lower()) > 320:
        return ""
    if not local.startswith('"') and _LOCAL_SPECIALS.search(local):
        return ""
    return addr.lower()


def _salvaged(tokens: list[str]) -> str:
    """Return an address found anywhere in an element (comments included), or ""."""
    text = "".join(tokens)
    if "@" not in text or len(text) > 4096:
        return ""  # the loose pattern backtracks: keep it to what one address can be
    for candidate in (text, decode_words(text)):
        for match in _LOOSE_ADDR.finditer(candidate):
            addr = _clean_address(f"{match.group(1)}@{match.group(2)}")
            if addr:
                return addr
    return ""


def _address(tokens: list[str]) -> tuple[Address, bool] | None:
    """Build one Address from the tokens of one list element (or None).

    The flag tells whether the address had to be salvaged from a comment or junk.
    """
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
    if addr:
        return Address(name=name, email=addr), False
    addr = _salvaged(tokens)
    if not addr:
        return None
    words = [t for t in tokens if not t.startswith(("(", "<")) and "@" not in t]
    name = _display_name(words) if words else ""
    return Address(name=name, email=addr), True


def parse_addresses(values: list[object], limit: int = 200) -> list[Address]:
    """Parse address header values leniently: quotes, comments, groups, 8-bit, RFC 2047.

    Encoded words are kept whole while splitting, so a comma inside one does not split
    the list; an address-looking display name is only a name (spamscope mail_test_19).
    """
    return [address for address, _ in _parse(values, limit)]


def _parse(values: list[object], limit: int) -> list[tuple[Address, bool]]:
    """``parse_addresses`` with each address's salvaged flag."""
    result: list[tuple[Address, bool]] = []
    for value in values:
        pieces: list[list[str]] = [[]]
        for tok in _ADDR_TOKEN.findall(unfolded(value)):
            if tok == ",":
                pieces.append([])
            else:
                pieces[-1].append(tok)
        result.extend(a for a in map(_address, pieces) if a is not None)
    return result[:limit]


def first_sender(index: dict[str, list[object]]) -> tuple[Address | None, str]:
    """From, else Sender, Reply-To, Return-Path: the first mailbox with an address.

    ``index`` is the message's raw headers by lowercased name (``headers.header_index``).
    Returns the address and where it came from: ``"from"``, ``"from-repaired"`` (salvaged
    from a comment or junk), the lowercased name of the header used instead, or "".
    """
    for name in SENDER_HEADERS:
        found = _parse(index.get(name, []), limit=1)
        if found:
            address, repaired = found[0]
            return address, name + ("-repaired" if repaired else "")
    return None, ""
