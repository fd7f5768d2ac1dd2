"""API benchmark: server time of ticket list and get over 100,000 tickets, queries per page,
and ticket creation throughput through the API (the mail door and the live pipeline).

Builds (once, reusable with ``--reuse``) a PostgreSQL database with the same generator as
``benchmarks/web.py`` (N tickets over two years, 3 teams, 12 agents, 3 articles each), then
in this process sends requests through Django's test client with a bearer token, as an agent
(his team's tickets) and as a supervisor (all): server time is the full request cycle
(middleware with its rate-limit upserts, authentication, the endpoint, JSON), without
network. Prints p50/p95 per request kind and the SQL queries of a list page at 10, 50 and 200
rows (the same number: constant per page).

    .venv/bin/python benchmarks/api.py                          # 100k tickets
    .venv/bin/python benchmarks/api.py --tickets 20000 --requests 50 --reuse

Target: p95 < 50 ms for list and get. Webhook delivery throughput is measured by the
webhooks' own tests and benchmark, not here. The database is ``VENTANILLA_BENCH_API_PG_URL``
(default ``postgres://postgres@127.0.0.1:5432/ventanilla_bench_api``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import web  # noqa: E402 - the generator of the web benchmark, reused as is

OUT = ROOT / "benchmarks" / "out"
PG_URL = os.environ.get(
    "VENTANILLA_BENCH_API_PG_URL", "postgres://postgres@127.0.0.1:5432/ventanilla_bench_api"
)


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
    }


def _client(username: str) -> Any:
    from django.contrib.auth.models import User
    from django.test import Client

    from ventanilla.agents.token_services import api_token_create

    user = User.objects.get(username=username)
    secret = api_token_create(user=user, name="bench", scope="write").secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _timed(client: Any, path: str) -> tuple[float, Any]:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return elapsed, response


def _measure_reads(username: str, requests: int, rng: random.Random) -> list[dict[str, Any]]:
    client = _client(username)
    first = client.get("/api/v1/tickets?limit=50&total=true").json()
    numbers = [t["number"] for t in first["items"]]
    page, deep = first, first["next"]
    for _ in range(20):  # a cursor 20 pages deep (row 1,000), or the last page
        if page["next"] is None:
            break
        deep = page["next"]
        page = client.get(f"/api/v1/tickets?limit=50&total=false&cursor={deep}").json()
    numbers += [t["number"] for t in page["items"]]
    kinds = {
        "list 50 + total": lambda: "/api/v1/tickets?limit=50&total=true",
        "list 50, no total": lambda: "/api/v1/tickets?limit=50&total=false",
        "list 50, open, by activity": lambda: (
            "/api/v1/tickets?limit=50&status=open&sort=-last_activity_at"
        ),
        "list 50 at row 1,000": lambda: f"/api/v1/tickets?limit=50&total=false&cursor={deep}",
        "teams (baseline)": lambda: "/api/v1/teams",
        "get": lambda: f"/api/v1/tickets/{rng.choice(numbers)}",
    }
    rows = []
    for kind, path in kinds.items():
        samples = [_timed(client, path())[0] for _ in range(requests)]
        rows.append({"user": username, "request": kind, **_percentiles(samples)})
        print(f"  {username:6} {kind:28} {rows[-1]}", flush=True)
    return rows


def _queries_per_page(username: str) -> dict[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(username)
    counts = {}
    for limit in (10, 50, 200):
        client.get(f"/api/v1/tickets?limit={limit}")  # warm: token last-used write
        with CaptureQueriesContext(connection) as queries:
            _timed(client, f"/api/v1/tickets?limit={limit}")
        counts[limit] = len(queries)
    return counts


def _measure_creation(count: int) -> dict[str, Any]:
    from django.utils import timezone

    from ventanilla.tickets.models import Ticket, TicketCounter

    # The generator numbers its tickets itself; new ones must be numbered past them.
    # Past them, and past what an earlier --reuse run created (each one adds to the count).
    counter, _ = TicketCounter.objects.get_or_create(prefix="SOP", year=timezone.localdate().year)
    floor = 500_000 + Ticket.objects.count()
    if counter.last < floor:
        TicketCounter.objects.filter(pk=counter.pk).update(last=floor)
    client = _client("super")
    started = time.perf_counter()
    samples = []
    for n in range(count):
        body = {
            "customer_email": f"bench{n}@cliente{n % 50}.es",
            "customer_name": f"Cliente {n}",
            "subject": f"La exportación {n} falla",
            "text": "Hola, la exportación de facturas falla desde esta mañana.",
        }
        t0 = time.perf_counter()
        response = client.post(
            "/api/v1/tickets", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"b{n}"
        )
        samples.append(time.perf_counter() - t0)
        assert response.status_code == 201, response.content[:300]
    elapsed = time.perf_counter() - started
    return {"created": count, "per_second": round(count / elapsed, 1), **_percentiles(samples)}


def main() -> None:
    """Parse options, build or reuse the data, measure, print and save the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--create", type=int, default=200, help="tickets made through the API")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep a database already filled")
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    reuse = args.reuse and web._existing_count(args.pg_url) >= args.tickets
    if not reuse:
        web._recreate_database(args.pg_url)
    web._setup_django(args.pg_url)
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.VENTANILLA_API_RATE_PER_IP = settings.VENTANILLA_API_RATE_PER_TOKEN = 10**9
    call_command("migrate", verbosity=0)
    if not reuse:
        print(f"generating {args.tickets} tickets ...", flush=True)
        web._generate(args.tickets, 3, args.seed)
    rng = random.Random(args.seed)
    print(f"measuring {args.requests} requests per kind", flush=True)
    rows = _measure_reads("agent0", args.requests, rng) + _measure_reads(
        "super", args.requests, rng
    )
    queries = {u: _queries_per_page(u) for u in ("agent0", "super")}
    print(f"queries per list page at 10/50/200 rows: {queries}")
    creation = _measure_creation(args.create)
    print(f"creation through the API: {creation}")
    worst = max(r["p95_ms"] for r in rows)
    print(f"worst p95: {worst:.1f} ms (target < 50 ms): {'met' if worst < 50 else 'NOT met'}")
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"api-{args.tickets}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    result = {"tickets": args.tickets, "rows": rows, "queries": queries, "creation": creation}
    out.write_text(json.dumps(result, indent=2))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
