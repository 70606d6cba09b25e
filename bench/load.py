"""Load test: gunicorn on loopback; the public form's three requests, each
against a bare Django view served by the same gunicorn in the same run (A
and B alternated in batches), then a mixed phase of complaints, status
look-ups and dashboard reads: zero errors, every accepted complaint in the
database afterwards.

    .venv/bin/python bench/load.py        # DATABASE_URL defaults to the local server

What it does:

1. creates a throw-away PostgreSQL database (``jianfu_load_<pid>`` on the
   server of ``DATABASE_URL``, by default postgres@127.0.0.1:5432), migrates
   it and loads the demo district (31 schools, their visits, complaints,
   accounts), and drops it at the end;
2. starts gunicorn (2 sync workers unless ``--workers``, loopback, ``bench.settings``: the shared
   settings with DEBUG off, plus the two bare views of ``bench/urls.py``);
   Redis only with ``--redis-url``;
3. runs a warm-up round, not counted, then ``--rounds`` rounds of the
   pairs, each side a batch of ``--batch`` requests spread over
   ``--connections`` client threads, A before B in even rounds and B
   before A in odd ones:

   - form GET (a first visit; since issue 17 it writes nothing: the
     CAPTCHA is drawn by the picture's own request) against the bare view
     (GET, "ok");
   - complaint POST against the bare view inserting one row (POST);
   - status look-up POST against the bare view (the issue's figure);
   - status look-up POST against a bare view reading the case by its number
     after the CSRF check, sent the same form ("lookup": like for like, as
     the complaint's baseline inserts a row).

   Like is compared with like: one request against one request. What a
   request needs first (the form page and the CAPTCHA answer before a
   complaint POST, the status page's CSRF token before a look-up) is done
   before the batch's clock starts, and the receipt after it stops;
4. prints, per pair, each side's requests per second and p95, B's rate as a
   ratio of A's pooled over the rounds and the median of the rounds'
   ratios (the verdict takes the lower of the two), each side's CPU time
   per request by process (gunicorn, PostgreSQL, Redis, this client; read
   from ``/proc`` around the counted batches, so PostgreSQL's and Redis's
   figures hold other users' work too: a quiet machine gives the clean
   figure), and the load average before and after;
5. runs the mixed phase (``--mixed-seconds``, 0 to skip) and checks every
   accepted case number against the database.

The client is Python threads on the same machine: for the bare views it is
likely the bottleneck, which flatters the ratios of the heavier pages
rather than the portal's; the load average is printed so that a busy
machine shows.

The CAPTCHA is solved as a person would not: the visitor loads the picture
(its token arrives in a cookie, as in a browser), then the generator, which
shares the run's SECRET_KEY, signs a token of the same kind for an answer it
knows and sends that instead (the picture's token holds only a keyed hash of
its answer). Nothing in the portal was changed for it: no test answer
setting exists that a production deployment could switch on by mistake.

The public form's per-address limit (10 a day) is honoured, not lifted:
each visitor comes from its own loopback address (127.1.x.y; the whole of
127.0.0.0/8 is local on Linux), as real parents come from their own
networks. Requests go only to 127.0.0.1, each batch and phase is bounded
(``MAX_REQUESTS_PER_PHASE``), and every request has a 30-second timeout."""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import secrets
import shutil
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_REQUESTS_PER_PHASE = 100_000
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
BARE_TABLE = "bench_bare_row"
REQUEST_TIMEOUT = 30
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NUMBER_RE = re.compile(r'data-testid="case-number">([^<]+)<')
CODE_RE = re.compile(r'data-testid="query-code">([^<]+)<')


# --- the throw-away database and the server --------------------------------------------


