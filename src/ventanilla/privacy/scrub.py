"""Pure helpers of erasure: a person's identity, replaced in text and JSON, and its digest.

Nothing here touches the database: the erasure service reads rows, passes their values
through `Identity.scrub` and writes the result back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.crypto import salted_hmac

# What an erased value reads as wherever a column cannot simply be emptied.
ERASED = "[erased]"
# The placeholder customers' domain: ``.invalid`` is reserved by RFC 2606 and never resolves,
# so no mail can ever reach a placeholder address.
PLACEHOLDER_DOMAIN = "erased.invalid"
# Shorter names are not replaced inside other text ("Al" would eat half the words).
MIN_NAME = 4


def address_digest(email: str) -> str:
    """Return a keyed digest of an address: names an erased customer without his address.

    Keyed by ``SECRET_KEY``, so the log cannot be matched against a list of addresses by
    someone without the key; an admin with the address can still find "was this erased?".
    """
    return salted_hmac("ventanilla.privacy.address", email.strip().lower()).hexdigest()


@dataclass(frozen=True)
class Identity:
    """The strings that identify one person: his address and his name."""

    email: str
    name: str

    @property
    def terms(self) -> list[str]:
        """The strings looked for: the address, and the name when it is long enough."""
        terms = [self.email.strip()]
        if len(self.name.strip()) >= MIN_NAME:
            terms.append(self.name.strip())
        return [t for t in terms if t]

    def _pattern(self) -> re.Pattern[str]:
        ordered = sorted(self.terms, key=len, reverse=True)
        return re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE)

    def scrub(self, value: Any) -> Any:
        """Return ``value`` (text, or JSON of lists and dicts) with the identity replaced."""
        pattern = self._pattern()
        return _scrub(value, pattern)

    def found_in(self, value: Any) -> bool:
        """True when ``value`` mentions the identity (same rule as `scrub`)."""
        return bool(self.scrub(value) != value)


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrub(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern) for k, v in value.items()}
    return value
