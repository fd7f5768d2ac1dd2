"""Web benchmark: server time of the agent inbox and ticket view over 100,000 tickets.

Generates (once, reusable with ``--reuse``) a PostgreSQL database with N tickets, their
customers, teams, agents and articles, plus one ticket with 50 articles; then, in this
process, requests each inbox view and the ticket view through Django's test client as a
logged-in agent and as a supervisor, and prints p50/p95 server time over R requests and the
number of SQL queries per page. Server time = the full Django request cycle (middleware,
view, template), without network or browser.

    .venv/bin/python benchmarks/web.py                       # 100k tickets, 200 requests
    .venv/bin/python benchmarks/web.py --tickets 20000 --requests 50 --reuse

Target: p95 < 100 ms for every inbox view and the 50-article ticket view.
The database named by ``VENTANILLA_BENCH_WEB_PG_URL`` (default
``postgres://postgres@127.0.0.1:5432/ventanilla_bench_web``) is dropped and recreated unless
``--reuse`` finds it already filled with the same number of tickets.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PG_URL = os.environ.get(
    "VENTANILLA_BENCH_WEB_PG_URL", "postgres://postgres@127.0.0.1:5432/ventanilla_bench_web"
)
BATCH = 5000


def _setup_django(url: str) -> None:
    os.environ["VENTANILLA_DATABASE_URL"] = url
    os.environ.setdefault("VENTANILLA_HOME", tempfile.mkdtemp(prefix="ventanilla-bench-web-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "ventanilla.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _existing_count(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM tickets_ticket").fetchone()
            return int(row[0]) if row else 0
    except psycopg.Error:
        return -1


def _generate(tickets: int, articles_per_ticket: int, seed: int) -> None:
    """Fill the database: teams, agents, customers, tickets, articles (bulk inserts)."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from ventanilla.agents.models import AssignmentPolicy, Role
    from ventanilla.agents.services import agent_create, team_create
    from ventanilla.customers.models import Customer
    from ventanilla.mail.services import mailbox_create
    from ventanilla.tickets.models import Article, Ticket

    rng = random.Random(seed)
    mailbox = mailbox_create(name="Soporte", address="soporte@empresa.es", prefix="SOP")
    teams = [team_create(name=f"Equipo {n}", policy=AssignmentPolicy.MANUAL) for n in range(3)]
    agent_create(username="super", email="super@empresa.es", password="x", role=Role.SUPERVISOR)
    agents: list[User] = [
        agent_create(
            username=f"agent{n}", email=f"agent{n}@empresa.es", password="x", teams=[teams[n % 3]]
        )
        for n in range(12)
    ]
    customers = Customer.objects.bulk_create(
        Customer(email=f"cliente{n}@empresa{n % 500}.es", name=f"Cliente {n}", language="es")
        for n in range(max(1, tickets // 5))
    )
    statuses = ["new"] * 10 + ["open"] * 20 + ["pending"] * 10 + ["resolved"] * 10
    statuses += ["closed"] * 50
    now = timezone.now()
    made = 0
    started = time.perf_counter()
    while made < tickets:
        batch: list[Ticket] = []
        for n in range(made, min(tickets, made + BATCH)):
            received = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
            status = rng.choice(statuses)
            team = rng.choice(teams)
            # Members of the ticket's team (agents n, n+3, n+6, n+9 are in team n % 3).
            members = [a for i, a in enumerate(agents) if i % 3 == teams.index(team)]
            assignee = None if rng.random() < 0.2 else rng.choice(members)
            batch.append(
                Ticket(
                    number=f"SOP-{2025 + n % 2}-{n // 2 + 1:05d}",
                    mailbox=mailbox,
                    customer=customers[rng.randrange(len(customers))],
                    subject=f"Incidencia {n}: no funciona la exportación de facturas",
                    status=status,
                    language=rng.choice(["es", "es", "en"]),
                    received_at=received,
                    last_activity_at=received + timedelta(hours=rng.randint(0, 72)),
                    urgency=rng.choice(["high", "medium", "low"]),
                    impact=rng.choice(["high", "medium", "low"]),
                    priority=rng.randint(1, 4),
                    team=team,
                    assignee=assignee,
                    first_response_due_at=received + timedelta(hours=4),
                    resolution_due_at=received + timedelta(hours=rng.randint(-48, 96)),
                )
            )
        created = Ticket.objects.bulk_create(batch)
        Article.objects.bulk_create(
            Article(
                ticket=ticket,
                direction="in" if k % 2 == 0 else "out",
                kind="mail",
                sender_email=ticket.customer.email if k % 2 == 0 else "soporte@empresa.es",
                subject=ticket.subject,
                text=("Hola, os escribo porque la exportación falla. " * 12)[:600],
                new_text="Hola, os escribo porque la exportación falla.",
                sent_at=ticket.received_at + timedelta(hours=k),
            )
            for ticket in created
            for k in range(articles_per_ticket)
        )
        made += len(created)
        print(f"  {made}/{tickets} tickets ({time.perf_counter() - started:.0f} s)", flush=True)
    # The 50-article ticket is in agent0's team, so both measured users may open it.
    big = Ticket.objects.filter(status="open", team=teams[0]).order_by("id").first()
    assert big is not None
    Article.objects.bulk_create(
        Article(
            ticket=big,
            direction="in" if k % 2 == 0 else "out",
            kind="mail" if k % 7 else "note",
            sender_email=big.customer.email,
            subject=big.subject,
            text=f"Texto del mensaje número {k}. " * 20,
            new_text=f"Mensaje {k}",
            html=f"<p>Mensaje <b>{k}</b></p>",
            sent_at=big.received_at + timedelta(minutes=k),
        )
        for k in range(50 - big.articles.count())
    )
    from django.db import connection

    with connection.cursor() as cursor:
        # bulk_create stamps every row's auto_now "updated" with now; real tickets were last
        # touched at their last activity (the "recently closed" view depends on it).
        cursor.execute("UPDATE tickets_ticket SET updated_at = last_activity_at")
        cursor.execute("ANALYZE")


def _big_ticket_number() -> str:
    from django.db.models import Count

    from ventanilla.agents.models import Team
    from ventanilla.tickets.models import Ticket

    ticket = Ticket.objects.annotate(n=Count("articles")).order_by("-n").first()
    assert ticket is not None
    team = Team.objects.get(members__username="agent0")
    if ticket.team_id != team.pk:  # data sets built before the ticket was put in that team
        Ticket.objects.filter(pk=ticket.pk).update(team=team)
    return ticket.number


def _pages() -> list[tuple[str, str]]:
    """(label, URL) of every inbox view and the big ticket view, from the URLconf."""
    from django.urls import reverse

    from ventanilla.tickets.inbox import VIEWS  # the inbox views as data

    slugs = [view.slug for view in VIEWS]
    pages = [(f"inbox/{slug}", reverse("workspace:inbox", args=[slug])) for slug in slugs]
    pages.append(
        ("inbox/open sorted by SLA due", reverse("workspace:inbox", args=["open"]) + "?sort=due")
    )
    pages.append(("ticket (50 articles)", reverse("workspace:ticket", args=[_big_ticket_number()])))
    return pages


def _measure(username: str, requests: int) -> list[dict[str, Any]]:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(User.objects.get(username=username))
    rows = []
    for label, url in _pages():
        for _ in range(5):  # warm caches (templates, translations, PG buffers)
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.sort()
        rows.append(
            {
                "user": username,
                "page": label,
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
                "max_ms": round(times[-1], 1),
                "queries": len(queries),
            }
        )
        print(
            f"  {username:8} {label:28} p50 {rows[-1]['p50_ms']:7.1f} ms  "
            f"p95 {rows[-1]['p95_ms']:7.1f} ms  queries {rows[-1]['queries']}",
            flush=True,
        )
    return rows


def main() -> None:
    """Parse options, build or reuse the data, measure, print and save the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--articles-per-ticket", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep a database already filled")
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    reuse = args.reuse and _existing_count(args.pg_url) == args.tickets
    if not reuse:
        _recreate_database(args.pg_url)
    _setup_django(args.pg_url)
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    call_command("migrate", verbosity=0)
    if not reuse:
        print(f"generating {args.tickets} tickets ...", flush=True)
        _generate(args.tickets, args.articles_per_ticket, args.seed)
    print(f"measuring {args.requests} requests per page", flush=True)
    rows = _measure("agent0", args.requests) + _measure("super", args.requests)
    worst = max(r["p95_ms"] for r in rows)
    print(f"worst p95: {worst:.1f} ms (target < 100 ms): {'met' if worst < 100 else 'NOT met'}")
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"web-{args.tickets}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"tickets": args.tickets, "rows": rows}, indent=2))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
