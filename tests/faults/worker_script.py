"""The other side of the worker-kill test: run as a separate process in a scratch home.

``python -m tests.faults.worker_script load --phase a --seed 7 --count 1000`` stores that
phase's messages with ``ingest_raw(process=False)`` and enqueues one ``process_inbound`` task
each in the real (SqliteHuey) queue; ``sweep`` enqueues the periodic sweep once; ``report``
prints, as JSON, what became of every message of the corpus (keyed by the sha256 of its
bytes). The corpus is rebuilt from the seed each time, so nothing but the seed is shared.

Two phases, because a reply can only join its parent's ticket once the parent is processed:
phase ``a`` holds new requests (some with Cc) and auto-replies to nothing we know; phase
``b`` holds replies to phase-a mail, auto-replies to it, and resent copies of it (same
Message-ID, an extra Received line: other bytes, so the sha256 door lets them in and the
deduplicate step must catch them).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
from collections import Counter
from email import policy
from email.parser import BytesParser

from conftest import build_mail

MAILBOX = "soporte@empresa.es"
SUBJECTS = [
    "No puedo acceder a la intranet",
    "Factura duplicada en noviembre",
    "Cannot reset my password",
    "Error al exportar el informe",
    "Printer on floor 3 is offline",
    "Solicitud de alta de usuario",
    "VPN disconnects every hour",
    "Cambio de dirección de envío",
]
BODIES = [
    "Hola,\n\nDesde esta mañana no funciona y necesito ayuda, por favor.\n\nGracias.\n",
    "Hello,\n\nThis has been failing since yesterday. Could you have a look?\n\nThanks.\n",
    "Buenas tardes,\n\nAdjunto más detalles en cuanto pueda. Es bastante urgente.\n\nUn saludo.\n",
]


def corpus(seed: int, count: int) -> list[dict[str, str]]:
    """Return the messages in load order: dicts with phase, kind, key (sha256), parent, raw."""
    rng = random.Random(seed)
    first = int(count * 0.65)
    items: list[dict[str, str]] = []
    for i in range(first):
        k = rng.randrange(200)
        sender = f"Cliente {k} <cliente{k}@empresa{k % 40}.es>"
        roll = rng.random()
        kind = "new" if roll < 0.85 else "cc" if roll < 0.93 else "auto_unknown"
        mid = f"<a{i}.{seed}@empresa{k % 40}.es>"
        subject = f"{rng.choice(SUBJECTS)} ({i})"
        headers = {}
        cc = f"Colega {k} <colega{k}@empresa{k % 40}.es>" if kind == "cc" else None
        in_reply_to = None
        if kind == "auto_unknown":
            headers = {"Auto-Submitted": "auto-replied"}
            subject = f"Fuera de la oficina: {subject}"
            in_reply_to = f"<unknown{i}@elsewhere.example>"
        raw = build_mail(
            sender=sender,
            subject=subject,
            body=rng.choice(BODIES),
            cc=cc,
            message_id=mid,
            in_reply_to=in_reply_to,
            headers=headers,
        )
        items.append(_item("a", kind, raw, "", sender=sender, subject=subject, mid=mid))
    parents = [m for m in items if m["kind"] in ("new", "cc")]
    for i in range(count - first):
        parent = rng.choice(parents)
        roll = rng.random()
        kind = "reply" if roll < 0.7 else "auto_known" if roll < 0.85 else "resent"
        items.append(_phase_b(kind, parent, i, seed, rng))
    return items


def _phase_b(
    kind: str, parent: dict[str, str], i: int, seed: int, rng: random.Random
) -> dict[str, str]:
    mid = f"<b{i}.{seed}@respuestas.example>"
    if kind == "resent":
        # The same mail handed over again by a retrying MTA: one more Received line.
        raw = f"Received: from mx2.example (id {i}) by mx.empresa.es; Tue, 24 Nov 2026\n".encode()
        return _item("b", kind, raw + parent["raw"].encode("latin-1"), parent["key"])
    headers = {"Auto-Submitted": "auto-replied"} if kind == "auto_known" else {}
    prefix = "Respuesta automática: " if kind == "auto_known" else "Re: "
    raw = build_mail(
        sender=parent["sender"],
        subject=prefix + parent["subject"],
        body=rng.choice(BODIES) + "\n> mensaje anterior\n",
        message_id=mid,
        in_reply_to=parent["mid"],
        references=parent["mid"],
        headers=headers,
    )
    return _item("b", kind, raw, parent["key"])


def _item(phase: str, kind: str, raw: bytes, parent: str, **extra: str) -> dict[str, str]:
    key = hashlib.sha256(raw).hexdigest()
    return {
        "phase": phase,
        "kind": kind,
        "key": key,
        "parent": parent,
        **extra,
        "raw": raw.decode("latin-1"),
    }


def load(seed: int, count: int, phase: str) -> None:
    """Store this phase's messages durably, then enqueue one processing task each."""
    from ventanilla.intake.ingest import ingest_raw
    from ventanilla.intake.tasks import process_inbound
    from ventanilla.mail.models import Mailbox
    from ventanilla.mail.services import mailbox_create

    if not Mailbox.objects.exists():
        mailbox_create(name="Soporte", address=MAILBOX, prefix="SOP")
    ids = []
    for item in corpus(seed, count):
        if item["phase"] == phase:
            raw = item["raw"].encode("latin-1")
            result = ingest_raw(raw, source="smtp", envelope_to=[MAILBOX], process=False)
            ids.append(result.inbound.pk)
    for inbound_id in ids:
        process_inbound(inbound_id)  # not immediate here: one row in the huey queue each
    print(len(ids))


