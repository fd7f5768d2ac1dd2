"""Queue benchmark: huey's Redis storage against its PostgreSQL storage, for our workload.

Our tasks are small (an id or a list of ids), their results are stored, and the workers are
two consumer processes of two threads each (``settings.HUEY["consumer"]``). For each backend
this measures, on a server of its own started here (so the shared ones are never restarted):

- throughput: N tasks enqueued by 4 producer threads (the SMTP group commits) while 2
  consumers run them; wall time from the first enqueue to the last stored result;
- a queue-server restart: M tasks enqueued with no consumer running, the server restarted
  (Redis as we run it: no persistence; PostgreSQL: a fast shutdown), then how many tasks a
  consumer still finds and runs.

    .venv/bin/python benchmarks/cluster_queue.py --tasks 5000 --restart-tasks 500

Results on stdout and in ``benchmarks/out/cluster-queue-<time>.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import huey

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PG_BIN = Path("/usr/lib/postgresql")
PRODUCERS = 4
CONSUMERS = 2
THREADS = 2
BACKENDS = ("redis", "postgres", "postgres-async")


def make_huey(backend: str, url: str) -> tuple[huey.Huey, Any]:
    """The benchmark's huey and its one task, ``work``, on the given backend."""
    queue: huey.Huey
    if backend == "redis":
        queue = huey.RedisHuey("bench", url=url)
    elif backend == "postgres":
        queue = huey.PostgresHuey("bench", dsn=url)
    else:  # the queue's commits do not wait for the WAL flush (lost only if PostgreSQL crashes)
        queue = huey.PostgresHuey("bench", dsn=url, options="-c synchronous_commit=off")

    @queue.task(name="work")
    def work(ids: list[int]) -> str:
        return f"processed {len(ids)}"

    return queue, work


def consume(backend: str, url: str) -> None:
    """Run one consumer (a child process) until it is terminated."""
    queue, _work = make_huey(backend, url)
    queue.create_consumer(workers=THREADS, worker_type="thread", periodic=False).run()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


class RedisServer:
    """A redis-server of our own, configured as we run it (no persistence)."""

    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.dir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it answers."""
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "no", "--dir", str(self.dir)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
        _wait_port(self.port)

    def stop(self) -> None:
        """Stop the server (SIGTERM; nothing is saved)."""
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait()
            self.proc = None


class PostgresServer:
    """A PostgreSQL cluster of our own in a temporary directory (run as user postgres)."""

    def __init__(self, workdir: Path) -> None:
        version = sorted(PG_BIN.iterdir(), key=lambda p: int(p.name))[-1]
        self.bin = version / "bin"
        self.port = _free_port()
        self.dir = workdir / "pg"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *argv: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *argv], check=True, stdout=subprocess.DEVNULL)

    def init(self) -> None:
        """Create the cluster (trust on 127.0.0.1, default durability: fsync on)."""
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir.parent, "postgres")
        self._as_postgres(
            str(self.bin / "initdb"),
            "-D",
            str(self.dir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        )

    def start(self) -> None:
        """Start the server and wait until it answers."""
        opts = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
        self._as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.dir),
            "-o",
            opts,
            "-w",
            "-l",
            str(self.dir / "log"),
            "start",
        )
        _wait_port(self.port)

    def stop(self) -> None:
        """Stop the server (fast shutdown: what a restart by the operator does)."""
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.dir), "-m", "fast", "-w", "stop")


@contextlib.contextmanager
def consumers(backend: str, url: str, count: int) -> Iterator[None]:
    """Run ``count`` consumer processes for the block's duration."""
    argv = [sys.executable, __file__, "--consume", backend, "--url", url]
    procs = [subprocess.Popen(argv) for _ in range(count)]
    try:
        yield
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait()


def _produce(queue: huey.Huey, work: Any, total: int) -> None:
    def one(share: int) -> None:
        for i in range(share):
            work((i,))

    threads = [threading.Thread(target=one, args=(total // PRODUCERS,)) for _ in range(PRODUCERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _wait_results(queue: huey.Huey, total: int, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while queue.result_count() < total:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {queue.result_count()}/{total} results after {timeout} s")
        time.sleep(0.05)
    return time.monotonic()


def throughput(backend: str, url: str, total: int) -> dict[str, float]:
    """Enqueue ``total`` tasks from 4 threads while 2 consumers run them."""
    queue, work = make_huey(backend, url)
    queue.flush()
    total -= total % PRODUCERS
    with consumers(backend, url, CONSUMERS):
        time.sleep(2.0)  # the consumers are up and idle
        cpu0 = os.times()
        start = time.monotonic()
        _produce(queue, work, total)
        enqueued = time.monotonic()
        end = _wait_results(queue, total, timeout=600)
    cpu1 = os.times()
    wall = end - start
    return {
        "tasks": total,
        "enqueue_per_s": round(total / (enqueued - start)),
        "tasks_per_s": round(total / wall),
        "wall_s": round(wall, 2),
        "producer_cpu_s": round(cpu1.user + cpu1.system - cpu0.user - cpu0.system, 2),
    }


def restart(backend: str, server: Any, total: int) -> dict[str, Any]:
    """Enqueue with no consumer, restart the queue server, and count what survived."""
    queue, work = make_huey(backend, server.url)
    queue.flush()
    _produce(queue, work, total - total % PRODUCERS)
    before = queue.pending_count()
    server.stop()
    server.start()
    queue, _work = make_huey(backend, server.url)  # a new connection, as a restarted worker makes
    after = queue.pending_count()
    ran = 0
    if after:
        with consumers(backend, server.url, 1):
            _wait_results(queue, after, timeout=120)
        ran = queue.result_count()
    return {"enqueued": before, "pending_after_restart": after, "ran_after_restart": ran}


def main() -> None:
    """Parse arguments, measure both backends, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--restart-tasks", type=int, default=500)
    parser.add_argument("--backend", choices=[*BACKENDS, "all"], default="all")
    parser.add_argument("--consume", choices=BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.consume:
        consume(args.consume, args.url)
        return
    results: dict[str, Any] = {"load": os.getloadavg(), "cores": os.cpu_count()}
    backends = list(BACKENDS) if args.backend == "all" else [args.backend]
    with tempfile.TemporaryDirectory(prefix="ventanilla-queue-") as tmp:
        for backend in backends:
            server: Any
            if backend == "redis":
                server = RedisServer(Path(tmp))
            else:
                server = PostgresServer(Path(tmp))
                server.init()
            server.start()
            try:
                results[backend] = {
                    "throughput": throughput(backend, server.url, args.tasks),
                    "restart": restart(backend, server, args.restart_tasks),
                }
            finally:
                server.stop()
            print(backend, json.dumps(results[backend]), flush=True)
    results["load_after"] = os.getloadavg()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"cluster-queue-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
