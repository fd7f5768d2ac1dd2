"""Pure text helpers of search: folding, words, light Spanish/English stemmers, edit distance.

Both backends and the snippets share them, so "contrasena" and "contraseña", "facturas" and
"factura", "printers" and "printer" meet the same way wherever they are compared.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

# Letters and digits, as SQLite's unicode61 tokenizer splits them (underscore separates).
WORD_RE = re.compile(r"[^\W_]+")
MIN_TYPO_LENGTH = 4
# Words too common to say anything about a ticket (for the OR-queries of suggestions).
_STOPWORDS = """a al algo algun alguna con contra de del desde donde el ella en entre es esa ese
    esta este esto estos hay la las le les lo los mas me mi mis muy no nos o os para pero
    por que se si sin sobre su sus te tu un una uno unos y ya yo hola gracias saludos buenas
    buenos dias tardes favor
    about an and are as at be been but by can could do does for from has have hello hi how
    i if in into is it its me my no not of on or our please regards so that the their them
    there this to was we were what when which who will with would you your thanks thank"""
STOPWORDS = frozenset(_STOPWORDS.split())


def fold(text: str) -> str:
    """Lowercase ``text`` and drop its diacritics ("Contraseña" → "contrasena")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Return the folded words of ``text`` in order."""
    return WORD_RE.findall(fold(text))


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, folded word)`` for each word of the original ``text``."""
    for match in WORD_RE.finditer(text):
        yield match.start(), match.end(), fold(match.group())


_ES_CONSONANT_PLURAL = "rlndzjy"


def stem_es(word: str) -> str:
    """Light Spanish stem of a folded word: plural, then gender/final vowel.

    "impresoras", "impresora", "impresores" → "impresor"; "facturas" → "factur".
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ces") and len(word) > 4:
        word = word[:-3] + "z"
    elif word.endswith("es") and len(word) > 4 and word[-3] in _ES_CONSONANT_PLURAL:
        word = word[:-2]
    elif word.endswith("s") and word[-2] in "aeiou":
        word = word[:-1]
    if len(word) > 4 and word[-1] in "aoe":
        word = word[:-1]
    return word


def stem_en(word: str) -> str:
    """Light English stem of a folded word: plurals, -ing, -ed ("printers" → "printer")."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            return word
    return word


def stem(word: str, language: str) -> str:
    """Stem a folded word in ``language`` ("en", anything else is Spanish, the default)."""
    return stem_en(word) if language == "en" else stem_es(word)


@functools.lru_cache(maxsize=65536)
def stems(word: str) -> frozenset[str]:
    """Both stems of a folded query word: the query may be in either language.

    Cached: snippets and the reasons of suggestions ask it for every word of a text.
    """
    return frozenset((stem_es(word), stem_en(word)))


def stemmed(text: str, language: str) -> str:
    """Return ``text`` as space-separated stems, the indexed form of SQLite's FTS table."""
    return " ".join(stem(w, language) for w in words(text))


def significant_words(text: str, limit: int = 24) -> list[str]:
    """The distinct folded words of ``text`` worth an OR-query: no stopwords, longest first."""
    seen: dict[str, None] = {}
    for w in words(text):
        if len(w) >= 3 and w not in STOPWORDS and not w.isdigit():
            seen.setdefault(w, None)
    return sorted(seen, key=len, reverse=True)[:limit]


def typo_distance(word: str) -> int:
    """How many edits a typed word may be away from an indexed one."""
    return 2 if len(word) >= 9 else 1


def edit_distance(a: str, b: str, cap: int = 3) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count 1), stopping above ``cap``."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > cap:
            return cap + 1
        prev2, prev = prev, row
    return prev[-1]
