"""Load test: gunicorn on loopback, public complaints, status look-ups and
dashboard reads for a few minutes; zero errors, every accepted complaint in
the database afterwards, and the public form's throughput as a ratio of a
bare Django view served by the same gunicorn in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py

What it does:

1. creates a throw-away PostgreSQL database (``jianfu_load_<pid>`` on the
   server of ``DATABASE_URL``), migrates it and loads the demo district (31
   schools, their visits, complaints, accounts), and drops it at the end;
2. starts gunicorn (2 sync workers, loopback, ``bench.settings``: the shared
   settings with DEBUG off, the production password hasher, and one extra
   URL, the bare view of ``bench/urls.py``); Redis only with ``--redis-url``;
3. runs, each with ``--connections`` client threads, three timed phases:
   the bare view alone, the public form alone, then the mix (complaints,
   status look-ups with the number and query code each receipt showed,
   and the bureau dashboard signed in);
4. checks every accepted case number against the database.

The CAPTCHA is solved as a person would not: the generator reads the answer
from the visitor's session row in the throw-away database (sessions are
database-backed, signed with the run's SECRET_KEY, which the generator
shares). Nothing in the portal was changed for it: no test answer setting
exists that a production deployment could switch on by mistake.

The public form's per-address limit (10 a day) is honoured, not lifted:
each visitor comes from its own loopback address (127.1.x.y; the whole of
127.0.0.0/8 is local on Linux), as real parents come from their own
networks. Requests go only to 127.0.0.1, the loop of each thread stops at
its phase's deadline or at ``MAX_REQUESTS_PER_PHASE``, whichever is first,
and every request has a 30-second timeout."""

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
def gunicorn(env: dict[str, str], log: Path) -> Iterator[int]:
    port = free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(  # noqa: S603 - this interpreter's gunicorn, arguments built here
            [
                *(sys.executable, "-m", "gunicorn", "jianfu.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "sync", "--timeout", "30"),
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


def captcha_answer(session_key: str) -> str:
    from django.contrib.sessions.backends.db import SessionStore

    data = SessionStore(session_key=session_key).load()
    challenge = data.get("complaint_captcha")
    if not challenge:
        raise HttpError("no CAPTCHA in the session")
    return str(challenge["answer"])


def file_complaint(shared: Shared, rng: Any, steps: dict[str, list[float]] | None = None) -> int:
    """Form, POST, receipt; ``steps`` collects each step's time when given."""
    visitor = Visitor(shared.port, shared.address())
    code, name = rng.choice(shared.schools)
    clock = [time.monotonic()]

    def step(label: str) -> None:
        if steps is not None:
            now = time.monotonic()
            steps[label].append(now - clock[0])
            clock[0] = now

    status, _, body = visitor.request("GET", f"/complain/?school={code}")
    step("GET form")
    expect(status, 200, "complaint form", body)
    token = visitor.csrf(body)
    real_name = rng.random() < 0.3
    data = {
        "csrfmiddlewaretoken": token,
        "school_code": code,
        "school_name": name,
        "category": str(shared.category),
        "happened_on": "",
        "description": rng.choice(DESCRIPTIONS),
        "identity": "real_name" if real_name else "anonymous",
        "name": "王家长" if real_name else "",
        "phone": shared.phone() if real_name else "",
        "website": "",
        "captcha": captcha_answer(visitor.cookies.get("sessionid", "")),
    }
    step("read CAPTCHA answer (generator)")
    status, location, body = visitor.request("POST", "/complain/", data)
    step("POST complaint")
    expect(status, 302, "complaint submitted", body)
    if not location.endswith("/complain/done/"):
        raise HttpError(f"complaint submitted: sent to {location!r}")
    status, _, body = visitor.request("GET", "/complain/done/")
    step("GET receipt")
    expect(status, 200, "receipt", body)
    number, query_code = NUMBER_RE.search(body), CODE_RE.search(body)
    if not number or not query_code:
        raise HttpError("receipt without a case number and query code")
    with shared.lock:
        shared.accepted.append((number.group(1).strip(), query_code.group(1).strip()))
    return 3


def look_up_status(shared: Shared, rng: Any) -> int:
    with shared.lock:
        known = rng.choice(shared.accepted) if shared.accepted else None
    if known is None:
        return file_complaint(shared, rng)
    visitor = Visitor(shared.port, shared.address())
    status, _, body = visitor.request("GET", "/complain/status/")
    expect(status, 200, "status page", body)
    data = {"csrfmiddlewaretoken": visitor.csrf(body), "number": known[0], "code": known[1]}
    status, _, body = visitor.request("POST", "/complain/status/", data)
    expect(status, 200, "status look-up", body)
    if 'data-testid="case-status"' not in body or known[0] not in body:
        raise HttpError(f"status look-up of {known[0]} did not find the case")
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
    parser.add_argument("--bare-seconds", type=float, default=20)
    parser.add_argument("--form-seconds", type=float, default=40)
    parser.add_argument("--mixed-seconds", type=float, default=150)
    parser.add_argument("--redis-url", default="", help="Redis for cache and broker (default: none)")
    args = parser.parse_args()
    if not 1 <= args.connections <= 32:
        parser.error("--connections between 1 and 32")
    if max(args.bare_seconds, args.form_seconds, args.mixed_seconds) > 900:
        parser.error("each phase at most 900 s")
    if args.redis_url and urllib.parse.urlsplit(args.redis_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("--redis-url must be on loopback")

    media = Path(tempfile.mkdtemp(prefix="jianfu-load-"))
    try:
        with throwaway_database(os.environ.get("DATABASE_URL", "")) as database_url:
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
    call_command("migrate", verbosity=0)
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
    from supervision.complaints.services import query_code_digest

    hashing = time.monotonic()
    for _ in range(3):
        query_code_digest("ABCD2345")
    hash_ms = (time.monotonic() - hashing) / 3 * 1000
    name = env["DATABASE_URL"].rsplit("/", 1)[-1]
    print(f"database {name} migrated and loaded in {time.monotonic() - started:.0f} s")
    print(f"{len(schools)} schools, {len(before)} demo cases; redis: {args.redis_url or 'none'}")
    print(f"hashing one query code (filing) or checking one (status look-up): {hash_ms:.3f} ms of CPU here")

    with gunicorn(env, media / "gunicorn.log") as port:
        shared = Shared(port=port, schools=schools, category=category)
        bureau = [signed_in_bureau(port) for _ in range(args.connections)]
        # Warm both workers up (imports, templates, connections).
        rng0 = random.Random(0)
        for _ in range(4):
            Visitor(port).request("GET", "/bench/bare/")
            file_complaint(shared, rng0)
            read_dashboard(bureau[0])
        # Where a complaint's time goes, one visitor at a time (no queueing).
        steps: dict[str, list[float]] = defaultdict(list)
        for _ in range(10):
            file_complaint(shared, rng0, steps)
            started_bare = time.monotonic()
            Visitor(port).request("GET", "/bench/bare/")
            steps["GET bare view"].append(time.monotonic() - started_bare)
        print("one visitor at a time, median of 10:")
        for label, times in steps.items():
            print(f"  {label:<32} {statistics.median(times) * 1000:6.1f} ms")

        def bare(index: int, rng: Any) -> tuple[str, int]:
            status, _, body = Visitor(port).request("GET", "/bench/bare/")
            expect(status, 200, "bare view", body)
            return "bare", 1

        def form(index: int, rng: Any) -> tuple[str, int]:
            return "complaint", file_complaint(shared, rng)

        def mixed(index: int, rng: Any) -> tuple[str, int]:
            roll = rng.random()
            if roll < 0.4:
                return "complaint", file_complaint(shared, rng)
            if roll < 0.7:
                return "status", look_up_status(shared, rng)
            return "dashboard", read_dashboard(bureau[index])

        phases = [
            run_phase(Phase("bare view", args.bare_seconds), args.connections, bare),
            run_phase(Phase("public form", args.form_seconds), args.connections, form),
            run_phase(Phase("mixed", args.mixed_seconds), args.connections, mixed),
        ]

    for phase in phases:
        print(describe(phase))
    bare_rate = phases[0].requests / phases[0].elapsed
    form_phase = phases[1]
    complaints_rate = len(form_phase.timings["complaint"]) / form_phase.elapsed
    form_requests_rate = form_phase.requests / form_phase.elapsed
    print(
        f"public form: {complaints_rate:.2f} complaints/s (each: form, POST, receipt) = "
        f"{complaints_rate / bare_rate:.4f}x the bare view's {bare_rate:.1f} requests/s; "
        f"its HTTP requests: {form_requests_rate:.1f}/s = {form_requests_rate / bare_rate:.3f}x"
    )

    numbers = {number for number, _code in shared.accepted}
    stored = set(ComplaintCase.objects.values_list("number", flat=True)) - before
    missing = numbers - stored
    print(
        f"accepted complaints: {len(shared.accepted)} ({len(numbers)} distinct numbers); "
        f"in the database: {len(numbers & stored)}; missing: {len(missing)}; unexpected extra rows: "
        f"{len(stored - numbers)}"
    )
    connection.close()
    errors = sum(len(p.errors) for p in phases)
    verdict = "ok, zero errors" if not errors and not missing else f"{errors} errors, {len(missing)} missing"
    print(f"RESULT: {verdict}")
    return 0 if not errors and not missing and len(numbers) == len(shared.accepted) else 1


if __name__ == "__main__":
    raise SystemExit(main())
