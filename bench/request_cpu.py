"""A change's effect on one request's CPU, when the machine's speed drifts:
two Django processes (two source trees, or one tree and two requests) each
answer the request through the WSGI handler in-process, in batches
alternated between them, and each batch's CPU time per request (this
process's own, ``time.process_time``) is compared with the other side's
batch next to it.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_x \\
        REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python bench/request_cpu.py --tree-a /tmp/before

On this machine the speed moved by half within minutes (a bare GET's CPU
per request from 0.42 to 0.84 ms under gunicorn), so runs of ``load.py``
one after another cannot tell a change of 10 % from the drift. Batches a
few hundred milliseconds long, alternated and paired, can: each pair ran
under the same conditions, and the median of the pairs' ratios is printed
with its quartiles. No gunicorn, no client, no other process's CPU: the
Django side of a request only (``load.py`` and ``status_split.py`` give
the whole).

The database must be migrated and hold the demo district (``manage.py
demo_data``); the first case's query code is set to one this script knows
(a bench database, not production). A tree other than this one needs its
translations compiled (``manage.py compilemessages``), or it answers in
English and its pages differ in size (printed)."""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CODE = "ABCD2345"


def _environ(*, method: str, path: str, body: bytes, cookie: str, address: str = "127.0.0.1") -> dict[str, Any]:
    """A WSGI request as gunicorn hands it to Django (a form POST if ``body``)."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": address,
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_COOKIE": cookie,
        "HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if method == "POST":
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def _answer(app: Any, environ: dict[str, Any]) -> tuple[str, bytes]:
    """The status and body of ``app``'s response to ``environ``."""
    statuses: list[str] = []

    def start_response(status: str, headers: list[Any], exc_info: Any = None) -> None:
        statuses.append(status)

    response: Any = app(environ, start_response)
    try:
        return statuses[-1] if statuses else "", b"".join(response)
    finally:
        response.close()


def _timed_batches(make: Callable[[], dict[str, Any]], send: Callable[[dict[str, Any]], Any]) -> None:
    """For each line of stdin (a count): that many requests made by ``make``
    before the clock starts, then sent; prints CPU and wall microseconds per
    request."""
    for line in sys.stdin:
        batch = [make() for _ in range(int(line))]
        cpu, wall = time.process_time(), time.perf_counter()
        for environ in batch:
            send(environ)
        used, took = time.process_time() - cpu, time.perf_counter() - wall
        print(used / len(batch) * 1e6, took / len(batch) * 1e6, flush=True)


def serve(path: str, method: str) -> None:
    """The child: answer ``path`` on request, one batch per line of stdin."""
    import django

    django.setup()
    from urllib.parse import urlencode

    from django.core.handlers.wsgi import WSGIHandler
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret  # type: ignore[attr-defined]

    from supervision.complaints.services import query_code_digest
    from supervision.models import ComplaintCase

    app = WSGIHandler()
    secret = _get_new_csrf_string()
    if path == "/complain/" and method == "POST":
        serve_complaints(app, secret)
        return
    case = ComplaintCase.objects.order_by("pk").first()
    if case is None:
        sys.exit("no complaint case: run manage.py demo_data on this database first")
    ComplaintCase.objects.filter(pk=case.pk).update(query_code_hash=query_code_digest(code=CODE))
    body = urlencode({"csrfmiddlewaretoken": _mask_cipher_secret(secret), "number": case.number, "code": CODE})
    data = body.encode() if method == "POST" else b""

    def make() -> dict[str, Any]:
        return _environ(method=method, path=path, body=data, cookie="csrftoken=" + secret)

    def send(environ: dict[str, Any]) -> bytes:
        return _answer(app, environ)[1]

    status, page = _answer(app, make())
    if not status.startswith("200"):
        sys.exit(f"{method} {path}: {status}")
    if path.startswith("/complain/status/") and method == "POST" and case.number.encode() not in page:
        sys.exit("the look-up did not find the case")
    for _ in range(300):  # warm: first-request imports, caches, prepared statements
        send(make())
    print("ready", len(page), flush=True)
    _timed_batches(make, send)