@contextlib.contextmanager
def throwaway_database(url: str, name: str = "") -> Iterator[str]:
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("load.py needs DATABASE_URL pointing at a PostgreSQL server (any database on it)")
    name = name or f"jianfu_load_{os.getpid()}"
    admin_dsn = parts._replace(scheme="postgresql", path="/postgres").geturl()

    def admin(sql: str) -> None:
        conn = psycopg2.connect(admin_dsn)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
        finally:
            conn.close()

    admin(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log: Path, *, workers: int = 2) -> Iterator[int]:
    port = free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(  # noqa: S603 - this interpreter's gunicorn, arguments built here
            [
                *(sys.executable, "-m", "gunicorn", "jianfu.wsgi:application"),
                *(
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--worker-class",
                    "sync",
                    "--timeout",
                    "30",
                ),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: {log.read_text(errors='replace')[-3000:]}")
                with contextlib.suppress(OSError):
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/healthz/")
                    if conn.getresponse().status == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer /healthz/ within 60 s")
                time.sleep(0.2)
            yield port
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


# --- HTTP visitors ------------------------------------------------------------------------


class HttpError(Exception):
    pass


class Visitor:
    """One browser: its own cookies and its own loopback source address."""

    def __init__(self, port: int, source_ip: str = "127.0.0.1") -> None:
        self.port = port
        self.source_ip = source_ip
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, Location, body)."""
        headers = {"Host": "127.0.0.1"}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT, source_address=(self.source_ip, 0)
        )
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for cookie in response.msg.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location", ""), text
        finally:
            conn.close()

    def csrf(self, body: str) -> str:
        match = CSRF_RE.search(body)
        if not match:
            raise HttpError("no CSRF token on the page")
        return match.group(1)


def expect(status: int, wanted: int, what: str, body: str = "") -> None:
    if status != wanted:
        raise HttpError(f"{what}: {status} (wanted {wanted}) {body[:200]!r}")


# --- what a visitor does ----------------------------------------------------------------------


@dataclass
class Shared:
    port: int
    schools: list[tuple[str, str]]
    category: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    accepted: list[tuple[str, str]] = field(default_factory=list)
    next_address: int = 0
    next_phone: int = 0

    def address(self) -> str:
        with self.lock:
            self.next_address += 1
            n = self.next_address
        # 127.1.0.1 … 127.1.255.250: 65,000 visitors, each under the per-address limit.
        return f"127.1.{(n // 250) % 256}.{n % 250 + 1}"

    def phone(self) -> str:
        with self.lock:
            self.next_phone += 1
            return f"139{self.next_phone:08d}"


def solve_captcha(visitor: Visitor) -> str:
    """Load the picture as a browser would, then put in place of its token
    one for an answer we know, signed with the run's key."""
    from django.test import RequestFactory

    from supervision.complaints import captcha

    status, _, _body = visitor.request("GET", "/complain/captcha.png")
    expect(status, 200, "CAPTCHA picture")
    request = RequestFactory().get("/")
    request.COOKIES = dict(visitor.cookies)
    answer = captcha._new_answer()
    visitor.cookies[captcha.COOKIE] = captcha.captcha_issue(request=request, answer=answer)
    return answer


@dataclass
class Prepared:
    """A visitor who has the page a POST needs and the data to send."""

    visitor: Visitor
    data: dict[str, str]
    known: tuple[str, str] = ("", "")


def prepare_complaint(shared: Shared, rng: Any) -> Prepared:
    """The form page (a first visit) and the CAPTCHA's answer."""
    visitor = Visitor(shared.port, shared.address())
    code, name = rng.choice(shared.schools)
    status, _, body = visitor.request("GET", f"/complain/?school={code}")
    expect(status, 200, "complaint form", body)
    real_name = rng.random() < 0.3
    data = {
        "csrfmiddlewaretoken": visitor.csrf(body),
        "school_code": code,
        "school_name": name,
        "category": str(shared.category),
        "happened_on": "",
        "description": rng.choice(DESCRIPTIONS),
        "identity": "real_name" if real_name else "anonymous",
        "name": "王家长" if real_name else "",
        "phone": shared.phone() if real_name else "",
        "website": "",
        "captcha": solve_captcha(visitor),
    }
    return Prepared(visitor, data)


def post_complaint(prepared: Prepared) -> None:
    status, location, body = prepared.visitor.request("POST", "/complain/", prepared.data)
    expect(status, 302, "complaint submitted", body)
    if not location.endswith("/complain/done/"):
        raise HttpError(f"complaint submitted: sent to {location!r}")


def read_receipt(shared: Shared, prepared: Prepared) -> None:
    status, _, body = prepared.visitor.request("GET", "/complain/done/")
    expect(status, 200, "receipt", body)
    number, query_code = NUMBER_RE.search(body), CODE_RE.search(body)
    if not number or not query_code:
        raise HttpError("receipt without a case number and query code")
    with shared.lock:
        shared.accepted.append((number.group(1).strip(), query_code.group(1).strip()))


def file_complaint(shared: Shared, rng: Any) -> int:
    """Form, POST, receipt: three requests."""
    prepared = prepare_complaint(shared, rng)
    post_complaint(prepared)
    read_receipt(shared, prepared)
    return 3


def prepare_status(shared: Shared, rng: Any) -> Prepared:
    """The status page (for its CSRF token) and a number and code a receipt showed."""
    with shared.lock:
        known = rng.choice(shared.accepted)
    visitor = Visitor(shared.port, shared.address())
    status, _, body = visitor.request("GET", "/complain/status/")
    expect(status, 200, "status page", body)
    return Prepared(visitor, {"csrfmiddlewaretoken": visitor.csrf(body), "number": known[0], "code": known[1]}, known)


def post_status(prepared: Prepared) -> None:
    status, _, body = prepared.visitor.request("POST", "/complain/status/", prepared.data)
    expect(status, 200, "status look-up", body)
    if 'data-testid="case-status"' not in body or prepared.known[0] not in body:
        raise HttpError(f"status look-up of {prepared.known[0]} did not find the case")


def post_bare_lookup(prepared: Prepared) -> None:
    """The look-up's form, as posted, to the bare view reading the case."""
    status, _, body = prepared.visitor.request("POST", "/bench/bare-lookup-checked/", prepared.data)
    expect(status, 200, "bare look-up", body)
    if body == "none":
        raise HttpError(f"bare look-up of {prepared.known[0]} did not find the case")


def look_up_status(shared: Shared, rng: Any) -> int:
    if not shared.accepted:
        return file_complaint(shared, rng)
    post_status(prepare_status(shared, rng))
    return 2


def signed_in_bureau(port: int) -> Visitor:
    from jianfu.demo import DEMO_PASSWORD

    visitor = Visitor(port)
    status, _, body = visitor.request("GET", "/accounts/login/")
    expect(status, 200, "login page", body)
    data = {"csrfmiddlewaretoken": visitor.csrf(body), "username": "bureau", "password": DEMO_PASSWORD}
    status, _, body = visitor.request("POST", "/accounts/login/", data)
    expect(status, 302, "sign-in", body)
    return visitor


def read_dashboard(visitor: Visitor) -> int:
    status, _, body = visitor.request("GET", "/reports/dashboard/")
    expect(status, 200, "dashboard", body)
    return 1


DESCRIPTIONS = [
    "周六上午学校组织全年级集体补课，收取资料费。",
    "三年级数学作业每天要做两个小时，孩子经常十点以后才睡。",
    "班主任要求家长批改作业并在群里打卡。",
    "学校按考试成绩分了重点班，开学后又重新考试分班。",
    "寒假期间学校组织初三学生到校上新课。",
    "老师在校外培训机构有偿补课，并暗示学生参加。",
]


# --- batches: A against B, alternated -------------------------------------------------


@dataclass
class Batch:
    """One side's requests of one round: each request's time, and the wall
    time from the first request's start to the last one's end."""

    times: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    errors: list[str] = field(default_factory=list)


def run_batch(items: list[Any], connections: int, action: Callable[[Any], None]) -> Batch:
    """``action`` on every item, over ``connections`` threads; timed."""
    from django.db import connection

    batch = Batch()
    lock = threading.Lock()
    queue = list(reversed(items))

    def loop() -> None:
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    item = queue.pop()
                started = time.monotonic()
                try:
                    action(item)
                except Exception as exc:  # every failure is counted, none stops the run
                    with lock:
                        batch.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                with lock:
                    batch.times.append(time.monotonic() - started)
        finally:
            connection.close()

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(len(items) * REQUEST_TIMEOUT)
    batch.elapsed = time.monotonic() - started
    return batch


@dataclass
class Pair:
    """B (a portal request) against A (a bare view), over the rounds."""

    key: str  # as in --pairs
    name: str
    a_name: str
    b_name: str
    goal: float
    a: list[Batch] = field(default_factory=list)
    b: list[Batch] = field(default_factory=list)
    # CPU seconds spent by each kind of process during each side's counted
    # batches (:func:`cpu_by_process`).
    cpu: dict[str, dict[str, float]] = field(default_factory=lambda: {"a": defaultdict(float), "b": defaultdict(float)})

    @staticmethod
    def rate(batches: list[Batch]) -> float:
        done = sum(len(x.times) for x in batches)
        return done / max(sum(x.elapsed for x in batches), 1e-9)

    @staticmethod
    def p95(batches: list[Batch]) -> float:
        ordered = sorted(t for x in batches for t in x.times)
        return ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")

    def errors(self) -> list[str]:
        return [e for x in self.a + self.b for e in x.errors]

    def describe_cpu(self) -> str:
        """Each side's CPU per request, by process."""
        lines = []
        for side, name, batches in (("a", self.a_name, self.a), ("b", self.b_name, self.b)):
            done = max(sum(len(x.times) for x in batches), 1)
            parts = " ".join(f"{kind} {seconds / done * 1000:.3f}" for kind, seconds in self.cpu[side].items())
            total = sum(self.cpu[side].values()) / done * 1000
            lines.append(f"  CPU ms per request, {side.upper()} {name:<18} {parts} | total {total:.3f}")
        return "\n".join(lines)

    def describe(self) -> str:
        a_rate, b_rate = self.rate(self.a), self.rate(self.b)
        ratio = b_rate / a_rate if a_rate else 0.0
        per_round = [self.rate([b]) / max(self.rate([a]), 1e-9) for a, b in zip(self.a, self.b, strict=True)]
        rounds = ", ".join(f"{r:.2f}x" for r in per_round)
        median = statistics.median(per_round) if per_round else 0.0
        # The verdict takes the lower of the pooled ratio and the rounds'
        # median: one round whose A side ran slow (the machine busy for a
        # moment) raises the pooled ratio, and must not carry the verdict.
        verdict = "meets" if min(ratio, median) >= self.goal else "BELOW"
        return (
            f"{self.name:<22} A {self.a_name:<16} {a_rate:7.1f}/s p95 {self.p95(self.a) * 1000:6.1f} ms | "
            f"B {self.b_name:<18} {b_rate:7.1f}/s p95 {self.p95(self.b) * 1000:6.1f} ms | "
            f"B/A {ratio:5.2f}x pooled, {median:5.2f}x median of rounds ({verdict} the goal >= {self.goal}x; "
            f"rounds {rounds}), {len(self.errors())} errors"
        )


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of ``pids`` so far (Linux ``/proc``)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # a process that ended meanwhile
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _pids(pattern: str) -> list[int]:
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True, check=False)  # noqa: S603, S607
    return [int(pid) for pid in found.stdout.split()]


