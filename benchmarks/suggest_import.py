"""What suggestions cost an import: A/B with and without the embedding signals, and the worker.

Alternately (A B A B ...) imports the same corpus (``ingest.py``'s) into a fresh database
  A: ``ventanilla mail import`` as shipped (each committed message queues one embedding
     task for the worker: the import itself only writes the queue entry), and
  B: the same import with the suggestions receivers disconnected,
timing each child (wall and CPU from ``os.wait4``). After each A run it times
``ventanilla suggest backfill`` on that database: the embedding work the worker does for the
imported tickets, on the other core, while or after the import runs.

    .venv/bin/python benchmarks/suggest_import.py --count 1000 --runs 2
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import OUT, make_corpus, prepare, timed, ventanilla

WITHOUT = (
    "import sys, django; django.setup(); "
    "from django.db.models.signals import post_save; "
    "[post_save.disconnect(dispatch_uid=u, sender=s) for u, s in ("
    "('suggest_article_saved', 'tickets.Article'), ('suggest_ticket_saved', 'tickets.Ticket'),"
    "('suggest_knowledge_saved', 'knowledge.KnowledgeArticle'))]; "
    "from django.core.management import call_command; "
    "call_command('mail', 'import', sys.argv[1], '--json', '--no-progress')"
)

BACKFILL = (
    "import django; django.setup(); "
    "from django.core.management import call_command; "
    "call_command('suggest', 'backfill'); print('{}')"
)


def main() -> None:
    """Run the pairs, print medians and the relative cost, write a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    corpus = make_corpus(args.count, "default", 1)
    work = Path(tempfile.mkdtemp(prefix="suggest-import-"))
    rows: dict[str, list[tuple[float, float]]] = {"with": [], "without": [], "worker": []}
    for i in range(args.runs):
        for label in ("with", "without"):
            home = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=work))
            env = prepare("sqlite", home, corpus)
            env["DJANGO_SETTINGS_MODULE"] = "ventanilla.settings"
            if label == "with":
                cmd = ventanilla("mail", "import", str(corpus), "--json", "--no-progress")
            else:
                cmd = [sys.executable, "-c", WITHOUT, str(corpus)]
            run = timed(cmd, env, work / f"{label}-{i}")
            rows[label].append((run.wall, run.cpu))
            if label == "with":
                worker = timed([sys.executable, "-c", BACKFILL], env, work / f"worker-{i}")
                rows["worker"].append((worker.wall, worker.cpu))
    med = {
        k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
        for k, v in rows.items()
    }
    summary = {
        "count": args.count,
        "runs": args.runs,
        "wall_s": {k: round(v[0], 2) for k, v in med.items()},
        "cpu_s": {k: round(v[1], 2) for k, v in med.items()},
        "import_slowdown_wall": round(med["with"][0] / med["without"][0] - 1, 3),
        "import_slowdown_cpu": round(med["with"][1] / med["without"][1] - 1, 3),
        "worker_cpu_vs_import_cpu": round(med["worker"][1] / med["without"][1], 3),
        "raw": rows,
    }
    OUT.mkdir(exist_ok=True)
    (OUT / f"suggest-import-{args.count}.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "raw"}))


if __name__ == "__main__":
    main()
