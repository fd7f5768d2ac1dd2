"""The live ingestion path, driven the way the SMTP edge and the worker drive it.

Run by ``ingest.py`` as a timed child: Django set up as ``ventanilla`` sets it up, then
every ``.eml`` of the corpus, in name order, goes through

1. ``intake.ingest_raw(raw, source="smtp", envelope_to=[mailbox])``: what one SMTP session's
   DATA stores (the bytes committed, the processing task queued on commit in huey's store);
2. the worker's task for it, run in this process (``process_inbound.call_local``, or
   ``process_inbound_many`` for a group with ``--group N``, as after the SMTP group
   commit): the live pipeline, with rules, threading, customer, ticket, triage, SLA clock,
   routing, article, and the acknowledgement rendered and queued in the outbox (never
   sent: no worker consumes the queue).

``--mode import`` runs ``mail import``'s own entry (``importer.import_sources``) in this
process instead, for the statement count of the import path: all its statements over its
messages (it writes them a group at a time, so they are not told apart per message).

With ``--count-statements`` it counts the SQL statements of each message (a
``connection.execute_wrapper``), split by what the message became: a new ticket, an article
on an existing ticket, or neither (ignored, duplicate, quarantined). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

# Packages whose listeners of ticket signals write in the same transaction (the search
# index, report rollups, the webhook outbox): their statements are counted apart too.
LISTENERS = tuple(
    f"{os.sep}ventanilla{os.sep}{name}{os.sep}" for name in ("search", "reports", "webhooks")
)


class StatementCounter:
    """A ``connection.execute_wrapper`` counting statements (``executemany`` counts once).

    ``listeners`` counts those issued from a listener package (``LISTENERS``), found by
    walking the caller's frames: the counting runs are untimed, so the walk costs nothing
    that is reported.
    """

    def __init__(self, *, on: bool) -> None:
        """Start at zero; ``on`` says whether the wrapper is installed at all."""
        self.count = 0
        self.listeners = 0
        self.on = on

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        """Count one statement, then run it."""
        self.count += 1
        frame = sys._getframe(1)
        while frame is not None:
            if any(name in frame.f_code.co_filename for name in LISTENERS):
                self.listeners += 1
                break
            frame = frame.f_back
        return execute(sql, params, many, context)


def _corpus(directory: Path) -> Iterator[bytes]:
    for path in sorted(directory.glob("*.eml")):
        yield path.read_bytes()


def _outcome(before_tickets: int, after_tickets: int, state: str) -> str:
    if state != "processed":
        return "other"
    return "new" if after_tickets > before_tickets else "reply"


def _live(directory: Path, to: str, group: int, counter: StatementCounter) -> dict[str, Any]:
    from ventanilla.intake import tasks
    from ventanilla.intake.ingest import ingest_raw
    from ventanilla.mail.models import InboundSource
    from ventanilla.tickets.models import Ticket

    per: dict[str, list[int]] = {"new": [], "reply": [], "other": []}
    apart: dict[str, list[int]] = {"new": [], "reply": [], "other": []}
    states: dict[str, int] = {}
    pending: list[int] = []
    for raw in _corpus(directory):
        tickets = Ticket.objects.count() if counter.on else 0
        before = counter.count  # the benchmark's own count above is not the message's
        before_listeners = counter.listeners
        result = ingest_raw(raw, source=InboundSource.SMTP, envelope_to=[to])
        pending.append(result.inbound.pk)
        if len(pending) < group:
            continue
        # What the worker runs for the task ingest_raw queued (call_local: no queue read).
        if group == 1:
            done = [tasks.process_inbound.call_local(pending[0])]
        else:
            done = tasks.process_inbound_many.call_local(pending)
        pending = []
        for state in done:
            states[state] = states.get(state, 0) + 1
        if counter.on and group == 1:
            spent = counter.count - before
            kind = _outcome(tickets, Ticket.objects.count(), done[0])
            per[kind].append(spent)
            apart[kind].append(counter.listeners - before_listeners)
    if pending:
        for state in tasks.process_inbound_many.call_local(pending):
            states[state] = states.get(state, 0) + 1
    return {"states": states, "per": per, "apart": apart}


def _import(directory: Path, to: str) -> dict[str, Any]:
    """``mail import`` in this process (for statement counts): the importer's own entry."""
    from ventanilla.imports import importer
    from ventanilla.imports.archive import archive_sources

    options = importer.ImportOptions(mailbox_address=to)
    counts = importer.import_sources(archive_sources([directory]), options=options)
    # The import writes a group of messages at a time (``imports/group.py``): its
    # statements belong to the group, so only the mean per message is meaningful.
    return {"counts": counts.as_dict(), "per": {}, "apart": {}, "messages": counts.messages}


def _mean(values: list[int]) -> float:
    return round(sum(values) / len(values), 2) if values else 0.0


def run(
    directory: Path, *, to: str, group: int, count_statements: bool, mode: str
) -> dict[str, Any]:
    """Deliver every message of ``directory`` through the live path; return the figures."""
    from django.db import connection

    counter = StatementCounter(on=count_statements)
    wrap: AbstractContextManager[Any] = (
        connection.execute_wrapper(counter) if count_statements else nullcontext()
    )
    started = time.perf_counter()
    with wrap:
        if mode == "import":
            figures = _import(directory, to)
        else:
            figures = _live(directory, to, group, counter)
    per, apart = figures.pop("per"), figures.pop("apart")
    messages = figures.pop("messages", 0)
    figures["seconds"] = round(time.perf_counter() - started, 3)
    if count_statements:
        figures["statements_total"] = counter.count
        figures["statements"] = {
            kind: {
                "messages": len(v),
                "per_message": _mean(v),
                "of_which_listeners": _mean(apart[kind]),
            }
            for kind, v in per.items()
        }
        if mode == "import":
            figures["statements"] = {
                "all": {
                    "messages": messages,
                    "per_message": round(counter.count / max(messages, 1), 2),
                    "of_which_listeners": round(counter.listeners / max(messages, 1), 2),
                }
            }
    return figures


def main() -> None:
    """Parse the arguments, set Django up, deliver, print one JSON line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", type=Path)
    p.add_argument("--to", required=True, help="the mailbox address (envelope recipient)")
    p.add_argument("--group", type=int, default=1, help="messages per worker batch")
    p.add_argument("--count-statements", action="store_true")
    p.add_argument("--mode", choices=["live", "import"], default="live")
    args = p.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventanilla.settings")
    import django

    django.setup()
    figures = run(
        args.corpus,
        to=args.to,
        group=args.group,
        count_statements=args.count_statements,
        mode=args.mode,
    )
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()