def sweep() -> None:
    """Enqueue the periodic sweep once, for the worker to run."""
    from ventanilla.intake.tasks import inbound_sweep

    inbound_sweep()


def report(seed: int, count: int) -> None:
    """Print what happened to every corpus message, and the tickets and acks, as JSON."""
    from django.db.models import Count

    from ventanilla.mail.models import InboundMessage, OutboundMessage
    from ventanilla.tickets.models import Article, Ticket

    rows = {r.sha256: r for r in InboundMessage.objects.all()}
    articles = Counter(
        Article.objects.filter(inbound__isnull=False).values_list("inbound_id", flat=True)
    )
    messages = {}
    for item in corpus(seed, count):
        row = rows.get(item["key"])
        messages[item["key"]] = {
            "kind": item["kind"],
            "parent": item["parent"],
            "stored": row is not None,
            "state": row.state if row else "",
            "ticket": row.ticket_id if row else None,
            "articles": articles[row.pk] if row else 0,
            "error": row.error[:300] if row else "",
        }
    acks = OutboundMessage.objects.filter(kind="ack").values("ticket_id").annotate(n=Count("pk"))
    out = {
        "messages": messages,
        "rows": len(rows),
        # Rows the sweep had to pick up: their task died with a killed worker.
        "swept": sum(1 for r in rows.values() if r.attempts > 0),
        "tickets": Ticket.objects.count(),
        "acks_per_ticket": {str(a["ticket_id"]): a["n"] for a in acks},
        "acks_in_reply_to": [
            BytesParser(policy=policy.default).parsebytes(bytes(raw), headersonly=True)[
                "In-Reply-To"
            ]
            for raw in OutboundMessage.objects.filter(kind="ack").values_list("raw", flat=True)
        ],
    }
    json.dump(out, sys.stdout)


def main() -> None:
    """Parse the command line and run one of load, sweep, report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["load", "sweep", "report"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--phase", choices=["a", "b"], default="a")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventanilla.settings")
    import django

    django.setup()
    if args.action == "load":
        load(args.seed, args.count, args.phase)
    elif args.action == "sweep":
        sweep()
    else:
        report(args.seed, args.count)


if __name__ == "__main__":
    main()
