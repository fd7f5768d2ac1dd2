"""Lenient address-list parsing (RFC 5322 §3.4, and what senders write instead).

The ``policy.default`` address parser gives up on real mail: unbalanced quotes, raw 8-bit
display names, encoded words holding commas, obsolete source routes, group syntax,
``mailto:`` prefixes. We tokenise ourselves and keep every mailbox we can recognise.
"""

from __future__ import annotations

import re

from ventanilla.mail.mime.headers import MAX_NAME, decode_words, unfolded
from ventanilla.mail.parsed import Address

_ADDR_TOKEN = re.compile(
    r'"(?:\\.|[^"\\])*"?|=\?[^?\s]+\?[bBqQ]\?[^?]*?\?=|\((?:\\.|[^()\\])*\)?|<[^<>]*>?|,|[^",(<=]+|.',
    re.S,
)
_COMMENT = re.compile(r"\((?:\\.|[^()\\])*\)")
_DOMAIN = re.compile(r"[^\s@<>()\[\],;:\"\\\x00-\x1f\x7f]+|\[[^\[\]\\\s]+\]")
_LOCAL_SPECIALS = re.compile(r"[\s<>()\[\],;:@\"\\\x00-\x1f\x7f]")
_HEADER_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_QUOTED_PAIR = re.compile(r"\\(.)")


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
    addr = "".join(_COMMENT.sub("", addr).split()).strip("'\"").removeprefix("mailto:")
    addr = addr.rsplit(":", 1)[-1].rstrip(".;")  # obsolete source route: <@relay:user@host>
    local, _, domain = addr.rpartition("@")
    # RFC 5321 §4.5.3.1 bounds a path at 256 octets; the columns hold 320 characters. Measure
    # the lowercased form we store: lowering can lengthen a string (U+0130 -> "i" + U+0307).
    if not (local and _DOMAIN.fullmatch(domain)) or len(addr.lower()) > 320:
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
        for tok in _ADDR_TOKEN.findall(unfolded(value)):
            if tok == ",":
                pieces.append([])
            else:
                pieces[-1].append(tok)
        result.extend(a for a in map(_address, pieces) if a is not None)
    return result[:limit]


def first_sender(index: dict[str, list[object]]) -> Address | None:
    """From, else Sender, else Reply-To: the first mailbox with an address.

    ``index`` is the message's raw headers by lowercased name (``headers.header_index``).
    """
    for name in ("from", "sender", "reply-to"):
        found = parse_addresses(index.get(name, []), limit=1)
        if found:
            return found[0]
    return None