def cpu_by_process(port: int) -> dict[str, float]:
    """CPU seconds so far of this run's gunicorn (master and workers), of
    every PostgreSQL and Redis server process of the machine (other
    databases' work included: run on a quiet machine), and of this client."""
    return {
        "gunicorn": _cpu_seconds(_pids(f"gunicorn jianfu.wsgi:application.*127.0.0.1:{port}")),
        "postgres": _cpu_seconds(_pids("postgres")),
        "redis": _cpu_seconds(_pids("redis-server")),
        "client": _cpu_seconds([os.getpid()]),
    }


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- phases --------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    seconds: float
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    elapsed: float = 0.0

    def record(self, kind: str, started: float, requests: int) -> None:
        self.timings[kind].append(time.monotonic() - started)
        self.requests += requests


def run_phase(phase: Phase, connections: int, action: Callable[[int, Any], tuple[str, int]]) -> Phase:
    import random

    from django.db import connection

    lock = threading.Lock()
    deadline = time.monotonic() + phase.seconds
    counter = [0]

    def loop(index: int) -> None:
        rng = random.Random(index)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if counter[0] >= MAX_REQUESTS_PER_PHASE:
                        return
                    counter[0] += 1
                started = time.monotonic()
                try:
                    kind, requests = action(index, rng)
                except Exception as exc:  # every failure is counted, none stops the run
                    with lock:
                        phase.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                with lock:
                    phase.record(kind, started, requests)
        finally:
            connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(phase.seconds + 2 * REQUEST_TIMEOUT)
    phase.elapsed = time.monotonic() - started
    return phase


