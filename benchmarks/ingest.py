"""Ingestion benchmark: ``mail import`` and the live path against the stdlib + SQLite floor.

For each corpus variant and database, alternately runs, each as a whole child process in a
fresh ``VENTANILLA_HOME`` with a freshly migrated database (migration and mailbox creation
are not timed):
  A: ``ventanilla mail import DIR --json`` as a user runs it (history: no acknowledgements);
  B: ``../shared/tools/limit_ingest.py --src DIR --db X --batch 1``, the floor (SQLite only:
     PostgreSQL runs are compared against the same floor);
  L: the live path (``ingest_live.py``): per message ``intake.ingest_raw`` as the SMTP edge
     calls it, then the worker's ``process_inbound`` task: live pipeline, triage, SLA clock,
     routing, acknowledgement rendered and queued in the outbox (never sent);
  B again,
so each of our runs has its own floor run next to it (A/B and L/B pairs). Each child is
timed from outside: wall, user+sys CPU and peak RSS of that child alone (``os.wait4``);
the ratios ours/floor are per pair, wall and CPU (the CPU ratio is the steadier one on a
shared machine), and their median is reported. Then, untimed, one more run of each path in
process counts the SQL statements per message (new ticket / reply), and the database is
checked against the corpus manifest: replies on their thread's ticket, no ticket and no
acknowledgement for auto-replies and bounces.

    .venv/bin/python benchmarks/ingest.py --count 1000 --db both --runs 3 --variant all
    .venv/bin/python benchmarks/ingest.py --count 1000 --db sqlite --runs 1 --profile

Results: a table on stdout and ``benchmarks/out/ingest-<count>-<time>.json``. See README.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
TOOLS = Path(os.environ.get("VENTANILLA_BENCH_TOOLS", ROOT.parent / "shared" / "tools"))
PG_URL = os.environ.get(
    "VENTANILLA_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/ventanilla_bench"
)
VARIANTS = {"default": [], "replies-to-notifications": ["--replies-to-notifications"]}


@dataclass
class Run:
    """One timed child process."""

    wall: float
    cpu: float
    max_rss_mib: float
    output: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    """Every run of one path (``import`` or ``live``) of one variant on one database."""

    path: str
    variant: str
    db: str
    count: int
    ours: list[Run] = field(default_factory=list)
    limit: list[Run] = field(default_factory=list)
    statements: dict[str, Any] = field(default_factory=dict)
    check: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """Medians (and ranges) of wall, CPU, rate, RSS and the paired ratios ours/floor."""
        pairs = list(zip(self.ours, self.limit, strict=True))
        return {
            "path": self.path,
            "variant": self.variant,
            "db": self.db,
            "count": self.count,
            "runs": len(self.ours),
            "ours_wall_s": _stat([r.wall for r in self.ours]),
            "ours_cpu_s": _stat([r.cpu for r in self.ours]),
            "ours_rate": _stat([self.count / r.wall for r in self.ours]),
            "ours_max_rss_mib": max(r.max_rss_mib for r in self.ours),
            "limit_wall_s": _stat([r.wall for r in self.limit]),
            "limit_cpu_s": _stat([r.cpu for r in self.limit]),
            "limit_rate": _stat([self.count / r.wall for r in self.limit]),
            "limit_max_rss_mib": max(r.max_rss_mib for r in self.limit),
            "ratio_wall": _stat([a.wall / b.wall for a, b in pairs]),
            "ratio_cpu": _stat([a.cpu / b.cpu for a, b in pairs]),
            "statements": self.statements,
            "output": self.ours[-1].output,
            "check": self.check,
        }


def _stat(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 4),
        "min": round(min(values), 4),
        "max": round(max(values), 4),
    }


def timed(cmd: list[str], env: dict[str, str], log: Path) -> Run:
    """Run ``cmd`` to completion; wall time, CPU and peak RSS of this child alone."""
    with log.with_suffix(".out").open("wb") as out, log.with_suffix(".err").open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        # wait4 returns the rusage of exactly this child (getrusage(RUSAGE_CHILDREN) would
        # mix in every earlier child, and its ru_maxrss is a maximum, not a sum).
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.with_suffix(".err").read_text(errors="replace")[-3000:]
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{tail}")
    text = log.with_suffix(".out").read_text(errors="replace").strip()
    last = text.splitlines()[-1] if text else "{}"
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, json.loads(last))


def make_corpus(count: int, variant: str, seed: int) -> Path:
    """Generate (once, cached in benchmarks/out/) the corpus for ``count`` and ``variant``."""
    target = OUT / f"corpus-{count}-s{seed}-{variant}"
    summary = target / "_meta" / "summary.json"
    if summary.exists() and json.loads(summary.read_text())["count"] == count:
        return target
    cmd = [sys.executable, str(TOOLS / "make_corpus.py"), "--count", str(count)]
    cmd += ["--seed", str(seed), "--out", str(target), "--force", *VARIANTS[variant]]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return target


def _pg_admin(url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = urlunparse(parsed._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def fresh_env(db: str, home: Path) -> dict[str, str]:
    """Environment for our process: a new data directory and an empty database."""
    env = {**os.environ, "VENTANILLA_HOME": str(home)}
    for name in ("DJANGO_SETTINGS_MODULE", "VENTANILLA_HUEY_IMMEDIATE", "VENTANILLA_REDIS_URL"):
        env.pop(name, None)
    env["PYTHONPATH"] = str(ROOT / "src")
    if db == "postgres":
        _pg_admin(PG_URL, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        _pg_admin(PG_URL, "CREATE DATABASE {}")
        env["VENTANILLA_DATABASE_URL"] = PG_URL
    else:
        env["VENTANILLA_DATABASE_URL"] = f"sqlite:///{home / 'ventanilla.sqlite3'}"
    return env


def ventanilla(*args: str) -> list[str]:
    """The ``ventanilla`` console script beside this interpreter (as a user runs it)."""
    script = Path(sys.executable).with_name("ventanilla")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "ventanilla.cli", *args]


def prepare(db: str, home: Path, corpus: Path) -> dict[str, str]:
    """Migrate a fresh database and create the mailbox for the corpus ``To:`` address."""
    env = fresh_env(db, home)
    subprocess.run(ventanilla("migrate", "-v0"), env=env, check=True)
    to = json.loads((corpus / "_meta" / "summary.json").read_text())["args"]["to"]
    code = (
        "from ventanilla.mail.services import mailbox_create; "
        f"mailbox_create(name='Soporte', address={to!r}, prefix='SOP')"
    )
    subprocess.run(ventanilla("shell", "--no-imports", "-c", code), env=env, check=True)
    return env


def _mailbox(corpus: Path) -> str:
    return str(json.loads((corpus / "_meta" / "summary.json").read_text())["args"]["to"])


def ours_cmd(path: str, corpus: Path, *extra: str) -> list[str]:
    """Our command for ``path``: ``mail import`` as a user runs it, or the live driver."""
    if path == "import":
        return ventanilla("mail", "import", str(corpus), "--json", "--no-progress")
    driver = str(Path(__file__).resolve().with_name("ingest_live.py"))
    return [sys.executable, driver, str(corpus), "--to", _mailbox(corpus), *extra]


def run_pair(
    path: str, db: str, corpus: Path, work: Path, index: int
) -> tuple[Run, Run, dict[str, str]]:
    """One pair: ours (fresh home and database), then the floor."""
    home = Path(tempfile.mkdtemp(prefix=f"home-{db}-", dir=work))
    env = prepare(db, home, corpus)
    ours = timed(ours_cmd(path, corpus), env, work / f"{path}-{db}-{index}")
    limit_cmd = [sys.executable, str(TOOLS / "limit_ingest.py"), "--src", str(corpus)]
    limit_cmd += ["--db", str(work / "limit.sqlite3"), "--batch", "1"]
    limit = timed(limit_cmd, dict(os.environ), work / f"limit-{path}-{index}")
    return ours, limit, env


def check(corpus: Path, env: dict[str, str]) -> dict[str, Any]:
    """Compare the last run's database with the manifest (in a child with Django set up)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--check", str(corpus)]
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def count_statements(path: str, db: str, corpus: Path, work: Path) -> dict[str, Any]:
    """One untimed run of ``path`` in process, counting SQL statements per message."""
    env = prepare(db, Path(tempfile.mkdtemp(prefix=f"count-{db}-", dir=work)), corpus)
    cmd = ours_cmd("live", corpus, "--count-statements", "--mode", path)
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return {"total": figures["statements_total"], **figures["statements"]}


