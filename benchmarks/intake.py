"""Intake benchmark: SMTP edge vs a bare fsync sink; front door for IMAP and import.

``--part smtp`` (benchmark a): N concurrent SMTP clients (default 20), each sending M messages
(default 50) over one session, first to a bare aiosmtpd sink that only writes each message
to its own file with fsync and answers 250, then to our real listener
(``start_smtp_listener``) in the same run. What is measured for ours is the edge's accept
rate *with durable storage*: ``250`` only after ``ingest_raw`` committed the row (SQLite WAL
``synchronous=FULL``, or PostgreSQL) and enqueued its processing task in the real SqliteHuey
queue (huey not immediate, no worker running: processing is not part of the figure).
Each database is measured in a child process with its own fresh ``VENTANILLA_HOME`` (and a
scratch PostgreSQL database, dropped afterwards). Target: ours >= 50% of the sink's rate.

``--part imap`` / ``--part import`` call ``benchmarks/intake_imap.py`` ``run_imap(count)``
and ``benchmarks/intake_import.py`` ``run_import(count)`` when those files are present.

    .venv/bin/python benchmarks/intake.py --part smtp --db both
    .venv/bin/python benchmarks/intake.py --part all --imap-count 10000 --import-count 50000
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import secrets
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get(
    "VENTANILLA_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/ventanilla_bench"
)
MAILBOX = "soporte@empresa.es"


def message(client: int, n: int) -> bytes:
    """Return one realistic ~1.5 KB customer mail; unique bytes (no sha256 dedup shortcut)."""
    body = "Hola,\r\n\r\nDesde esta mañana no puedo acceder a la intranet. " * 12
    return (
        f"From: Cliente {client} <cliente{client}@empresa{client}.es>\r\n"
        f"To: {MAILBOX}\r\nSubject: Consulta {client}-{n}\r\n"
        f"Message-ID: <bench-{client}-{n}-{secrets.token_hex(4)}@cliente.es>\r\n"
        "Date: Tue, 24 Nov 2026 09:30:00 +0000\r\nMIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
        f"{body}\r\nGracias,\r\nCliente {client}\r\n"
    ).encode()


def blast(port: int, clients: int, messages: int) -> float:
    """Send ``clients`` x ``messages`` concurrently (one session each); return msgs/s."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
                barrier.wait()
                for n in range(messages):
                    smtp.sendmail(f"cliente{index}@empresa{index}.es", [MAILBOX], message(index, n))
        except BaseException as exc:  # reported below: a refused message spoils the figure
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} client(s) failed, first: {errors[0]!r}")
    return clients * messages / elapsed


class FsyncSink:
    """The bare reference: write each message to its own file, fsync, then answer 250."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def _write(self, name: str, data: bytes) -> None:
        with open(self.folder / name, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Store the bytes durably (in a thread, so sessions overlap like ours do)."""
        self.count += 1
        await asyncio.to_thread(self._write, f"{self.count:08d}.eml", envelope.original_content)
        return "250 OK"


def run_sink(clients: int, messages: int) -> float:
    """Measure the bare sink; return msgs/s."""
    from aiosmtpd.controller import Controller

    with tempfile.TemporaryDirectory(prefix="vt-sink-") as folder:
        sink = FsyncSink(Path(folder))
        controller = Controller(sink, hostname="127.0.0.1", port=_free_port(), decode_data=False)
        controller.start()
        try:
            return blast(controller.port, clients, messages)
        finally:
            controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_smtp(clients: int, messages: int, db_threads: int) -> dict[str, Any]:
    """In a fresh home: migrate, create the mailbox, measure the sink, then our listener."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventanilla.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from ventanilla.intake.smtp import start_smtp_listener
    from ventanilla.mail.models import InboundMessage
    from ventanilla.mail.services import mailbox_create

    call_command("migrate", verbosity=0)
    mailbox_create(name="Soporte", address=MAILBOX, prefix="SOP")
    sink_rate = run_sink(clients, messages)
    # The clients stand for many senders but all connect from 127.0.0.1: no per-address cap.
    listener = start_smtp_listener(
        "127.0.0.1", _free_port(), db_threads=db_threads, max_per_address=0
    )
    try:
        ours_rate = blast(listener.port, clients, messages)
    finally:
        listener.stop()
    stored = InboundMessage.objects.count()
    if stored != clients * messages:
        raise RuntimeError(f"stored {stored} rows for {clients * messages} messages")
    return {"sink_rate": sink_rate, "ours_rate": ours_rate, "ratio": ours_rate / sink_rate}


def measure_smtp(db: str, clients: int, messages: int, db_threads: int) -> dict[str, Any]:
    """Run ``child_smtp`` in a child process with a fresh home (and scratch PG database)."""
    home = tempfile.mkdtemp(prefix="vt-bench-smtp-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    env.update(VENTANILLA_HOME=home, VENTANILLA_LOG_LEVEL="WARNING")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    scratch = ""
    if db == "postgres":
        scratch = f"ventanilla_intake_{secrets.token_hex(4)}"
        _pg(f'CREATE DATABASE "{scratch}"')
        env["VENTANILLA_DATABASE_URL"] = urlparse(PG_URL)._replace(path=f"/{scratch}").geturl()
    try:
        args = [sys.executable, __file__, "--child", f"--clients={clients}"]
        args += [f"--messages={messages}", f"--db-threads={db_threads}"]
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"child failed:\n{done.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if scratch:
            _pg(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return {"part": "smtp", "db": db, "clients": clients, "messages": messages, **result}


def _pg(statement: str) -> None:
    import psycopg

    admin = urlparse(PG_URL)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def _other_part(module: str, function: str, count: int, db: str) -> dict[str, Any] | None:
    """Call another helper's benchmark when its file exists; None (and a note) otherwise."""
    if not (ROOT / "benchmarks" / f"{module}.py").exists():
        print(f"{module}.py is not there yet: skipped", file=sys.stderr)
        return None
    sys.path.insert(0, str(ROOT / "benchmarks"))
    result: dict[str, Any] = getattr(importlib.import_module(module), function)(count, db=db)
    return result


def main() -> None:
    """Parse arguments and run the parts asked for; print one JSON line per result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["smtp", "imap", "import", "all"], default="smtp")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--db-threads", type=int, default=4)
    parser.add_argument("--imap-count", type=int, default=10_000)
    parser.add_argument("--import-count", type=int, default=50_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_smtp(args.clients, args.messages, args.db_threads)))
        return
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for db in dbs:
        if args.part in ("smtp", "all"):
            r = measure_smtp(db, args.clients, args.messages, args.db_threads)
            print(
                f"smtp {db}: {args.clients} clients x {args.messages} msgs: bare fsync sink "
                f"{r['sink_rate']:.0f} msg/s, ours (durable) {r['ours_rate']:.0f} msg/s, "
                f"ratio {r['ratio']:.0%} (target >= 50%)"
            )
            print(json.dumps(r))
        if args.part in ("imap", "all"):
            print(json.dumps(_other_part("intake_imap", "run_imap", args.imap_count, db)))
        if args.part in ("import", "all"):
            print(json.dumps(_other_part("intake_import", "run_import", args.import_count, db)))


if __name__ == "__main__":
    main()
