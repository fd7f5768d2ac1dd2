"""Latency of the suggestions panel's selector over a large history.

Builds a fresh SQLite database (or PostgreSQL with ``--pg URL``) holding ``--tickets`` solved
tickets with notes (texts from the evaluation set's topics, numbered), ``--articles``
published knowledge articles, their full-text index (``search_reindex``) and stored vectors
(random unit rows: the time does not depend on their values), then times
``suggestions_for_ticket`` for 50 open tickets, as a supervisor (sees everything) and as a
team agent: each ticket's first view (its text embedded) and a repeat view, the full-text
share and the embedder's share apart. The embedder is loaded before timing (once per
process); the first view of the process (the vector matrices loaded) is reported alone.

    .venv/bin/python benchmarks/suggest_latency.py --tickets 10000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(args: argparse.Namespace) -> None:
    """A fresh data directory and database, migrated."""
    home = tempfile.mkdtemp(prefix="suggest-latency-")
    os.environ["VENTANILLA_HOME"] = home
    os.environ.pop("VENTANILLA_HUEY_IMMEDIATE", None)
    os.environ["VENTANILLA_DATABASE_URL"] = args.pg or f"sqlite:///{home}/ventanilla.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "ventanilla.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(args: argparse.Namespace) -> list[int]:
    """Solved tickets, articles, their index and vectors; return the open tickets' ids."""
    import numpy as np
    from django.utils import timezone
    from suggest_topics import TOPICS

    from ventanilla.agents.services import agent_create, team_create
    from ventanilla.customers.models import Customer
    from ventanilla.knowledge.models import KnowledgeArticle
    from ventanilla.mail.services import mailbox_create
    from ventanilla.search.reindex import search_reindex
    from ventanilla.suggest.embedder import get_embedder
    from ventanilla.suggest.models import Embedding
    from ventanilla.tickets.models import Article, Ticket

    mailbox = mailbox_create(name="S", address="s@empresa.es", prefix="SOP")
    teams = [team_create(name="Soporte"), team_create(name="Facturación")]
    boss = agent_create(username="jefa", email="j@e.es", password="x" * 12, role="supervisor")
    agent = agent_create(username="ana", email="a@e.es", password="x" * 12, teams=[teams[0]])
    customer = Customer.objects.create(email="c@cliente.es", name="Cliente")
    now = timezone.now()
    tickets, articles = [], []
    for n in range(args.tickets + 50):
        topic = TOPICS[n % len(TOPICS)]
        subject, body, note = topic["t_es" if n % 2 else "t_en"]  # type: ignore[misc]
        solved = n >= 50
        tickets.append(
            Ticket(
                number=f"SOP-2026-{n:06d}",
                mailbox=mailbox,
                customer=customer,
                subject=f"{subject} ({n})",
                status="resolved" if solved else "open",
                resolution_note=note if solved else "",
                team=teams[n % 2],
                received_at=now,
                last_activity_at=now,
                language="es",
            )
        )
    Ticket.objects.bulk_create(tickets, batch_size=1000)
    for t, n in zip(Ticket.objects.order_by("pk"), range(args.tickets + 50), strict=True):
        topic = TOPICS[n % len(TOPICS)]
        body = topic["t_es" if n % 2 else "t_en"][1]  # type: ignore[index]
        articles.append(
            Article(
                ticket=t, direction="in", kind="mail", subject=t.subject, text=body, new_text=body
            )
        )
    Article.objects.bulk_create(articles, batch_size=1000)
    KnowledgeArticle.objects.bulk_create(
        KnowledgeArticle(
            title=f"{TOPICS[i % len(TOPICS)]['a_es'][0]} {i}",
            slug=f"a-{i}",  # type: ignore[index]
            body=TOPICS[i % len(TOPICS)]["a_es"][1],
            language="es",  # type: ignore[index]
            status="published",
            visibility="public",
            author=boss,
        )
        for i in range(args.articles)
    )
    search_reindex()
    embedder = get_embedder()
    rng = np.random.default_rng(1)

    def rows(kind: str, ids: list[int]) -> list[Embedding]:
        vecs = rng.standard_normal((len(ids), embedder.dimension)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        return [
            Embedding(
                kind=kind,
                object_id=i,
                model_name=embedder.name,
                vector=v.astype("<f4").tobytes(),
                text_sha256="-",
            )
            for i, v in zip(ids, vecs, strict=True)
        ]

    Embedding.objects.bulk_create(
        rows("ticket", list(Ticket.objects.values_list("pk", flat=True))), batch_size=1000
    )
    Embedding.objects.bulk_create(
        rows("article", list(KnowledgeArticle.objects.values_list("pk", flat=True)))
    )
    return [boss.pk, agent.pk, *Ticket.objects.filter(status="open").values_list("pk", flat=True)]


def _p50_p95(prefix: str, times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        f"{prefix}p50_ms": round(statistics.median(ordered), 1),
        f"{prefix}p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
    }


def measure(ids: list[int]) -> dict[str, dict[str, float]]:
    """p50/p95 milliseconds of ``suggestions_for_ticket`` per kind of user."""
    from django.contrib.auth import get_user_model

    from ventanilla.search.api import article_candidates, ticket_candidates
    from ventanilla.suggest import selectors
    from ventanilla.suggest.embedder import get_embedder
    from ventanilla.suggest.selectors import suggestions_for_ticket
    from ventanilla.suggest.texts import ticket_problem
    from ventanilla.tickets.models import Ticket

    embedder = get_embedder()
    embedder.embed(["warm up"])
    users = get_user_model().objects.in_bulk(ids[:2])
    tickets = list(Ticket.objects.filter(pk__in=ids[2:]))
    # The first page view of a process loads the vector matrices: timed apart.
    started = time.perf_counter()
    suggestions_for_ticket(ticket=tickets[0], user=users[ids[0]])
    result: dict[str, dict[str, float]] = {
        "first_view": {"ms": round((time.perf_counter() - started) * 1000, 1)}
    }
    for label, user in (("supervisor", users[ids[0]]), ("agent", users[ids[1]])):
        times, fulltext, embed, again, cpu = [], [], [], [], []
        # Each ticket's first view embeds its text (the cache of recent texts is emptied).
        selectors._queries.clear()
        for ticket in tickets:
            # This process's CPU time too: the database is in it, and a machine loaded by
            # others inflates it much less than the wall clock.
            started, started_cpu = time.perf_counter(), time.process_time()
            suggestions_for_ticket(ticket=ticket, user=user)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            started = time.perf_counter()
            suggestions_for_ticket(ticket=ticket, user=user)
            again.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            embedder.embed([ticket_problem(ticket)])
            embed.append((time.perf_counter() - started) * 1000)
            # The full-text share alone (the search app's two calls, same arguments).
            text = ticket_problem(ticket)
            started = time.perf_counter()
            article_candidates(text=text, limit=50)
            ticket_candidates(text=text, limit=50, exclude_id=ticket.pk, user=user)
            fulltext.append((time.perf_counter() - started) * 1000)
        result[label] = {
            "n": len(times),
            **_p50_p95("", times),
            **_p50_p95("cpu_", cpu),
            **_p50_p95("repeat_view_", again),
            **_p50_p95("fulltext_", fulltext),
            **_p50_p95("embed_", embed),
        }
    return result


def main() -> None:
    """Build, measure, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=10000)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--pg", help="PostgreSQL URL of a database to fill (must be empty)")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    setup(args)
    ids = populate(args)
    print(json.dumps({"tickets": args.tickets, "articles": args.articles, **measure(ids)}))


if __name__ == "__main__":
    main()
