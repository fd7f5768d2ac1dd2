"""Which language a customer wrote in: "es", "en", or "" when unsure.

lingua, limited to Spanish and English, in its low-accuracy mode (trigram models only,
loaded on first use): about 15 MB instead of the ~130 MB of its preloaded high-accuracy
models, which kept the whole ingestion process above 200 MB. Measured on the benchmark
corpus (``benchmarks/ingest.py``: 969 customer mails, es and en, each detected on its new
text, else subject + whole text, as the ``language`` step does): 967 right, 2 wrong, none
unsure, against 966 / 3 / 0 for the high-accuracy mode reading up to 2,000 characters.
Trigrams are less sure of a very short text, so a text under ``SHORT_TEXT`` characters
must be clearer to be named: "Gracias, ya funciona." and "Thanks" still are, a lone "Hola"
is not, and the caller falls back to the subject and the whole text, then to the
customer's or the mailbox's language. Only a bounded prefix is examined: a huge body costs
no more than a normal one, and 500 characters decide as well as 2,000 did.
"""

from __future__ import annotations

import threading

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

__all__ = ["detect_language", "detector"]

# Enough text for a confident answer; more only costs time.
MAX_CHARS = 500
# Fewer letters than this ("ok", "?", "👍") says nothing about the language.
MIN_LETTERS = 3
# Confidence that the text is Spanish (English is its complement, as only two languages are
# loaded). Between the bounds we answer "" and the caller falls back to the mailbox default
# (notes/dependencies.md §8).
SPANISH_ABOVE = 0.65
ENGLISH_BELOW = 0.35
# Below this length (lingua's own advice for its low-accuracy mode) the bounds are stricter.
SHORT_TEXT = 120
SHORT_SPANISH_ABOVE = 0.9
SHORT_ENGLISH_BELOW = 0.1

_lock = threading.Lock()
_detector: LanguageDetector | None = None


def detector() -> LanguageDetector:
    """Return the process-wide detector, building it on first use (trigram models, ~15 MB)."""
    global _detector  # a lazily built process-wide singleton
    if _detector is None:
        with _lock:
            if _detector is None:  # another thread may have built it while we waited
                _detector = (
                    LanguageDetectorBuilder.from_languages(Language.SPANISH, Language.ENGLISH)
                    .with_low_accuracy_mode()
                    .build()
                )
    return _detector


def detect_language(text: str) -> str:
    """Return "es" or "en" for ``text``, or "" when it is too short or the call is close."""
    sample = text[:MAX_CHARS]
    if sum(1 for char in sample if char.isalpha()) < MIN_LETTERS:
        return ""
    spanish = detector().compute_language_confidence(sample, Language.SPANISH)
    short = len(sample.strip()) < SHORT_TEXT
    if spanish >= (SHORT_SPANISH_ABOVE if short else SPANISH_ABOVE):
        return "es"
    if spanish <= (SHORT_ENGLISH_BELOW if short else ENGLISH_BELOW):
        return "en"
    return ""
