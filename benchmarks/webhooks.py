"""Webhook benchmark: delivery throughput to a receiver on loopback, and the outbox's cost.

* **outbox cost**: time to create N tickets (each writes a ``ticket.created`` audit row)
  with no subscription, then with one subscription wanting every event type (the outbox row
  is written in the ticket's own transaction);
* **throughput, one line**: one subscription's N deliveries sent by one worker, strictly in
  sequence (each a new connection, signed, recorded: three short transactions per delivery);
* **throughput, parallel lines**: K subscriptions flushed by K threads at once (huey's
  thread workers), each line still in order.

The receiver is the tests' stdlib ``http.server`` on 127.0.0.1 (threaded), answering 200.

    .venv/bin/python benchmarks/webhooks.py                  # SQLite, 500 deliveries
    .venv/bin/python benchmarks/webhooks.py --db postgres --deliveries 2000 --lines 4

The PostgreSQL database named by ``VENTANILLA_BENCH_HOOKS_PG_URL`` is dropped and recreated.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_URL = os.environ.get(
    "VENTANILLA_BENCH_HOOKS_PG_URL", "postgres://postgres@127.0.0.1:5432/ventanilla_bench_hooks"
)


def _setup_django(db: str, home: Path) -> None:
    os.environ["VENTANILLA_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "ventanilla.settings"
    os.environ.pop("VENTANILLA_HUEY_IMMEDIATE", None)  # queued tasks wait: we flush by hand
    if db == "postgres":
        base, _, name = PG_URL.rpartition("/")
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", f"{base}/postgres", "-qc", sql], check=True)
        os.environ["VENTANILLA_DATABASE_URL"] = PG_URL
    else:
        os.environ.pop("VENTANILLA_DATABASE_URL", None)
    sys.path[:0] = [str(ROOT / "src")]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _tickets(count: int, mailbox: Any, start: int) -> float:
    from django.utils import timezone

    from ventanilla.customers.services import customer_upsert_from_mail
    from ventanilla.tickets.services import ticket_create_from_mail

    began = time.perf_counter()
    for n in range(start, start + count):
        customer = customer_upsert_from_mail(email=f"c{n}@cliente.es", name=f"Cliente {n}")
        ticket_create_from_mail(
            mailbox=mailbox,
            customer=customer,
            subject=f"Consulta {n}",
            received_at=timezone.now(),
            language="es",
        )
    return time.perf_counter() - began


def _flush_all(subscription_ids: list[int]) -> float:
    from django.db import connection

    from ventanilla.webhooks.delivery import webhook_subscription_flush

    def run(subscription_id: int) -> None:
        try:
            while webhook_subscription_flush(subscription_id=subscription_id).finished:
                pass
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(pk,)) for pk in subscription_ids]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def main() -> None:
    """Run the measurements and print them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--lines", type=int, default=4)
    args = parser.parse_args()
    _setup_django(args.db, Path(tempfile.mkdtemp(prefix="ventanilla-bench-hooks-")))

    from ventanilla.agents.models import Role
    from ventanilla.agents.services import agent_create
    from ventanilla.mail.services import mailbox_create
    from ventanilla.webhooks.models import EventType, WebhookDelivery, WebhookSubscription
    from ventanilla.webhooks.services import SubscriptionFields, webhook_subscription_create
    from ventanilla.webhooks.tests.receiver import Receiver

    receiver = Receiver()
    receiver.start()
    admin = agent_create(username="admin", email="a@empresa.es", password=None, role=Role.ADMIN)
    mailbox = mailbox_create(name="Soporte", address="soporte@empresa.es", prefix="SOP")
    n = args.deliveries
    without = _tickets(n, mailbox, 0)

    def subscribe(name: str, types: list[str]) -> int:
        fields = SubscriptionFields(
            name=name, url=receiver.url, event_types=types, allow_private_network=True
        )
        return webhook_subscription_create(actor=admin, fields=fields).pk

    one = subscribe("one", list(EventType.values))
    with_one = _tickets(n, mailbox, n)
    sequential = _flush_all([one])
    assert WebhookDelivery.objects.filter(status="delivered").count() == n
    lines = [subscribe(f"line {i}", ["ticket.created"]) for i in range(args.lines)]
    WebhookDelivery.objects.filter(subscription_id=one).delete()
    WebhookSubscription.objects.filter(pk=one).update(active=False)
    _tickets(n, mailbox, 2 * n)
    parallel = _flush_all(lines)
    sent = WebhookDelivery.objects.filter(status="delivered").count()
    receiver.stop()
    load = os.getloadavg()
    print(
        json.dumps(
            {
                "db": args.db,
                "deliveries": n,
                "ticket_create_ms_no_subscription": round(without / n * 1000, 2),
                "ticket_create_ms_one_subscription": round(with_one / n * 1000, 2),
                "one_line_deliveries_per_s": round(n / sequential, 1),
                "parallel_lines": args.lines,
                "parallel_deliveries_per_s": round(sent / parallel, 1),
                "received": len(receiver.requests),
                "loadavg": [round(x, 2) for x in load],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
