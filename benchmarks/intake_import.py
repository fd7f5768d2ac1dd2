"""Import benchmark: migrating an old mailbox, ``ventanilla mail import`` on an mbox.

Builds (once, cached in ``benchmarks/out/``) an mbox of ``count`` messages: the corpus of
``../shared/tools/make_corpus.py`` (customers' mail, replies, auto-replies, bounces) with
an agent's reply from the support address after every fourth customer mail, as an old
support mailbox holds them. Then imports it in a child process on a freshly migrated
database (migration not timed) and reads the child's own peak RSS from ``os.wait4``.

The target is memory that does not grow with the archive: peak RSS at 50,000 messages
within 20 % of the peak at 5,000 (``ratio`` ≤ 1.2).

    .venv/bin/python benchmarks/intake_import.py                    # 5,000 and 50,000, SQLite
    .venv/bin/python benchmarks/intake_import.py --counts 500 2000 --db postgres

``run_import(count)`` is what ``benchmarks/intake.py`` calls.
"""

from __future__ import annotations

import argparse
import json
import mailbox
import re
import sys
import tempfile
import time
from datetime import timedelta
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import OUT, make_corpus, prepare, timed, ventanilla

REPLY_EVERY = 4  # an agent's reply after every fourth customer mail


def _unfold(value: object) -> str:
    return re.sub(r"\r?\n[ \t]*", " ", str(value or "")).strip()


def _agent_reply(original: bytes, support: str, n: int) -> bytes | None:
    """The agent's answer to a customer's new mail, or None for automatic mail."""
    headers = BytesHeaderParser().parsebytes(original)
    if headers.get("Auto-Submitted") or headers.get_content_type() == "multipart/report":
        return None
    message_id = _unfold(headers.get("Message-ID"))
    if not message_id or not headers.get("Date"):
        return None
    msg = EmailMessage()
    msg["From"] = f"Soporte <{support}>"
    msg["To"] = _unfold(headers.get("From"))
    msg["Subject"] = "Re: " + _unfold(headers.get("Subject"))
    date = parsedate_to_datetime(_unfold(headers["Date"]))
    msg["Date"] = format_datetime(date + timedelta(hours=2))
    msg["Message-ID"] = f"<agent-{n}@{support.rpartition('@')[2]}>"
    msg["In-Reply-To"] = message_id
    msg["References"] = message_id
    msg.set_content("Gracias por escribirnos: ya está resuelto.\n\n-- \nSoporte\n")
    return msg.as_bytes()


def make_mbox(count: int, seed: int = 1) -> tuple[Path, Path]:
    """Return an mbox of ``count`` messages (customers' and agents') and its source corpus."""
    target = OUT / f"import-{count}-s{seed}.mbox"
    # As many corpus mails as messages: agents' replies take the place of the last ones.
    corpus = make_corpus(count, "default", seed)
    support = json.loads((corpus / "_meta" / "summary.json").read_text())["args"]["to"]
    if target.exists():
        return target, corpus
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    box = mailbox.mbox(partial)
    written = 0
    for n, path in enumerate(sorted(corpus.glob("*.eml")), start=1):
        raw = path.read_bytes()
        box.add(raw)
        written += 1
        reply = _agent_reply(raw, support, n) if n % REPLY_EVERY == 0 else None
        if reply is not None and written < count:
            box.add(reply)
            written += 1
        if written >= count:
            break
    box.close()
    partial.rename(target)
    return target, corpus


def run_import(count: int, *, db: str = "sqlite", seed: int = 1) -> dict[str, Any]:
    """Import a ``count``-message mbox in a child process; rate and peak RSS of that child."""
    archive, corpus = make_mbox(count, seed)
    work = Path(tempfile.mkdtemp(prefix=f"import-{count}-", dir=OUT))
    env = prepare(db, work / "home", corpus)
    started = time.perf_counter()
    run = timed(
        ventanilla("mail", "import", str(archive), "--json", "--no-progress"),
        env,
        work / "import",
    )
    wall = time.perf_counter() - started
    summary = run.output
    return {
        "count": count,
        "db": db,
        "messages": summary.get("messages"),
        "wall_s": round(wall, 2),
        "rate_msgs_s": round(count / wall, 1),
        "peak_rss_mib": round(run.max_rss_mib, 1),
        "tickets_created": summary.get("tickets_created"),
        "agent_replies": summary.get("agent_replies"),
        "articles_added": summary.get("articles_added"),
        "ignored": summary.get("ignored"),
        "errors": summary.get("errors"),
        "archive_mib": round(archive.stat().st_size / 2**20, 1),
    }


def main() -> None:
    """Run the counts given (default 5,000 then 50,000) and print the memory ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    results = []
    for count in args.counts:
        result = run_import(count, db=args.db)
        results.append(result)
        print(json.dumps(result), flush=True)
    small, large = results[0], results[-1]
    ratio = large["peak_rss_mib"] / small["peak_rss_mib"]
    verdict = "OK" if ratio <= 1.2 else "OVER TARGET"
    print(
        f"peak RSS {large['count']}/{small['count']}: {large['peak_rss_mib']} / "
        f"{small['peak_rss_mib']} MiB = {ratio:.3f} (target <= 1.2: {verdict})"
    )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = OUT / f"intake-import-{stamp}.json"
    out.write_text(json.dumps({"results": results, "rss_ratio": round(ratio, 3)}, indent=2))


if __name__ == "__main__":
    main()
