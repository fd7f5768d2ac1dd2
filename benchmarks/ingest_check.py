"""Check an imported database against the corpus manifest (run by ``ingest.py --check``).

Runs inside a child process whose environment points at the benchmark's database, with
Django set up from ``ventanilla.settings``. Message-IDs in the manifest carry angle
brackets; ours are stored without them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

AUTOMATIC = {"autoreply", "bounce"}


def _mid(value: str | None) -> str:
    return (value or "").strip().strip("<>")


def _probe_found(probe: str, text: str) -> bool:
    # make_corpus writes "€" as "EUR" in ISO-8859-1 bodies (the charset has no euro sign)
    # while the manifest's probe keeps "€".
    return probe in text or probe.replace("€", "EUR") in text


def _load(corpus: Path) -> list[dict[str, Any]]:
    with (corpus / "_meta" / "manifest.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _articles() -> tuple[dict[str, int], dict[int, str], dict[str, str]]:
    """Message-ID → ticket id, ticket id → Message-ID of its first article, Message-ID → text."""
    from ventanilla.tickets.models import Article

    ticket_of: dict[str, int] = {}
    opener: dict[int, str] = {}
    text_of: dict[str, str] = {}
    rows = Article.objects.filter(direction="in").order_by("pk")
    for mid, ticket_id, text in rows.values_list("message_id", "ticket_id", "text").iterator():
        ticket_of.setdefault(mid, ticket_id)
        opener.setdefault(ticket_id, mid)
        text_of.setdefault(mid, text)
    return ticket_of, opener, text_of


def _threading(
    manifest: list[dict[str, Any]], ticket_of: dict[str, int], opener: dict[int, str]
) -> dict[str, int]:
    replies = [m for m in manifest if m["kind"] == "reply"]
    threaded = split = missing = 0
    for m in replies:
        ticket = ticket_of.get(_mid(m["message_id"]))
        if ticket is None:
            missing += 1
        elif ticket == ticket_of.get(_mid(m["thread"])):
            threaded += 1
        elif opener.get(ticket) == _mid(m["message_id"]):
            split += 1
    return {
        "replies": len(replies),
        "replies_threaded": threaded,
        "replies_opened_ticket": split,
        "replies_missing": missing,
    }


def _automatic(
    manifest: list[dict[str, Any]], ticket_of: dict[str, int], opener: dict[int, str]
) -> dict[str, int]:
    from ventanilla.mail.models import OutboundKind, OutboundMessage

    kinds = {_mid(m["message_id"]): m["kind"] for m in manifest}
    auto = [m for m in manifest if m["kind"] in AUTOMATIC]
    opened = sum(
        1
        for m in auto
        if opener.get(ticket_of.get(_mid(m["message_id"]), -1)) == _mid(m["message_id"])
    )
    acks = list(
        OutboundMessage.objects.filter(kind=OutboundKind.ACK).values_list("ticket_id", flat=True)
    )
    to_automatic = sum(1 for t in acks if kinds.get(opener.get(t or -1, ""), "") in AUTOMATIC)
    return {
        "automatic": len(auto),
        "automatic_opened_ticket": opened,
        "acks": len(acks),
        "acks_to_automatic": to_automatic,
    }


def run_check(corpus: Path) -> dict[str, Any]:
    """Return the correctness figures for the database the environment points at."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventanilla.settings")
    django.setup()
    from ventanilla.mail.models import InboundMessage
    from ventanilla.tickets.models import Ticket

    manifest = _load(corpus)
    ticket_of, opener, text_of = _articles()
    new = [m for m in manifest if m["kind"] == "new"]
    states: dict[str, int] = {}
    for state in InboundMessage.objects.values_list("state", flat=True).iterator():
        states[state] = states.get(state, 0) + 1
    probes = [m for m in manifest if m.get("probe") and _mid(m["message_id"]) in text_of]
    # The probe is a fragment of the new body text, accents included: it must survive decoding.
    lost = [
        m["file"] for m in probes if not _probe_found(m["probe"], text_of[_mid(m["message_id"])])
    ]
    return {
        "messages": len(manifest),
        "tickets": Ticket.objects.count(),
        "new_opened_ticket": sum(
            1
            for m in new
            if opener.get(ticket_of.get(_mid(m["message_id"]), -1)) == _mid(m["message_id"])
        ),
        "new": len(new),
        "inbound_states": states,
        "probes_found": len(probes) - len(lost),
        "probes_lost_files": lost[:20],
        "probes_checked": len(probes),
        **_threading(manifest, ticket_of, opener),
        **_automatic(manifest, ticket_of, opener),
    }
