"""Reports benchmark: p95 of the reports page (30 days, 12 months), rebuild time.

Generates ``--tickets`` past tickets over 52 weeks with realistic audit histories
(``ops/demo_history.py``, the demo's generator, rollups kept by the listener as it runs),
then times, in process, ``--runs`` GETs of the supervisor's reports page through Django's
test client (the whole view: form, queries, charts, tables, template) for each period, and
one ``reports rebuild``. Fresh ``VENTANILLA_HOME`` per run; SQLite unless
``VENTANILLA_DATABASE_URL`` is set (then that database is used: give an empty one).

    .venv/bin/python benchmarks/reports.py --tickets 100000
    VENTANILLA_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ventanilla_bench_reports \\
        .venv/bin/python benchmarks/reports.py --tickets 100000

The per-message cost of the rollups on ingestion is measured with ``benchmarks/ingest.py``
run twice, with ``VENTANILLA_REPORTS_ROLLUPS=0`` and without (README).
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


def main() -> None:
    """Generate, measure, print a JSON summary."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=10000)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--reuse", action="store_true", help="measure an already generated home")
    args = p.parse_args()
    os.environ.setdefault("VENTANILLA_HOME", tempfile.mkdtemp(prefix="vh-bench-reports-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "ventanilla.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as ``ventanilla web`` does
    result = {"tickets": args.tickets, "database": _vendor(), "load": os.getloadavg()}
    if args.reuse:
        from ventanilla.tickets.models import Ticket

        result["tickets"] = Ticket.objects.count()
    else:
        result["generate_s"] = _generate(args.tickets)
    result.update(_pages(args.runs))
    if args.reuse:
        print(json.dumps(result, indent=2))
        return
    started = time.perf_counter()
    from ventanilla.reports.services import rollups_rebuild

    rebuilt = rollups_rebuild()
    result["rebuild_s"] = round(time.perf_counter() - started, 2)
    result["rollup_rows"] = rebuilt.rows
    result["events"] = rebuilt.events
    result.update(_pages(args.runs, suffix="_after_rebuild"))
    print(json.dumps(result, indent=2))


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def _generate(count: int) -> float:
    from ventanilla.agents.services import agent_create, team_create
    from ventanilla.mail.services import mailbox_create
    from ventanilla.ops.demo_history import demo_history_generate

    team = team_create(name="Soporte")
    agents = [
        agent_create(
            username=f"a{i}",
            email=f"a{i}@empresa.es",
            password="x-123456789",
            role="agent",
            teams=[team],
        )
        for i in range(12)
    ]
    mailbox = mailbox_create(name="Soporte", address="soporte@empresa.es", prefix="SOP")
    started = time.perf_counter()
    step = 5000
    for i in range(0, count, step):
        demo_history_generate(
            mailbox=mailbox,
            agents=agents,
            team="Soporte",
            count=min(step, count - i),
            weeks=52,
            seed=i,
        )
    return round(time.perf_counter() - started, 1)


def _pages(runs: int, suffix: str = "") -> dict[str, float]:
    from django.contrib.auth.models import User
    from django.test import Client

    from ventanilla.agents.services import agent_create

    user = User.objects.filter(username="boss").first() or agent_create(
        username="boss",
        email="boss@empresa.es",
        password="x-123456789",
        role="supervisor",
        teams=[],
    )
    client = Client()
    client.force_login(user)
    out = {}
    for period in ("30d", "12m"):
        times, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/reports/", {"period": period}, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - started) * 1000)
            # CPU of this process (SQLite runs in it): far steadier than wall on a busy machine.
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, response.status_code
        times.sort()
        out[f"p95_ms_{period}{suffix}"] = round(times[max(0, int(len(times) * 0.95) - 1)], 1)
        out[f"median_ms_{period}{suffix}"] = round(statistics.median(times), 1)
        cpu.sort()
        out[f"cpu_p95_ms_{period}{suffix}"] = round(cpu[max(0, int(len(cpu) * 0.95) - 1)], 1)
    return out


if __name__ == "__main__":
    main()
