"""Capacity benchmark: the full pipeline with 1, 2 and 3 worker hosts, and the web under load.

On one PostgreSQL database (``VENTANILLA_BENCH_CLUSTER_PG_URL``, recreated) with the queue in
it (``VENTANILLA_QUEUE=postgres``, as a cluster runs):

1. pipeline: one intake host (``ventanilla run --role intake``) and N worker hosts
   (``ventanilla run --role worker``, each its own node name: 2 worker threads), for N = 1,
   2, 3. 20 SMTP clients deliver M mails; the time runs until every mail is processed and its
   acknowledgement written. Reported: mails/s, the CPU seconds of our processes and of the
   PostgreSQL server per mail, and mails per CPU-second (per-core efficiency);
2. web: a web host (``ventanilla run --role web``: gunicorn) and 10, 50 and 100 concurrent
   agents (threads with a keep-alive connection and a signed-in session each) loading the
   inbox and a ticket page for D seconds while 20 SMTP clients deliver to an intake+worker
   host. Reported: p50/p95 per page and level.

Hosts are process trees on 127.0.0.1 with their own node names and data directories (the
network namespaces of ``tests/cluster`` add nothing to a CPU measurement on one machine).

    .venv/bin/python benchmarks/cluster.py --mails 2000 --web-seconds 20

Results: a table on stdout and ``benchmarks/out/cluster-<time>.json``. The machine's load
average is printed with each figure: on a shared machine the figures are lower bounds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PG_URL = os.environ.get(
    "VENTANILLA_BENCH_CLUSTER_PG_URL", "postgres://postgres@127.0.0.1:5432/ventanilla_bench_cluster"
)
SMTP_CLIENTS = 20
SECRET_KEY = secrets.token_urlsafe(50)
SETUP = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from ventanilla.agents.models import Role
from ventanilla.agents.services import agent_create
from ventanilla.mail.services import mailbox_create
mailbox_create(name="Soporte", address="soporte@empresa.es", prefix="SOP")
user = agent_create(username="super", email="super@empresa.es", password="x",
                    role=Role.SUPERVISOR)
keys = []
for _ in range(100):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "ventanilla.agents.login.RateLimitedModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    keys.append(s.session_key)
print(" ".join(keys))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(home: Path, node: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    home.mkdir(parents=True, exist_ok=True)
    return env | {
        "VENTANILLA_HOME": str(home),
        "VENTANILLA_DATABASE_URL": PG_URL,
        "VENTANILLA_QUEUE": "postgres",
        "VENTANILLA_NODE_NAME": node,
        "VENTANILLA_LOG_LEVEL": "WARNING",
        "VENTANILLA_WEB_ACCESS_LOG": "0",
        # One key for every host, as in a cluster: sessions and signed Message-IDs hold.
        "VENTANILLA_SECRET_KEY": SECRET_KEY,
        "VENTANILLA_SMTP_MAX_PER_ADDRESS": "0",  # all our clients come from 127.0.0.1
        "PYTHONPATH": str(ROOT / "src"),
    }


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "ventanilla.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{args[:2]} failed: {done.stderr[-2000:]}")
    return done.stdout


def _sql(query: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        return conn.execute(query).fetchall()  # type: ignore[arg-type]


def _recreate(tmp: Path) -> list[str]:
    """A fresh, migrated database with the mailbox and a supervisor's sessions."""
    import psycopg
    from psycopg import sql

    parsed = urllib.parse.urlparse(PG_URL)
    admin = parsed._replace(path="/postgres").geturl()
    name = parsed.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env = _env(tmp / "admin", "admin")
    _cli(env, "migrate", "--noinput", "-v0")
    return _cli(env, "shell", "-c", SETUP).split()


class Host:
    """``ventanilla run --role ROLES`` as a process tree of its own."""

    def __init__(self, tmp: Path, node: str, roles: str) -> None:
        self.node, self.roles = node, roles
        self.env = _env(tmp / node, node)
        self.smtp = _free_port()
        self.web = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start and wait for the listeners of its roles."""
        argv = [
            sys.executable,
            "-m",
            "ventanilla.cli",
            "run",
            "--role",
            self.roles,
            "--no-migrate",
            "--no-demo",
            "--smtp",
            f"127.0.0.1:{self.smtp}",
            "--web",
            f"127.0.0.1:{self.web}",
        ]
        log = (Path(self.env["VENTANILLA_HOME"]) / "run.log").open("ab")
        self.proc = subprocess.Popen(
            argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        ports = ([self.smtp] if "intake" in self.roles else []) + (
            [self.web] if "web" in self.roles else []
        )
        deadline = time.monotonic() + 120
        for port in ports:
            while True:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.node} did not start: see {log.name}")
                try:
                    socket.create_connection(("127.0.0.1", port), 1).close()
                    break
                except OSError:
                    time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM the tree's session; SIGKILL what is left after 20 s."""
        if self.proc is None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def cpu_seconds(self) -> float:
        """User + system CPU of every process of the tree (its session), so far."""
        assert self.proc is not None
        session = self.proc.pid
        return _cpu_of(lambda fields, _comm: int(fields[3]) == session)