def serve_complaints(app: Any, secret: str) -> None:
    """The child for the public complaint POST: each complaint from its own
    address (10.200.0.0/13, under the per-address limit) with its own
    CAPTCHA token for an answer this process knows, made before the batch's
    clock starts, as ``load.py`` makes them before its batches; only the
    POSTs are timed. Each must be answered by the redirect to the receipt.
    The cases filed stay in the database (a bench database)."""
    import itertools
    from urllib.parse import urlencode

    from django.http import HttpRequest
    from django.middleware.csrf import _mask_cipher_secret  # type: ignore[attr-defined]

    from schools.models import School
    from supervision.complaints import captcha
    from supervision.models import ComplaintCategory

    school = School.objects.filter(active=True).order_by("code").first()
    category = ComplaintCategory.objects.filter(active=True).order_by("pk").first()
    if school is None or category is None:
        sys.exit("no school or category: run manage.py demo_data on this database first")
    addresses = itertools.count(int(time.time()) % 100_000 * 8)

    def make() -> dict[str, Any]:
        n = next(addresses) % (1 << 19)
        answer = captcha._new_answer()
        token = captcha.captcha_issue(request=HttpRequest(), answer=answer)
        body = urlencode(
            {
                "csrfmiddlewaretoken": _mask_cipher_secret(secret),
                "school_code": school.code,
                "school_name": school.name,
                "category": str(category.pk),
                "happened_on": "",
                "description": "周六上午学校组织全年级集体补课，收取资料费。",
                "identity": "anonymous",
                "name": "",
                "phone": "",
                "website": "",
                "captcha": answer,
            }
        ).encode()
        return _environ(
            method="POST",
            path="/complain/",
            body=body,
            cookie=f"csrftoken={secret}; {captcha.COOKIE}={token}",
            address=f"10.{200 + (n >> 16)}.{(n >> 8) & 255}.{n & 255}",
        )

    def send(environ: dict[str, Any]) -> None:
        status, _body = _answer(app, environ)
        if not status.startswith("302"):
            sys.exit(f"POST /complain/: {status}")

    for _ in range(100):  # warm
        send(make())
    print("ready 0", flush=True)
    _timed_batches(make, send)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree-a", default=str(ROOT), help="source tree of side A (default this one)")
    parser.add_argument("--tree-b", default=str(ROOT), help="source tree of side B (default this one)")
    parser.add_argument(
        "--request-a",
        default="POST /complain/status/",
        help='side A request (default "%(default)s"; "POST /complain/" files complaints)',
    )
    parser.add_argument("--request-b", default="POST /complain/status/", help='side B request (default "%(default)s")')
    parser.add_argument("--rounds", type=int, default=40, help="alternated pairs of batches (default 40)")
    parser.add_argument("--batch", type=int, default=300, help="requests per batch (default 300)")
    parser.add_argument("--serve", nargs=2, metavar=("PATH", "METHOD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if args.serve:
        serve(*args.serve)
        return 0

    sides = []
    for tree, request in ((args.tree_a, args.request_a), (args.tree_b, args.request_b)):
        method, path = request.split()
        env = dict(os.environ, PYTHONPATH=tree)  # the tree's modules before any installed copy
        child = subprocess.Popen(  # noqa: S603 - this interpreter and this script
            [sys.executable, str(Path(__file__).resolve()), "--serve", path, method],
            cwd=tree,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdin is not None and child.stdout is not None  # noqa: S101 - pipes asked for above
        ready = child.stdout.readline().split()
        if not ready or ready[0] != "ready":
            sys.exit(f"side {tree} {request} did not start")
        sides.append((f"{request} ({tree})", child, int(ready[1])))
    cpu: list[list[float]] = [[], []]
    wall: list[list[float]] = [[], []]
    for number in range(args.rounds):
        # Each pair in turn A-B and B-A, so that neither side always runs second.
        for index in (0, 1) if number % 2 == 0 else (1, 0):
            child = sides[index][1]
            child.stdin.write(f"{args.batch}\n")  # type: ignore[union-attr]
            child.stdin.flush()  # type: ignore[union-attr]
            used, took = map(float, child.stdout.readline().split())  # type: ignore[union-attr]
            cpu[index].append(used)
            wall[index].append(took)
    for _label, child, _size in sides:
        child.stdin.close()  # type: ignore[union-attr]
        child.wait()
    print(f"{args.rounds} alternated pairs of {args.batch} requests, load average {os.getloadavg()[0]:.2f}")
    for index, (label, _child, size) in enumerate(sides):
        print(
            f"{'AB'[index]}: {label}: CPU per request median {statistics.median(cpu[index]):.1f} us,"
            f" wall {statistics.median(wall[index]):.1f} us, page {size} bytes"
        )
    ratios = [b / a for a, b in zip(cpu[0], cpu[1], strict=True)]
    quartiles = statistics.quantiles(ratios, n=4)
    print(
        f"B/A CPU per request, by pair: median {statistics.median(ratios):.3f}"
        f" (quartiles {quartiles[0]:.3f}-{quartiles[2]:.3f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
