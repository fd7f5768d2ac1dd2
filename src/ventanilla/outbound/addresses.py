"""Outgoing addresses: parse what customers gave us, write it as RFC 5322 / RFC 6532 text.

Customer addresses come from the mail they sent, so anything that parses as an address may
turn up: quoted local parts, address literals, internationalised domains and, with RFC 6532,
non-ASCII local parts (``jdöe@mächine.example``). Each is written in the most compatible form
that still reaches the same mailbox:

- an internationalised domain becomes its ASCII form (an IDNA A-label, RFC 5890), which every
  relay accepts; domains with the characters IDNA 2003 and IDNA 2008 read differently
  (``ß``, ``ς``, ZWJ, ZWNJ) keep their UTF-8 form instead, as the stdlib only knows IDNA 2003
  and would silently address another domain (``faß.de`` is not ``fass.de``);
- a non-ASCII local part has no ASCII form at all: the message then carries UTF-8 headers
  (RFC 6532) and must be relayed with the ``SMTPUTF8`` extension (RFC 6531), which ``send``
  asks for per message;
- an address that cannot be written at all (no ``@``, control characters, a broken domain)
  raises `AddressError`; callers check with `address_problem` first (the acknowledgement is
  then suppressed with a reason instead of failing the whole message).

Display names are always RFC 2047 encoded-words when not ASCII, so a message whose
addresses are ASCII stays pure ASCII and needs nothing special from the relay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# RFC 5322 §3.2.3 atext; RFC 6532 §3.2 adds every non-ASCII character (checked separately).
_ATEXT = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~"
)
# RFC 2047 §5 (3): the only characters allowed unencoded in a "Q" encoded-word in a phrase.
_Q_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!*+-/")
# RFC 2047 §2: an encoded-word is at most 75 characters, "=?utf-8?q?" and "?=" included.
_WORD_PAYLOAD = 75 - len("=?utf-8?q??=")
# Characters IDNA 2003 (the stdlib codec) maps away but IDNA 2008 keeps (UTS #46 "deviations").
_IDNA_DEVIATIONS = frozenset("\u00df\u03c2\u200c\u200d")
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\Z")
MAX_NAME_CHARS = 200


class AddressError(ValueError):
    """An address that cannot be written in a mail header or an SMTP envelope."""


@dataclass(frozen=True)
class MailAddress:
    """One mailbox ready to be written: display name, local part (unquoted) and domain."""

    name: str
    local: str
    domain: str

    @property
    def addr_spec(self) -> str:
        """``local@domain``, the local part quoted when it is not a dot-atom (RFC 5321 §4.1.2)."""
        local = self.local
        if not _is_dot_atom(local):
            local = '"' + local.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"{local}@{self.domain}"

    @property
    def needs_smtputf8(self) -> bool:
        """True when only an SMTPUTF8 relay can carry it (RFC 6531 §3.2)."""
        return not (self.local.isascii() and self.domain.isascii())

    def header_tokens(self) -> list[str]:
        """Return the address as foldable header tokens: the phrase's words, then ``<spec>``."""
        if not self.name:
            return [self.addr_spec]
        return [*phrase_tokens(self.name), f"<{self.addr_spec}>"]


def parse_address(value: str) -> MailAddress:
    """Parse ``a@b.es``, ``Name <a@b.es>`` or ``"Surname, Name" <a@b.es>``.

    Raises `AddressError` when the address cannot be written (see the module docstring).
    """
    text = value.strip()
    name = ""
    if text.endswith(">") and "<" in text:
        cut = text.rindex("<")
        name, text = _unquote(text[:cut].strip()), text[cut + 1 : -1].strip()
    at = text.rfind("@")
    if at <= 0 or at == len(text) - 1:
        raise AddressError(f"not an address: {value!r}")
    local = _unquote(text[:at])
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in local):
        raise AddressError(f"control character in the local part: {value!r}")
    name = " ".join(name.split())[:MAX_NAME_CHARS]
    return MailAddress(name=name, local=local, domain=_domain(text[at + 1 :], value))


