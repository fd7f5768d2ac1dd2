"""Search benchmark: query latency, indexing time and index size over generated tickets.

Generates N tickets (≈3 articles each, es/en support text, deterministic seed) plus N/500
published knowledge articles, bulk-loads them straight into the tables (PostgreSQL COPY,
SQLite executemany in one transaction), builds the search index through the search app's
own reindex (``ventanilla search reindex``), then measures in this process:

* p50/p95 of 50 representative queries (words, phrases, accent-less, typos, numbers,
  filters) through ``ventanilla.search.api.search``, as a supervisor (sees everything) and
  as an agent of one team, after one warm-up pass;
* indexing time and index size (PostgreSQL: ``pg_total_relation_size`` of the search
  tables plus the full-text indexes; SQLite: ``dbstat`` of the same, and the file size);
* suggestion latency on the ticket view (the suggestions of a new ticket, as the panel asks).

    .venv/bin/python benchmarks/search.py                           # 20k tickets, SQLite + PG
    .venv/bin/python benchmarks/search.py --tickets 1000000 --db postgres
    .venv/bin/python benchmarks/search.py --tickets 100000 --db sqlite

Targets (reported, not asserted): search p95 < 150 ms on PostgreSQL at 1M tickets, < 50 ms
on SQLite at 100k; suggestions p95 < 150 ms. ``--db both`` runs each database in a child
process (Django configures one database per process). The PostgreSQL database named by
``VENTANILLA_BENCH_SEARCH_PG_URL`` is dropped and recreated.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PG_URL = os.environ.get(
    "VENTANILLA_BENCH_SEARCH_PG_URL", "postgres://postgres@127.0.0.1:5432/ventanilla_bench_search"
)
TARGETS = {"postgresql": 150.0, "sqlite": 50.0}
SUGGEST_TARGET = 150.0


def _setup_django(db: str, home: Path) -> None:
    os.environ["VENTANILLA_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "ventanilla.settings"
    if db == "postgres":
        _recreate_database(PG_URL)
        os.environ["VENTANILLA_DATABASE_URL"] = PG_URL
    else:
        os.environ.pop("VENTANILLA_DATABASE_URL", None)
    sys.path[:0] = [str(ROOT / "src"), str(HERE)]
    import django

    django.setup()


def _recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _people() -> tuple[int, list[int], list[int], Any, Any]:
    """Mailbox, 4 teams, 16 agents, a supervisor; return ids and the two measured users."""
    from ventanilla.agents.models import AssignmentPolicy, Role
    from ventanilla.agents.services import agent_create, team_create
    from ventanilla.mail.services import mailbox_create

    mailbox = mailbox_create(name="Soporte", address="soporte@empresa.es", prefix="SOP")
    teams = [team_create(name=f"Equipo {n}", policy=AssignmentPolicy.MANUAL) for n in range(4)]
    agents = [
        agent_create(
            username=f"agent{n}", email=f"agent{n}@empresa.es", password="x", teams=[teams[n % 4]]
        )
        for n in range(16)
    ]
    boss = agent_create(
        username="super", email="super@empresa.es", password="x", role=Role.SUPERVISOR
    )
    return mailbox.pk, [t.pk for t in teams], [a.pk for a in agents], boss, agents[0]


def _timed(label: str, func: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.1f} s", flush=True)
    return result, seconds


def run_one(
    db: str, tickets: int, queries: int, repeats: int, seed: int, embed: int
) -> dict[str, Any]:
    """Build the data set on ``db`` and measure; return the figures."""
    home = Path(tempfile.mkdtemp(prefix="ventanilla-bench-search-"))
    _setup_django(db, home)
    import search_bulkindex
    import search_load
    import search_measure
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    mailbox_id, team_ids, agent_ids, boss, agent = _people()
    counts, load_s = _timed(
        f"[{db}] load {tickets} tickets",
        lambda: search_load.load_corpus(
            tickets=tickets,
            seed=seed,
            mailbox_id=mailbox_id,
            team_ids=team_ids,
            agent_ids=agent_ids,
        ),
    )
    kb = max(20, tickets // 500)
    counts["knowledge_articles"] = search_load.load_knowledge(
        count=kb, seed=seed, author_id=boss.pk
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    size_before = search_measure.index_size()
    _, index_s = _timed(f"[{db}] bulk reindex", search_bulkindex.bulk_reindex)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    size = search_measure.index_size()
    verified = search_bulkindex.verify()
    print(f"[{db}] documents rebuilt through the app: {verified}", flush=True)
    print(f"[{db}] index size {size['index_bytes'] / 2**20:.1f} MiB", flush=True)
    result: dict[str, Any] = {
        "db": connection.vendor,
        "tickets": tickets,
        "counts": counts,
        "load_seconds": round(load_s, 1),
        "index_seconds": round(index_s, 1),
        "index_size": size,
        "index_size_before_reindex": size_before,
        "bulk_index_check": verified,
        "app_reindex_estimate_seconds": round(
            verified["app_ms_per_document"] * (tickets + kb) / 1000, 1
        ),
        "search": search_measure.measure_search(
            users=[boss, agent], total=queries, repeats=repeats
        ),
        "embeddings": search_measure.embed_for_suggestions(user=agent, limit=embed),
        "suggestions": search_measure.measure_suggestions(
            user=agent, repeats=max(20, repeats * 10)
        ),
    }
    result["target_ms"] = TARGETS[connection.vendor]
    return result


def _print_table(results: list[dict[str, Any]]) -> None:
    header = (
        f"{'db':10} {'tickets':>9} {'user':6} {'p50 ms':>7} {'p95 ms':>7} {'target':>7}"
        f" {'index s':>8} {'index MiB':>9} {'sugg p95':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        sugg = r["suggestions"].get("p95_ms", "-")
        for user, fig in r["search"]["users"].items():
            met = "met" if fig["p95_ms"] < r["target_ms"] else "MISSED"
            print(
                f"{r['db']:10} {r['tickets']:>9} {user:6} {fig['p50_ms']:>7} {fig['p95_ms']:>7}"
                f" {met:>7} {r['index_seconds']:>8} "
                f"{r['index_size']['index_bytes'] / 2**20:>9.1f} {sugg:>8}"
            )
        for kind, fig in r["search"]["by_kind"].items():
            print(f"    {kind:12} p50 {fig['p50_ms']:>7} p95 {fig['p95_ms']:>7}  ({fig['n']} runs)")


def main() -> None:
    """Parse options; run each database (in a child for ``both``); print and save."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--embed", type=int, default=20_000, help="newest solved tickets embedded for suggestions"
    )
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.db != "both":
        result = run_one(args.db, args.tickets, args.queries, args.repeats, args.seed, args.embed)
        if args.child_out:
            Path(args.child_out).write_text(json.dumps(result))
            return
        results = [result]
    else:
        results = []
        for db in ("sqlite", "postgres"):
            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
                child_out = handle.name
            argv = [
                sys.executable,
                __file__,
                "--db",
                db,
                "--tickets",
                str(args.tickets),
                "--queries",
                str(args.queries),
                "--repeats",
                str(args.repeats),
                "--seed",
                str(args.seed),
                "--embed",
                str(args.embed),
                "--child-out",
                child_out,
            ]
            subprocess.run(argv, check=True)
            results.append(json.loads(Path(child_out).read_text()))
    _print_table(results)
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"search-{args.tickets}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