def _cpu_of(select: Callable[[list[str], str], bool]) -> float:
    """CPU seconds (user + system) of the processes ``select(stat fields, name)`` picks."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw.rsplit(")", 1)[1].split()
        if select(fields, comm):
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _postgres_cpu() -> float:
    """CPU of the PostgreSQL server (other sessions' queries included), ended backends too.

    A backend's CPU leaves /proc when its connection closes; the postmaster reaps it, so its
    children's times (cutime, cstime) keep the account.
    """
    tick = os.sysconf("SC_CLK_TCK")
    reaped = 0
    for entry in os.listdir("/proc"):
        try:
            raw = Path(f"/proc/{entry}/stat").read_text() if entry.isdigit() else ""
        except OSError:
            continue
        if raw and raw[raw.index("(") + 1 : raw.rindex(")")] == "postgres":
            fields = raw.rsplit(")", 1)[1].split()
            if (
                fields[1] == "1"
                or Path(f"/proc/{fields[1]}/comm").read_text().strip() != "postgres"
            ):
                reaped += int(fields[13]) + int(fields[14])
    return _cpu_of(lambda fields, comm: comm.startswith("postgres")) + reaped / tick


def _mail(i: int, tag: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = f"Cliente {i} <cliente{i}.{tag}@c{i}.example>"
    mail["To"] = "soporte@empresa.es"
    mail["Subject"] = f"Pedido {i} sin entregar ({tag})"
    mail["Message-ID"] = f"<bench-{tag}-{i}@c{i}.example>"
    mail.set_content(f"Hola, el pedido {i} no ha llegado. ¿Podéis mirarlo?\n")
    return mail


def _deliver(port: int, count: int, tag: str, stop: threading.Event | None = None) -> int:
    """20 SMTP clients, 25 mails per session; returns how many got 250."""
    sent = [0] * SMTP_CLIENTS

    def client(c: int) -> None:
        todo = list(range(c, count, SMTP_CLIENTS))
        while todo and not (stop and stop.is_set()):
            batch, todo = todo[:25], todo[25:]
            with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
                for i in batch:
                    smtp.send_message(_mail(i, tag))
                    sent[c] += 1

    threads = [threading.Thread(target=client, args=(c,)) for c in range(SMTP_CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(sent)


def _done(tag: str) -> tuple[int, int]:
    ((processed, acks),) = _sql(
        "SELECT (SELECT count(*) FROM mail_inboundmessage WHERE state <> 'received'"
        f"   AND message_id LIKE '%bench-{tag}-%'),"
        " (SELECT count(*) FROM mail_outboundmessage WHERE state = 'queued')"
    )
    return int(processed), int(acks)


def pipeline(tmp: Path, workers: int, mails: int) -> dict[str, Any]:
    """M mails through one intake host and ``workers`` worker hosts."""
    hosts = [Host(tmp, f"w{workers}-intake", "intake")]
    hosts += [Host(tmp, f"w{workers}-worker{n}", "worker") for n in range(workers)]
    for host in hosts:
        host.start()
    tag = f"w{workers}"
    try:
        time.sleep(3)  # the workers' consumers are up
        load, cpu0, pg0, start = (
            os.getloadavg()[0],
            sum(h.cpu_seconds() for h in hosts),
            _postgres_cpu(),
            time.monotonic(),
        )
        accepted = _deliver(hosts[0].smtp, mails, tag)
        intake_s = time.monotonic() - start
        while _done(tag) != (accepted, 0):
            if time.monotonic() - start > 1800:
                raise RuntimeError(f"not done after 30 min: {_done(tag)}")
            time.sleep(0.5)
        wall = time.monotonic() - start
        ours = sum(h.cpu_seconds() for h in hosts) - cpu0
        worker_cpu = sum(h.cpu_seconds() for h in hosts[1:])
        pg = _postgres_cpu() - pg0
    finally:
        for host in hosts:
            host.stop()
    return {
        "worker_hosts": workers,
        "mails": accepted,
        "wall_s": round(wall, 1),
        "intake_mails_per_s": round(accepted / intake_s, 1),
        "mails_per_s": round(accepted / wall, 1),
        "our_cpu_ms_per_mail": round(ours * 1000 / accepted, 1),
        "postgres_cpu_ms_per_mail": round(pg * 1000 / accepted, 1),
        "mails_per_cpu_s": round(accepted / (ours + pg), 1),
        "cpu_busy_cores": round((ours + pg) / wall, 2),
        "worker_cpu_s": round(worker_cpu, 1),
        "load_at_start": round(load, 1),
        "load_at_end": round(os.getloadavg()[0], 1),
    }


def _agent(
    port: int,
    session: str,
    paths: list[str],
    stop: threading.Event,
    times: dict[str, list[float]],
    lock: threading.Lock,
    ready: threading.Barrier,
) -> None:
    headers = {"Cookie": f"sessionid={session}", "Host": "127.0.0.1"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(path: str) -> int:
        nonlocal conn
        for _attempt in range(2):
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                return response.status
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn closes an idle keep-alive connection: a browser reconnects too.
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        raise RuntimeError(f"{path}: the server closed the connection twice")

    for path in paths:  # untimed: gunicorn's workers load the app on their first requests
        get(path)
    ready.wait()
    n = 0
    while not stop.is_set():
        path = paths[n % len(paths)]
        n += 1
        start = time.perf_counter()
        status = get(path)
        elapsed = (time.perf_counter() - start) * 1000
        with lock:
            times[path if status == 200 else f"{path} HTTP {status}"].append(elapsed)


def web(tmp: Path, sessions: list[str], seconds: float, levels: list[int]) -> list[dict[str, Any]]:
    """Agents on the inbox and a ticket page while 20 SMTP clients deliver."""
    server = Host(tmp, "web", "web")
    backend = Host(tmp, "web-mail", "intake,worker")
    server.start()
    backend.start()
    ((number,),) = _sql("SELECT number FROM tickets_ticket ORDER BY id DESC LIMIT 1")
    paths = ["/inbox/open/", f"/t/{number}/"]
    rows = []
    try:
        for level in levels:
            times: dict[str, list[float]] = defaultdict(list)
            stop, lock = threading.Event(), threading.Lock()
            ready = threading.Barrier(level + 1)
            mail_stop = threading.Event()
            mailer = threading.Thread(
                target=_deliver, args=(backend.smtp, 10**6, f"web{level}", mail_stop)
            )
            mailer.start()
            agents = [
                threading.Thread(
                    target=_agent,
                    args=(server.web, sessions[a % 100], paths, stop, times, lock, ready),
                )
                for a in range(level)
            ]
            for a in agents:
                a.start()
            ready.wait()  # every agent has loaded both pages once: the clock starts
            load = os.getloadavg()[0]
            time.sleep(seconds)
            stop.set()
            for a in agents:
                a.join()
            mail_stop.set()
            mailer.join()
            failed = {p: len(v) for p, v in times.items() if " HTTP " in p}
            for path in paths:
                values = times[path]
                if not values:
                    raise RuntimeError(f"no answer from {path} with {level} agents")
                values.sort()
                rows.append(
                    {
                        "agents": level,
                        "page": "inbox" if "inbox" in path else "ticket",
                        "requests": len(values),
                        "p50_ms": round(statistics.median(values), 1),
                        "p95_ms": round(values[int(len(values) * 0.95) - 1], 1),
                        "per_s": round(len(values) / seconds, 1),
                        "not_200": sum(n for p, n in failed.items() if p.startswith(path)),
                        "load": round(load, 1),
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
    finally:
        server.stop()
        backend.stop()
    return rows


@contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ventanilla-cluster-bench-") as tmp:
        yield Path(tmp)


def main() -> None:
    """Parse arguments, run both parts, print and save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--web-seconds", type=float, default=20)
    parser.add_argument("--agents", default="10,50,100")
    parser.add_argument("--skip-web", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {"cores": os.cpu_count(), "pipeline": [], "web": []}
    with _scratch() as tmp:
        sessions = _recreate(tmp)
        for n in [int(w) for w in args.workers.split(",")]:
            result["pipeline"].append(pipeline(tmp, n, args.mails))
            print(json.dumps(result["pipeline"][-1]), flush=True)
        if not args.skip_web:
            levels = [int(a) for a in args.agents.split(",")]
            result["web"] = web(tmp, sessions, args.web_seconds, levels)
        ((tickets,),) = _sql("SELECT count(*) FROM tickets_ticket")
        result["tickets_at_end"] = tickets
    OUT.mkdir(exist_ok=True)
    path = OUT / f"cluster-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
