"""IMAP intake benchmark: messages/s fetched from Dovecot and stored.

A private Dovecot (``tests/servers/dovecot.py``) gets ``count`` realistic messages from
``make_corpus.py``, written straight into the user's Maildir (much faster than LMTP) and
indexed by Dovecot before the clock starts. Then a child process (fresh ``VENTANILLA_HOME``,
freshly migrated database, neither timed) polls the account with the real poller until the
folder is drained, and reports the wall time of the polls alone.

What is measured is **the edge**: UID SEARCH, FETCH ``BODY.PEEK[]`` in chunks, ``ingest_raw``
(durable INSERT + COMMIT per message; SQLite ``synchronous=FULL``), the processing task
queued on commit (huey, not run: no consumer), ``\\Seen`` flags and checkpoints. Processing
into tickets is measured by ``benchmarks/ingest.py``.

    .venv/bin/python benchmarks/intake_imap.py --count 10000
    .venv/bin/python benchmarks/intake_imap.py --count 1000 --db postgres

``run_imap(count) -> dict`` is the entry point for ``benchmarks/intake.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
TOOLS = Path(os.environ.get("VENTANILLA_BENCH_TOOLS", ROOT.parent / "shared" / "tools"))
PG_URL = os.environ.get(
    "VENTANILLA_BENCH_IMAP_PG_URL", "postgres://postgres@127.0.0.1:5432/ventanilla_ha_bench"
)
MAILBOX = "soporte@empresa.es"


def corpus(count: int, seed: int = 1) -> list[Path]:
    """Return the .eml files of a ``make_corpus.py`` corpus (generated once, then reused)."""
    folder = OUT / f"corpus-{count}-s{seed}-default"
    if not (folder / "_meta" / "summary.json").exists():
        subprocess.run(
            [sys.executable, str(TOOLS / "make_corpus.py"), "--count", str(count),
             "--seed", str(seed), "--out", str(folder)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return sorted(folder.glob("*.eml"))


def load_maildir(dovecot: Any, user: Any, files: list[Path]) -> float:
    """Write ``files`` into the user's Maildir ``new/`` and let Dovecot index them; seconds."""
    from tests.servers.dovecot import MAIL_UID

    with dovecot.imap(user):  # the first login creates the Maildir, owned by MAIL_UID
        pass
    new = dovecot.maildir(user) / "new"
    for n, path in enumerate(files):
        target = new / f"{1_700_000_000 + n}.M{n}P1.bench"
        target.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))
        os.chown(target, MAIL_UID, MAIL_UID)
    started = time.monotonic()
    with dovecot.imap(user) as client:  # SELECT indexes new/ (and moves it to cur/)
        exists = client.folder_status("INBOX", ["MESSAGES"])[b"MESSAGES"]
    if exists != len(files):
        raise RuntimeError(f"Dovecot shows {exists} messages, {len(files)} written")
    return time.monotonic() - started


def _prepare_database(env: dict[str, str], db: str) -> None:
    if db == "postgres":
        from urllib.parse import urlparse

        import psycopg

        url = urlparse(PG_URL)
        admin = PG_URL.replace(url.path, "/postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.path[1:]}"')
            conn.execute(f'CREATE DATABASE "{url.path[1:]}"')
        env["VENTANILLA_DATABASE_URL"] = PG_URL
    subprocess.run([sys.executable, "-m", "ventanilla.cli", "migrate", "-v0"], env=env, check=True)


def run_imap(count: int, *, db: str = "sqlite", batch_size: int = 500) -> dict[str, Any]:
    """Load ``count`` messages into a fresh Dovecot, poll them all, return the figures."""
    sys.path.insert(0, str(ROOT))
    from tests.servers.dovecot import Dovecot

    files = corpus(count)
    with Dovecot() as dovecot, tempfile.TemporaryDirectory(prefix="vt-bench-imap-") as home:
        user = dovecot.add_user()
        index_seconds = load_maildir(dovecot, user, files)
        env = {**os.environ, "VENTANILLA_HOME": home, "PYTHONPATH": str(ROOT / "src")}
        env.pop("VENTANILLA_HUEY_IMMEDIATE", None)  # queue processing, do not run it
        _prepare_database(env, db)
        child = subprocess.run(
            [sys.executable, __file__, "--child", "--port", str(dovecot.imap_port),
             "--user", user.address, "--password", user.password,
             "--batch-size", str(batch_size)],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        with dovecot.imap(user) as client:
            unseen = len(client.search("UNSEEN"))
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    result.update(
        count=count,
        db=db,
        batch_size=batch_size,
        corpus_bytes=sum(p.stat().st_size for p in files),
        dovecot_index_s=round(index_seconds, 3),
        unseen_left_on_server=unseen,
        rate_msgs_s=round(result["stored"] / result["wall_s"], 1),
    )
    return result


def _child(args: argparse.Namespace) -> None:
    """In the child: create the account, then time polls until the folder is drained."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventanilla.settings")
    import django

    django.setup()
    from ventanilla.intake.imap_loop import poll_accounts
    from ventanilla.mail.models import ImapAccount, InboundMessage
    from ventanilla.mail.services import mailbox_create

    box = mailbox_create(name="Soporte", address=MAILBOX, prefix="SOP")
    account = ImapAccount.objects.create(
        mailbox=box, name="bench", host="127.0.0.1", port=args.port, security="none",
        username=args.user, password=args.password, batch_size=args.batch_size,
    )  # fmt: skip
    polls = fetched = 0
    started = time.monotonic()
    while True:
        report = poll_accounts([account])
        if report.failed:
            raise SystemExit(f"poll failed: {report.failed}")
        result = report.polled[account.name]
        polls, fetched = polls + 1, fetched + result.fetched
        if not result.remaining:
            break
    wall = time.monotonic() - started
    stored = InboundMessage.objects.count()
    print(json.dumps({"wall_s": round(wall, 3), "polls": polls, "fetched": fetched,
                      "stored": stored}))  # fmt: skip


def main() -> None:
    """Parse arguments; run the benchmark (or, with ``--child``, the timed part)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--user", help=argparse.SUPPRESS)
    parser.add_argument("--password", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    result = run_imap(args.count, db=args.db, batch_size=args.batch_size)
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"intake-imap-{args.count}-{args.db}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(f"IMAP intake: {result['rate_msgs_s']} msgs/s fetched and stored durably ({out})")


if __name__ == "__main__":
    main()