def address_problem(value: str) -> str:
    """Return why ``value`` cannot be used as a recipient, or "" when it can."""
    try:
        parse_address(value)
    except AddressError as exc:
        return str(exc)
    return ""


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def _is_dot_atom(local: str) -> bool:
    return all(
        part and all(ch in _ATEXT or not ch.isascii() for ch in part) for part in local.split(".")
    )


def _domain(domain: str, value: str) -> str:
    """Return the domain to write: ASCII when possible, validated; raise `AddressError`."""
    if domain.startswith("[") and domain.endswith("]"):
        # RFC 5321 §4.1.3 address literal: keep it verbatim when it is plain ASCII.
        if domain.isascii() and domain.isprintable() and " " not in domain:
            return domain
        raise AddressError(f"bad address literal: {value!r}")
    domain = domain.rstrip(".")
    if not domain.isascii():
        if _IDNA_DEVIATIONS.intersection(domain):
            # Keep the U-labels (RFC 6531 §3.2): the relay converts them correctly.
            if any(ch.isspace() or not ch.isprintable() for ch in domain):
                raise AddressError(f"bad domain: {value!r}")
            return domain
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise AddressError(f"bad internationalised domain: {value!r}") from exc
    if len(domain) > 253 or not all(_LABEL.match(label) for label in domain.split(".")):
        raise AddressError(f"bad domain: {value!r}")
    return domain


def phrase_tokens(name: str) -> list[str]:
    """Return a display name as RFC 5322 phrase tokens (atoms, a quoted-string or words).

    Non-ASCII names become RFC 2047 encoded-words; ASCII names with specials a quoted-string.
    A name that looks like an encoded-word is encoded too: many readers decode them even
    inside quoted strings.
    """
    if not name.isascii() or "=?" in name:
        return encoded_words(name)
    words = name.split(" ")
    if all(word and all(ch in _ATEXT for ch in word) for word in words):
        return words
    return ['"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"']


def encoded_words(text: str) -> list[str]:
    """Encode ``text`` as RFC 2047 "Q" encoded-words in UTF-8, each at most 75 characters.

    A character is never split between two words (RFC 2047 §5: each word is self-contained).
    Spaces are encoded as "_" so the words can be folded freely: whitespace between adjacent
    encoded-words is not part of the text (RFC 2047 §6.2).
    """
    words: list[str] = []
    chunk: list[str] = []
    size = 0
    for ch in text:
        if ch in _Q_SAFE:
            piece = ch
        elif ch == " ":
            piece = "_"
        else:
            piece = "".join(f"={byte:02X}" for byte in ch.encode("utf-8"))
        if size + len(piece) > _WORD_PAYLOAD and chunk:
            words.append("=?utf-8?q?" + "".join(chunk) + "?=")
            chunk, size = [], 0
        chunk.append(piece)
        size += len(piece)
    if chunk:
        words.append("=?utf-8?q?" + "".join(chunk) + "?=")
    return words


def unstructured_tokens(text: str) -> list[str]:
    """Return an unstructured value (Subject) as foldable tokens, RFC 2047-encoding only the
    runs of words that need it, so "[SOP-2026-00042] Hemos recibido" stays readable.

    ``text`` must already be on one line with single spaces (``compose.one_line``).
    """
    tokens: list[str] = []
    run: list[str] = []
    for word in text.split(" ") if text else []:
        # A word that looks like an encoded-word would be decoded by readers: encode it too.
        if word.isascii() and "=?" not in word:
            if run:
                tokens.extend(encoded_words(" ".join(run)))
                run = []
            tokens.append(word)
        else:
            run.append(word)
    if run:
        tokens.extend(encoded_words(" ".join(run)))
    return tokens