def bench(variant: str, db: str, args: argparse.Namespace, work: Path) -> list[Result]:
    """All runs of one variant on one database: import and live pairs, alternating."""
    corpus = make_corpus(args.count, variant, args.seed)
    results = {path: Result(path, variant, db, args.count) for path in args.paths}
    envs: dict[str, dict[str, str]] = {}
    for index in range(args.runs):
        for path, result in results.items():
            ours, limit, envs[path] = run_pair(path, db, corpus, work, index)
            result.ours.append(ours)
            result.limit.append(limit)
            print(
                f"  {path} {variant} {db} run {index + 1}: ours {ours.wall:.2f} s "
                f"({ours.cpu:.2f} CPU), floor {limit.wall:.2f} s ({limit.cpu:.2f} CPU)",
                file=sys.stderr,
            )
    for path, result in results.items():
        result.check = check(corpus, envs[path])
        if not args.no_count:
            result.statements = count_statements(path, db, corpus, work)
    return list(results.values())


def profile(args: argparse.Namespace, work: Path) -> str:
    """cProfile of one SQLite import of the default corpus: the top 20 by cumulative time."""
    import pstats

    corpus = make_corpus(args.count, "default", args.seed)
    env = prepare("sqlite", work / "profile", corpus)
    stats_file = work / "import.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "ventanilla.cli"]
    subprocess.run(
        [*cmd, "mail", "import", str(corpus), "--json", "--no-progress"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    buffer = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=buffer)
    # Our own functions by cumulative time (where the pipeline spends it), then every
    # function by own time (what is hot underneath: parsing, SQL, templates...).
    stats.sort_stats("cumulative").print_stats(
        r"src/ventanilla/(intake|imports|pipeline|parse|tickets|customers|outbound)/", 20
    )
    stats.sort_stats("tottime").print_stats(20)
    return buffer.getvalue()


def table(results: list[Result]) -> str:
    """A plain-text table of the medians."""
    head = (
        f"{'path':<7}{'variant':<13}{'db':<9}{'n':>6}{'ours s':>8}{'CPU s':>7}{'RSS':>6}"
        f"{'floor s':>8}{'CPU s':>7}{'wall x':>7}{'CPU x':>7}{'st/new':>7}{'st/re':>6}"
        f"{'threaded':>11}{'auto acks':>10}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        s = r.summary()
        c = r.check
        st = r.statements
        every = st.get("all", {}).get("per_message", float("nan"))
        new = st.get("new", {}).get("per_message", every)
        reply = st.get("reply", {}).get("per_message", every)
        lines.append(
            f"{r.path:<7}{r.variant[:12]:<13}{r.db:<9}{r.count:>6}"
            f"{s['ours_wall_s']['median']:>8.2f}{s['ours_cpu_s']['median']:>7.2f}"
            f"{s['ours_max_rss_mib']:>6.0f}"
            f"{s['limit_wall_s']['median']:>8.2f}{s['limit_cpu_s']['median']:>7.2f}"
            f"{s['ratio_wall']['median']:>7.2f}{s['ratio_cpu']['median']:>7.2f}"
            f"{new:>7.1f}{reply:>6.1f}"
            f"{c['replies_threaded']:>5}/{c['replies']:<5}{c['acks_to_automatic']:>10}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=1000, help="messages (target stated on 10000)")
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    p.add_argument("--runs", type=int, default=3, help="A/B pairs per variant and database")
    p.add_argument("--variant", choices=[*VARIANTS, "all"], default="default")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--path", choices=["import", "live", "both"], default="both")
    p.add_argument("--no-count", action="store_true", help="skip the statement-count runs")
    p.add_argument("--profile", action="store_true", help="also print a cProfile top 20")
    p.add_argument("--check", type=Path, help=argparse.SUPPRESS)  # internal: see check()
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and write the table and the JSON summary."""
    args = parse_args(argv)
    args.paths = ["import", "live"] if args.path == "both" else [args.path]
    if args.check is not None:
        from ingest_check import run_check

        print(json.dumps(run_check(args.check)))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    variants = list(VARIANTS) if args.variant == "all" else [args.variant]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="ventanilla-bench-") as tmp:
        for variant in variants:
            for db in dbs:
                results.extend(bench(variant, db, args, Path(tmp)))
        report: dict[str, Any] = {
            "load": os.getloadavg(),
            "cpus": os.cpu_count(),
            "results": [r.summary() for r in results],
        }
        if args.profile:
            report["profile_top20"] = profile(args, Path(tmp))
    print(table(results))
    one, five, fifteen = os.getloadavg()
    print(f"load average at the end (1, 5, 15 min): {one:.2f} {five:.2f} {fifteen:.2f}")
    if args.profile:
        print(report["profile_top20"])
    target = OUT / f"ingest-{args.count}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    target.write_text(json.dumps(report, indent=2))
    print(f"\nJSON summary: {target}")


if __name__ == "__main__":
    main()
