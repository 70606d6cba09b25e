"""Where a status look-up's time goes, by process: CPU time per request of the
gunicorn worker, PostgreSQL, Redis and this client, for the bare GET, the
bare look-up POST and the portal's look-up (``load.py``'s three sides),
alternated in rounds over one gunicorn worker and one client thread.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_x \\
        REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python bench/status_split.py

The database must be migrated and hold the demo district (``manage.py
demo_data``); the first case's query code is set to one this script knows
(a bench database, not production). CPU times are read from ``/proc``
(Linux), in clock ticks of 10 ms: each figure is a total over ``--requests``
requests divided by their number. PostgreSQL's figure counts every server
process, Redis's the server's."""

from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
CODE = "ABCD2345"


def cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue  # a PostgreSQL backend that ended meanwhile
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def pids_of(pattern: str) -> list[int]:
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True, check=False)  # noqa: S603, S607
    return [int(pid) for pid in found.stdout.split()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per side per round (default 2000)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds (default 2)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from supervision.complaints.services import query_code_digest
    from supervision.models import ComplaintCase

    case = ComplaintCase.objects.order_by("pk").first()
    if case is None:
        parser.error("the database holds no complaint: run manage.py demo_data first")
    ComplaintCase.objects.filter(pk=case.pk).update(query_code_hash=query_code_digest(code=CODE))
    connection.close()

    port = 18555
    server = subprocess.Popen(  # noqa: S603 - this interpreter's gunicorn, arguments built here
        [sys.executable, "-m", "gunicorn", "jianfu.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    set_cookie = [""]
    try:

        def request(method: str, path: str, data: dict[str, str] | None = None, cookie: str = "") -> bytes:
            """The response's body (its Set-Cookie kept in ``set_cookie``)."""
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            headers = {"Host": "127.0.0.1", **({"Cookie": cookie} if cookie else {})}
            body = None
            if data is not None:
                body = urllib.parse.urlencode(data)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            content = response.read()
            if response.status != 200:
                raise RuntimeError(f"{method} {path}: {response.status}")
            set_cookie[:] = [response.getheader("Set-Cookie") or ""]
            conn.close()
            return content

        deadline = time.monotonic() + 60
        while True:
            try:
                page = request("GET", "/complain/status/")
                break
            except (OSError, RuntimeError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        token = re.search(r"csrftoken=([^;]+)", set_cookie[0])
        masked = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token and masked  # noqa: S101 - the page's form and cookie
        cookie = f"csrftoken={token.group(1)}"
        data = {"csrfmiddlewaretoken": masked.group(1).decode(), "number": case.number, "code": CODE}

        def status() -> None:
            if b'data-testid="case-status"' not in request("POST", "/complain/status/", data, cookie):
                raise RuntimeError("the look-up did not find the case")

        sides: dict[str, Callable[[], object]] = {
            "bare GET": lambda: request("GET", "/bench/bare/"),
            "bare look-up POST": lambda: request("POST", "/bench/bare-lookup-checked/", data, cookie),
            "status look-up POST": status,
        }
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False)  # noqa: S603, S607
        workers = [int(pid) for pid in children.stdout.split()]
        kinds: dict[str, Callable[[], list[int]]] = {
            "gunicorn worker": lambda: workers,
            "postgres": lambda: pids_of("postgres"),
            "redis": lambda: pids_of("redis-server"),
            "client": lambda: [os.getpid()],
        }
        for action in sides.values():
            for _ in range(100):  # warm: imports, templates, connections, the stamp
                action()
        print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for round_no in range(args.rounds):
            for name, action in sides.items() if round_no % 2 == 0 else reversed(sides.items()):
                before = {kind: cpu_seconds(pids()) for kind, pids in kinds.items()}
                started = time.perf_counter()
                for _ in range(args.requests):
                    action()
                wall = (time.perf_counter() - started) / args.requests * 1000
                spent = {
                    kind: (cpu_seconds(pids()) - before[kind]) / args.requests * 1000 for kind, pids in kinds.items()
                }
                parts = " ".join(f"{kind} {ms:.3f}" for kind, ms in spent.items())
                print(
                    f"round {round_no + 1} {name:<20} wall {wall:.3f} ms | CPU ms per request: {parts} "
                    f"| sum {sum(spent.values()):.3f}"
                )
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        server.terminate()
        server.wait(20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
