"""Which language a customer wrote in: "es", "en", or "" when unsure.

lingua, limited to Spanish and English, is accurate even on 1-5 word texts (32/32 on
short helpdesk texts; all-languages mode scored 27/32 and needs 1.28 GB). The detector is
built once per process, lazily and under a lock, and only a bounded prefix of the text is
examined so a huge body costs no more than a normal one.
"""

from __future__ import annotations

import threading

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

__all__ = ["detect_language", "detector"]

# Enough text for a confident answer; more only costs time.
MAX_CHARS = 2000
# Fewer letters than this ("ok", "?", "👍") says nothing about the language.
MIN_LETTERS = 3
# Confidence that the text is Spanish (English is its complement, as only two languages are
# loaded). Between the bounds we answer "" and the caller falls back to the mailbox default
# (notes/dependencies.md §8).
SPANISH_ABOVE = 0.65
ENGLISH_BELOW = 0.35

_lock = threading.Lock()
_detector: LanguageDetector | None = None


def detector() -> LanguageDetector:
    """Return the process-wide detector, building it on first use (about 0.2 s, ~130 MB)."""
    global _detector  # a lazily built process-wide singleton
    if _detector is None:
        with _lock:
            if _detector is None:  # another thread may have built it while we waited
                _detector = (
                    LanguageDetectorBuilder.from_languages(Language.SPANISH, Language.ENGLISH)
                    .with_preloaded_language_models()
                    .build()
                )
    return _detector


def detect_language(text: str) -> str:
    """Return "es" or "en" for ``text``, or "" when it is too short or the call is close."""
    sample = text[:MAX_CHARS]
    if sum(1 for char in sample if char.isalpha()) < MIN_LETTERS:
        return ""
    spanish = detector().compute_language_confidence(sample, Language.SPANISH)
    if spanish >= SPANISH_ABOVE:
        return "es"
    if spanish <= ENGLISH_BELOW:
        return "en"
    return ""