def describe(phase: Phase) -> str:
    lines = [
        f"{phase.name}: {phase.requests} HTTP requests in {phase.elapsed:.1f} s "
        f"({phase.requests / phase.elapsed:.1f}/s), {len(phase.errors)} errors"
    ]
    for kind, times in sorted(phase.timings.items()):
        ordered = sorted(times)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        lines.append(
            f"  {kind:<10} {len(times):>6} done, {len(times) / phase.elapsed:7.2f}/s, "
            f"median {statistics.median(ordered) * 1000:6.0f} ms, p95 {p95 * 1000:6.0f} ms, "
            f"max {ordered[-1] * 1000:6.0f} ms"
        )
    for error in phase.errors[:5]:
        lines.append(f"  error: {error}")
    return "\n".join(lines)


# --- the run -------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=6, help="client threads (default 6)")
    parser.add_argument("--rounds", type=int, default=4, help="rounds of A/B batches (default 4)")
    parser.add_argument("--batch", type=int, default=150, help="requests per side per round (default 150)")
    parser.add_argument("--mixed-seconds", type=float, default=30, help="mixed phase, 0 to skip (default 30)")
    parser.add_argument("--redis-url", default="", help="Redis for cache and broker (default: none)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="gunicorn sync workers (default 2, one per core here; docker-compose.yml's web service runs 4)",
    )
    parser.add_argument(
        "--pairs",
        default="form,complaint,status,lookup",
        help="which A/B pairs to run, comma-separated, of form, complaint, status, lookup (default all)",
    )
    args = parser.parse_args()
    if not 1 <= args.connections <= 32:
        parser.error("--connections between 1 and 32")
    if not 1 <= args.rounds <= 20 or not 10 <= args.batch <= 2000:
        parser.error("--rounds between 1 and 20, --batch between 10 and 2000")
    if not 0 <= args.mixed_seconds <= 900:
        parser.error("--mixed-seconds at most 900")
    if args.redis_url and urllib.parse.urlsplit(args.redis_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("--redis-url must be on loopback")

    media = Path(tempfile.mkdtemp(prefix="jianfu-load-"))
    try:
        server = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        with throwaway_database(server) as database_url:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": database_url,
                "REDIS_URL": args.redis_url,
                "SECRET_KEY": secrets.token_urlsafe(48),
                "MEDIA_ROOT": str(media),
                "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                "LOG_LEVEL": "WARNING",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
            }
            os.environ.update(env)
            return run(args, env, media)
    finally:
        shutil.rmtree(media, ignore_errors=True)


def run(args: argparse.Namespace, env: dict[str, str], media: Path) -> int:
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    if not (ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo").exists():
        # The pages would render English: time the Chinese the public sees.
        call_command("compilemessages", verbosity=0, ignore_patterns=[".venv"])
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {BARE_TABLE} (id bigserial PRIMARY KEY, at timestamptz NOT NULL, body text NOT NULL)"
        )
    connection.close()
    from jianfu.demo import build_demo

    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        build_demo()
    from schools.models import School
    from supervision.models import ComplaintCase, ComplaintCategory

    schools = list(School.objects.filter(active=True).values_list("code", "name"))
    category = ComplaintCategory.objects.filter(active=True).order_by("pk").values_list("pk", flat=True).first()
    assert category is not None, "the migrations seed the complaint categories"  # noqa: S101
    before = set(ComplaintCase.objects.values_list("number", flat=True))
    connection.close()
    name = env["DATABASE_URL"].rsplit("/", 1)[-1]
    print(f"database {name} migrated and loaded in {time.monotonic() - started:.0f} s")
    print(f"{len(schools)} schools, {len(before)} demo cases; redis: {args.redis_url or 'none'}")
    print(
        f"{args.rounds} rounds of {args.batch} requests a side, {args.connections} client threads, "
        f"gunicorn {args.workers} sync workers"
    )

    with gunicorn(env, media / "gunicorn.log", workers=args.workers) as port:
        shared = Shared(port=port, schools=schools, category=category)
        bureau = [signed_in_bureau(port) for _ in range(args.connections)]
        rng = random.Random(0)

        def bare_get(_item: object) -> None:
            status, _, body = Visitor(port).request("GET", "/bench/bare/")
            expect(status, 200, "bare view", body)

        def bare_insert(_item: object) -> None:
            status, _, body = Visitor(port).request("POST", "/bench/bare-insert/", {"body": "一行"})
            expect(status, 200, "bare insert", body)

        def form_get(_item: object) -> None:
            code, _name = rng.choice(shared.schools)
            visitor = Visitor(port, shared.address())
            status, _, body = visitor.request("GET", f"/complain/?school={code}")
            expect(status, 200, "complaint form", body)

        # Warm both workers up (imports, templates, connections), and the
        # cached form page of every school's URL (rendered once per process
        # without Redis, once in all with it; a first visit of a URL renders
        # the page, about 10 ms, which a run of 150 visitors over 31 schools
        # would otherwise count in its first round): the figures are warm.
        for _ in range(4):
            bare_get(None)
            bare_insert(None)
            file_complaint(shared, rng)
            look_up_status(shared, rng)
            read_dashboard(bureau[0])
        for code, _name in shared.schools * 4:
            status, _, body = Visitor(port, shared.address()).request("GET", f"/complain/?school={code}")
            expect(status, 200, "complaint form", body)

        chosen = {name.strip() for name in args.pairs.split(",")}
        pairs = [
            pair
            for pair in (
                Pair("form", "form GET", "bare GET", "GET /complain/", 0.5),
                Pair("complaint", "complaint POST", "bare insert POST", "POST /complain/", 0.3),
                Pair("status", "status look-up POST", "bare GET", "POST /complain/status/", 0.5),
                Pair("lookup", "status look-up POST", "bare look-up POST", "POST /complain/status/", 0.5),
            )
            if pair.key in chosen
        ]
        threads = args.connections
        print(f"load average at the start: {load_average()}")
        # Round 0 warms every side under the batches' own concurrency and is
        # not counted: a first batch ran measurably slower than the rest
        # whichever side it was.
        warm_errors: list[str] = []
        for round_no in range(-1, args.rounds):
            for pair in pairs:
                b_items: list[Any]
                b_action: Callable[[Any], None]
                # What B's requests need first, outside the clock.
                a_items: list[Any] = [None] * args.batch
                a_action: Callable[[Any], None] = bare_get
                if pair.key == "complaint":
                    prepared = run_prepared(args.batch, threads, lambda: prepare_complaint(shared, rng))
                    b_items, b_action = prepared, post_complaint
                    a_action = bare_insert
                elif pair.key in ("status", "lookup"):
                    prepared = run_prepared(args.batch, threads, lambda: prepare_status(shared, rng))
                    b_items, b_action = prepared, post_status
                    if pair.key == "lookup":
                        # The same visitors' tokens, numbers and codes, posted to
                        # the bare view (a read has no side effect to undo).
                        a_items, a_action = prepared, post_bare_lookup
                else:
                    b_items, b_action = [None] * args.batch, form_get
                sides: list[tuple[str, list[Any], Callable[[Any], None]]] = [
                    ("a", a_items, a_action),
                    ("b", b_items, b_action),
                ]
                for side, items, action in sides if round_no % 2 == 0 else reversed(sides):
                    cpu_before = cpu_by_process(port)
                    batch = run_batch(items, threads, action)
                    cpu_after = cpu_by_process(port)
                    if round_no >= 0:
                        getattr(pair, side).append(batch)
                        for kind, seconds in cpu_after.items():
                            pair.cpu[side][kind] += seconds - cpu_before[kind]
                    else:
                        warm_errors.extend(batch.errors)
                if pair.key == "complaint":
                    run_batch(b_items, threads, lambda item: read_receipt(shared, item))
            label = f"round {round_no + 1}" if round_no >= 0 else "round 0 (warm-up, not counted)"
            print(f"{label}: load average {load_average()}")
        for pair in pairs:
            print(pair.describe())
            print(pair.describe_cpu())
            for error in pair.errors()[:5]:
                print(f"  error: {error}")
        for error in warm_errors[:5]:
            print(f"  error in the warm-up round: {error}")

        mixed = Phase("mixed", args.mixed_seconds)
        if args.mixed_seconds:

            def mixed_action(index: int, rng: Any) -> tuple[str, int]:
                roll = rng.random()
                if roll < 0.4:
                    return "complaint", file_complaint(shared, rng)
                if roll < 0.7:
                    return "status", look_up_status(shared, rng)
                return "dashboard", read_dashboard(bureau[index])

            run_phase(mixed, args.connections, mixed_action)
            print(describe(mixed))
        print(f"load average at the end: {load_average()}")

    numbers = {number for number, _code in shared.accepted}
    stored = set(ComplaintCase.objects.values_list("number", flat=True)) - before
    missing = numbers - stored
    print(
        f"accepted complaints: {len(shared.accepted)} ({len(numbers)} distinct numbers); "
        f"in the database: {len(numbers & stored)}; missing: {len(missing)}; unexpected extra rows: "
        f"{len(stored - numbers)}"
    )
    connection.close()
    errors = len(mixed.errors) + len(warm_errors) + sum(len(p.errors()) for p in pairs)
    verdict = "ok, zero errors" if not errors and not missing else f"{errors} errors, {len(missing)} missing"
    print(f"RESULT: {verdict}")
    return 0 if not errors and not missing and len(numbers) == len(shared.accepted) else 1


def run_prepared(count: int, connections: int, make: Callable[[], Prepared]) -> list[Prepared]:
    """``count`` prepared visitors, made over ``connections`` threads (untimed)."""
    made: list[Prepared] = []
    lock = threading.Lock()

    def one(_item: object) -> None:
        prepared = make()
        with lock:
            made.append(prepared)

    batch = run_batch([None] * count, connections, one)
    if batch.errors:
        raise RuntimeError(f"preparing visitors failed: {batch.errors[:3]}")
    return made


if __name__ == "__main__":
    raise SystemExit(main())
