"""Generator of the labelled es/en evaluation set for suggestions (``suggest_eval.json``).

From ``suggest_topics.TOPICS`` it builds the corpus (one knowledge article per topic and
language, one resolved ticket per topic and language) and the queries: every paraphrase as
written, without accents, and with two typing errors (a seeded random swap/drop/double), each
labelled with its topic, so its relevant article(s) and ticket(s) are known. Queries are split
into ``dev`` (to tune the hybrid weight) and ``test`` (to report) by topic-independent hashing.

    .venv/bin/python benchmarks/suggest_data.py     # rewrites benchmarks/data/suggest_eval.json
"""

from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from pathlib import Path
from typing import Any

from suggest_topics import TOPICS

OUT = Path(__file__).resolve().parent / "data" / "suggest_eval.json"


def strip_accents(text: str) -> str:
    """The text as typed on a keyboard without dead keys: á→a, ñ→n, ü→u."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def add_typos(text: str, rng: random.Random, count: int = 2) -> str:
    """The text with ``count`` typing errors in words of four letters or more."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 4]
    for index in rng.sample(candidates, min(count, len(candidates))):
        word = words[index]
        pos = rng.randrange(1, len(word) - 2)
        kind = rng.choice(("swap", "drop", "double"))
        if kind == "swap":
            word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
        elif kind == "drop":
            word = word[:pos] + word[pos + 1 :]
        else:
            word = word[:pos] + word[pos] + word[pos:]
        words[index] = word
    return " ".join(words)


def split_of(text: str) -> str:
    """``dev`` or ``test``, stable for a given query text (about half each)."""
    return "dev" if hashlib.sha256(text.encode()).digest()[0] % 2 == 0 else "test"


def build(seed: int = 7) -> dict[str, Any]:
    """The whole set: articles, tickets and labelled queries."""
    rng = random.Random(seed)
    articles: list[dict[str, Any]] = []
    tickets: list[dict[str, Any]] = []
    queries: list[dict[str, Any]] = []
    for topic in TOPICS:
        key = str(topic["key"])
        for lang in ("es", "en"):
            title, body = topic[f"a_{lang}"]  # type: ignore[misc]
            articles.append(
                {
                    "id": len(articles) + 1,
                    "topic": key,
                    "language": lang,
                    "title": title,
                    "body": body,
                }
            )
            subject, text, note = topic[f"t_{lang}"]  # type: ignore[misc]
            tickets.append(
                {
                    "id": len(tickets) + 1,
                    "topic": key,
                    "language": lang,
                    "subject": subject,
                    "body": text,
                    "resolution_note": note,
                }
            )
        for lang in ("es", "en"):
            for phrase in topic[f"q_{lang}"]:  # type: ignore[attr-defined]
                variants = {
                    "paraphrase": phrase,
                    "no-accents": strip_accents(phrase),
                    "typos": add_typos(phrase, rng),
                }
                for variant, text in variants.items():
                    queries.append(
                        {
                            "id": len(queries) + 1,
                            "topic": key,
                            "language": lang,
                            "variant": variant,
                            "text": text,
                            "split": split_of(text),
                        }
                    )
    return {"seed": seed, "articles": articles, "tickets": tickets, "queries": queries}


def main() -> None:
    """Write the set to ``benchmarks/data/suggest_eval.json``."""
    data = build()
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(
        f"{len(data['queries'])} queries, {len(data['articles'])} articles, "
        f"{len(data['tickets'])} tickets → {OUT}"
    )


if __name__ == "__main__":
    main()
