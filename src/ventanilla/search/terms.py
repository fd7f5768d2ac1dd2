"""A typed query as terms: each term is the words that may stand for it (typos corrected).

The vocabulary is ``SearchWord``; the backend finds near words (trigram FTS5 on SQLite,
``pg_trgm`` on PostgreSQL) and the edit distance decides, the same on both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ventanilla.search.models import SearchWord
from ventanilla.search.text import (
    MIN_TYPO_LENGTH,
    WORD_RE,
    edit_distance,
    fold,
    typo_distance,
)

MAX_TERMS = 12


@dataclass(frozen=True)
class Term:
    """One typed word: as typed (lowercased, for exact matches) and its folded variants."""

    typed: str
    variants: tuple[str, ...]


NearWords = Callable[[str], list[str]]


def corrections(word: str, near: NearWords) -> list[str]:
    """Words of the vocabulary a small typo away from ``word`` (none when it is known)."""
    if len(word) < MIN_TYPO_LENGTH or word.isdigit():
        return []
    if SearchWord.objects.filter(word=word).exists():
        return []
    limit = typo_distance(word)
    return [w for w in near(word) if w != word and edit_distance(word, w, limit) <= limit][:5]


def query_terms(query: str, near: NearWords | None) -> list[Term]:
    """Split ``query`` into terms; ``near`` (the backend's) corrects typos when given."""
    terms: list[Term] = []
    seen: set[str] = set()
    for token in WORD_RE.findall(query.lower()):
        word = fold(token)
        if word in seen:
            continue
        seen.add(word)
        extra = corrections(word, near) if near else []
        terms.append(Term(typed=token, variants=(word, *extra)))
    return terms[:MAX_TERMS]
