"""Private services for the fault tests.

Other people's tests use the machine's PostgreSQL and Redis at the same
time, so the fault tests never stop those: they start their own Redis and,
where PostgreSQL must restart, their own cluster, on free loopback ports,
and always stop them again (the fixtures in conftest.py do it in their
teardown, also when the test fails)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

ROOT = Path(__file__).resolve().parent.parent.parent
# Settings for the processes these tests start (worker, gunicorn).
FAULT_SETTINGS = "tests.faults.settings"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition, seconds: float, what: str, interval: float = 0.1):  # type: ignore[no-untyped-def]
    """Poll ``condition`` until it returns something true; return that."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not after {seconds}s")
        time.sleep(interval)


def stop_process(proc: subprocess.Popen[bytes] | None, grace: float = 10) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)


class PrivateRedis:
    """A throw-away redis-server on a free port, no persistence. ``stop()``
    and ``start()`` again keep the port, so URLs handed out stay valid."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        # No retries: redis-py's default backs off for seconds on a refusal.
        return redis.Redis(
            host="127.0.0.1", port=self.port, socket_connect_timeout=1, socket_timeout=1, retry=Retry(NoBackoff(), 0)
        )

    def ping(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.exceptions.ConnectionError:
            return False

    def start(self) -> None:
        # --save "" and --appendonly no: nothing on disk, so a stop loses
        # every message, the worst case the portal must survive.
        self.proc = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
                *("--dir", str(self.directory), "--logfile", str(self.directory / "redis.log")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        wait_until(lambda: self.proc.poll() is not None or self.ping(), 10, "private redis-server up")  # type: ignore[union-attr]
        if self.proc.poll() is not None:
            raise RuntimeError(f"redis-server exited: {(self.directory / 'redis.log').read_text()[-2000:]}")

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None
        assert not self.ping()


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


class PrivateCluster:
    """A throw-away PostgreSQL cluster (initdb into a temporary directory,
    trust authentication, loopback only, fsync off) that the test may
    restart at will. PostgreSQL refuses to run as root, so as root the
    cluster belongs to the ``postgres`` user."""

    def __init__(self) -> None:
        binaries = postgres_bin()
        if binaries is None:
            raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin = binaries
        self.root = Path(tempfile.mkdtemp(prefix="jianfu-faults-pg-"))
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.data = self.root / "data"
        self.port = free_port()
        self.started = False

    def url(self, name: str = "jianfu") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_owner, *args], check=True, capture_output=True, timeout=60)

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "30",
            *extra, "-o", options, action,
        )  # fmt: skip

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync", "--no-instructions",
        )  # fmt: skip

    def start(self) -> None:
        self._pg_ctl("start")
        self.started = True

    def restart(self) -> None:
        # Fast shutdown: every session is ended, as in a real restart or a
        # fail-over; the portal's open connections are dead afterwards.
        self._pg_ctl("restart", "-m", "fast")

    def create_database(self, name: str = "jianfu") -> None:
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def destroy(self) -> None:
        try:
            if self.started:
                self._pg_ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def django_env(**overrides: str) -> dict[str, str]:
    """The environment for a portal process started by a test: this one's,
    without the services of the test run and the browser tests' async flag."""
    dropped = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return {**env, "DJANGO_SETTINGS_MODULE": FAULT_SETTINGS, **overrides}


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[str]:
    """The portal served by gunicorn (one sync worker: one thread, so its
    database connection is reused from request to request, as in
    production); yields the base URL once /healthz/ answers."""
    port = free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "jianfu.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "sync", "--timeout", "30"),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until(lambda: proc.poll() is not None or http_status(base + "/healthz/") == 200, 60, "gunicorn up")
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {log.read_text(errors='replace')[-3000:]}")
            yield base
        finally:
            stop_process(proc)


def http_status(url: str, timeout: float = 10) -> int:
    """The status of a GET; 0 if nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback URL built here)
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0
