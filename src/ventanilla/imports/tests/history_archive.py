"""A generated old support mailbox: customers' mail, agents' replies and follow-ups (es/en).

Used by the import tests (``test_import_history.py``) and the step's tests. Each thread is
described by `Thread` so tests assert against the data, not against hard-coded numbers.
Archive order is deliberately not always date order (a reply before its original).
"""

from __future__ import annotations

import mailbox as stdlib_mailbox
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

MAILBOX = "soporte@empresa.es"
BASE = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)


@dataclass
class Mail:
    """One message of the archive and what the import must make of it."""

    raw: bytes
    message_id: str
    date: datetime
    direction: str  # "in" | "out" | "" (ignored: automatic)


@dataclass
class Thread:
    """A conversation: its customer, subject and mails in date order."""

    customer: str
    subject: str
    mails: list[Mail] = field(default_factory=list)


def _mail(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    mid: str,
    date: datetime,
    parent: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = f"<{mid}>"
    if parent:
        msg["In-Reply-To"] = f"<{parent[-1]}>"
        msg["References"] = " ".join(f"<{p}>" for p in parent)
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg.as_bytes()


def _conversation(
    tag: str, *, customer: str, agent: str, start: datetime, english: bool, agent_first: bool
) -> Thread:
    """customer → agent → customer, or agent → customer → agent when ``agent_first``."""
    subject = f"Invoice {tag} is wrong" if english else f"La factura {tag} está mal"
    bodies = (
        ["The invoice shows the wrong amount, please fix it.\n", "We have corrected it.\n"]
        if english
        else ["La factura tiene un importe incorrecto, corríjanla.\n", "Ya está corregida.\n"]
    )
    people = (
        [(agent, "out"), (customer, "in")] if agent_first else [(customer, "in"), (agent, "out")]
    )
    thread = Thread(customer=customer.rsplit("<", 1)[-1].strip(">"), subject=subject)
    parents: list[str] = []
    for step in range(3):
        sender, direction = people[step % 2]
        other = people[(step + 1) % 2][0]
        mid = f"{tag}-{step}@{'empresa.es' if direction == 'out' else 'cliente.es'}"
        date = start + timedelta(hours=5 * step)
        raw = _mail(
            sender=sender,
            to=other if direction == "out" else MAILBOX,
            subject=("Re: " if step else "") + subject,
            body=bodies[step % 2] if not agent_first else bodies[(step + 1) % 2],
            mid=mid,
            date=date,
            parent=list(parents),
        )
        thread.mails.append(Mail(raw, mid, date, direction))
        parents.append(mid)
    return thread


def old_mailbox(count: int = 12) -> tuple[list[Thread], list[bytes]]:
    """Return ``count`` threads and the archive's messages in (slightly shuffled) order.

    Threads alternate Spanish/English and who starts them; agents write from the mailbox
    address, from an agent login (ana@empresa.es) or from the agents' domain. In every
    third thread the agent's reply is stored before the mail it answers. The old tool's
    automatic acknowledgement (Auto-Submitted, from the mailbox) is in the archive too.
    """
    agents = [
        "Soporte <soporte@empresa.es>",
        "Ana Gil <ana@empresa.es>",
        "Pedro <pedro@empresa.es>",
    ]
    threads: list[Thread] = []
    archive: list[bytes] = []
    for n in range(count):
        thread = _conversation(
            f"t{n}",
            customer=f"Cliente {n} <cliente{n}@cliente.es>",
            agent=agents[n % 3],
            start=BASE + timedelta(days=n),
            english=n % 2 == 1,
            agent_first=n % 4 == 3,
        )
        threads.append(thread)
        raws = [m.raw for m in thread.mails]
        if n % 3 == 2:
            raws[0], raws[1] = raws[1], raws[0]  # the reply precedes its original
        archive.extend(raws)
    first = threads[0].mails[0]
    auto = _mail(
        sender=MAILBOX,
        to="cliente0@cliente.es",
        subject="Hemos recibido su mensaje",
        body="Le responderemos pronto.\n",
        mid="old-ack-0@empresa.es",
        date=first.date + timedelta(minutes=1),
        parent=[first.message_id],
        headers={"Auto-Submitted": "auto-replied"},
    )
    archive.insert(1, auto)
    return threads, archive


def write_mbox(path: Path, messages: list[bytes]) -> Path:
    """Write ``messages`` to an mbox file with the standard library (``From `` quoting)."""
    box = stdlib_mailbox.mbox(path)
    for raw in messages:
        box.add(raw)
    box.close()
    return path


def write_maildir(path: Path, messages: list[bytes]) -> Path:
    """Write ``messages`` to a Maildir, file names in archive order (delivery time first)."""
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    for index, raw in enumerate(messages):
        (path / "cur" / f"{1700000000 + index}.M{index}P1.host:2,S").write_bytes(raw)
    return path
