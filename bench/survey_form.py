"""The public survey form's POST under gunicorn, against a bare Django view
that inserts one row, served by the same gunicorn in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/survey_form.py --redis-url redis://127.0.0.1:6379/3

1. creates a throw-away PostgreSQL database (``jianfu_bench_surveys_<pid>``,
   as ``load.py`` does), migrates it, seeds the questionnaires, makes ``--schools``
   schools and an open round of the parents' questionnaire for them;
2. starts gunicorn (2 sync workers, loopback, ``bench.settings``), with
   Redis only with ``--redis-url`` (the rate counters then live there);
3. one POST at a time through Django's test client in this process, to
   list the statements a form POST sends (and that it reads no session);
4. alternates A (the bare view: a CSRF-checked POST that inserts one row)
   and B (the form's POST: CSRF, the school's link, the abuse counters, the
   response, its free text and its summary rows) ``--rounds`` times,
   ``--seconds`` each, with ``--connections`` client threads, and prints
   each side's requests per second, p50 and p95, the ratio B/A and the
   load average;
5. checks that every accepted response is in the database and in the
   summary rows.

Every POST comes as a phone would: a device cookie and a CSRF cookie of its
own (made here with the run's SECRET_KEY, as the form's first GET would
set them), from a loopback address of its own (127.1.x.y), to the link of
the next school in turn, so the default limits of the form (per school a
minute, per client an hour, CAPTCHA after a burst) stay on and are not met.
A refused POST is an error of the run."""

from __future__ import annotations

import argparse
import datetime
import os
import secrets
import shutil
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from load import ROOT, Visitor, gunicorn, throwaway_database

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def build(schools: int) -> tuple[Any, list[str], dict[str, Any]]:
    from django.utils import timezone

    from jianfu.models import User
    from jianfu.roles import Role
    from schools.models import School, SchoolType
    from supervision.surveys.models import Question, Questionnaire, RoundSchool, SurveyRound
    from supervision.surveys.seed import PARENTS_KEY, seed_questionnaires

    seed_questionnaires(Questionnaire, Question)
    questionnaire = Questionnaire.objects.get(key=PARENTS_KEY, version=1)
    bureau = User.objects.create_user("bench_bureau", role=Role.BUREAU)
    School.objects.bulk_create(
        School(code=f"39{i:08d}", name=f"基准学校{i:05d}", school_type=SchoolType.PRIMARY, town="基准镇")
        for i in range(schools)
    )
    today = timezone.localdate()
    survey_round = SurveyRound.objects.create(
        name="基准问卷",
        questionnaire=questionnaire,
        grades=list(range(1, 10)),
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=7),
        created_by=bureau,
    )
    RoundSchool.objects.bulk_create(RoundSchool(round=survey_round, school=s) for s in School.objects.all())
    tokens = list(RoundSchool.objects.filter(round=survey_round).values_list("token", flat=True))
    data: dict[str, Any] = {"grade": "4"}
    for question in questionnaire.questions.all():
        data[question.field_name] = {
            "number": "45" if question.rule == "homework_minutes" else "9",
            "single": "1",
            "scale": "4",
            "multiple": "1",
            "text": "作业有点多",
        }[question.kind]
    return survey_round, tokens, data


class Phones:
    """Fresh devices and addresses, one per POST."""

    def __init__(self) -> None:
        from django.core.signing import get_cookie_signer

        from supervision.surveys.views import DEVICE_SALT

        self.signer = get_cookie_signer(salt="jf_survey_device" + DEVICE_SALT)
        self.lock = threading.Lock()
        self.n = 0

    def next(self, port: int) -> Visitor:
        with self.lock:
            self.n += 1
            n = self.n
        visitor = Visitor(port, f"127.1.{(n // 250) % 256}.{n % 250 + 1}")
        csrf = "".join(secrets.choice(ALNUM) for _ in range(32))
        visitor.cookies = {"csrftoken": csrf, "jf_survey_device": self.signer.sign(secrets.token_urlsafe(18))}
        return visitor


def phase(seconds: float, connections: int, action: Any) -> tuple[int, float, list[float], list[str]]:
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    times: list[float] = []
    errors: list[str] = []

    def loop() -> None:
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                action()
            except Exception as exc:  # counted, never stops the run
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                times.append(time.monotonic() - started)

    started = time.monotonic()
    threads = [threading.Thread(target=loop, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    return len(times), time.monotonic() - started, times, errors


def pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000 if ordered else float("nan")


def statements_of_one_post(survey_round: Any, token: str, data: dict[str, Any]) -> None:
    """One form POST in this process, its statements listed."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    visitor = Client(enforce_csrf_checks=True, REMOTE_ADDR="127.2.0.1")
    visitor.get(f"/s/{token}/")
    post = {**data, "csrfmiddlewaretoken": visitor.cookies["csrftoken"].value}
    with CaptureQueriesContext(connection) as ctx:
        response = visitor.post(f"/s/{token}/", post)
    if response.status_code != 302:
        raise RuntimeError(f"in-process POST: {response.status_code}")
    print(f"one form POST in-process: {len(ctx)} statements")
    for query in ctx.captured_queries:
        print(f"  {query['time']:>6} s  {query['sql'][:120]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10, help="length of each phase")
    parser.add_argument("--rounds", type=int, default=3, help="A B pairs")
    parser.add_argument("--redis-url", default="", help="Redis on loopback for the rate counters (default: none)")
    args = parser.parse_args()
    if not 1 <= args.connections <= 16 or not 1 <= args.rounds <= 10 or not 1 <= args.seconds <= 120:
        parser.error("--connections 1-16, --rounds 1-10, --seconds 1-120")
    if args.redis_url and urllib.parse.urlsplit(args.redis_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("--redis-url must be on loopback")
    media = Path(tempfile.mkdtemp(prefix="jianfu-survey-form-"))
    try:
        name = f"jianfu_bench_surveys_{os.getpid()}"
        with throwaway_database(os.environ.get("DATABASE_URL", ""), name) as database_url:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": database_url,
                "REDIS_URL": args.redis_url,
                "SECRET_KEY": secrets.token_urlsafe(48),
                "MEDIA_ROOT": str(media),
                "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                "LOG_LEVEL": "WARNING",
                "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            }
            os.environ.update(env)
            return run(args, env, media)
    finally:
        shutil.rmtree(media, ignore_errors=True)


def run(args: argparse.Namespace, env: dict[str, str], media: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    survey_round, tokens, data = build(args.schools)
    if args.redis_url:
        from supervision.surveys.services import REDIS_PREFIX, _redis_client

        client = _redis_client()
        keys = list(client.scan_iter(match=f"{REDIS_PREFIX}*"))
        if keys:
            client.delete(*keys)
    print(f"database migrated and loaded in {time.monotonic() - started:.0f} s; {len(tokens)} schools in the round")
    print(f"redis: {args.redis_url or 'none (counters in PostgreSQL)'}")
    statements_of_one_post(survey_round, tokens[-1], data)
    connection.close()

    phones = Phones()
    turn = [0]
    turn_lock = threading.Lock()
    accepted = [0]

    with gunicorn(env, media / "gunicorn.log") as port:

        def bare() -> None:
            visitor = phones.next(port)
            status, _, body = visitor.request(
                "POST", "/bench/bare-insert-checked/", {"csrfmiddlewaretoken": visitor.cookies["csrftoken"]}
            )
            if status != 200:
                raise RuntimeError(f"bare view: {status} {body[:200]!r}")

        def form() -> None:
            with turn_lock:
                turn[0] += 1
                token = tokens[turn[0] % len(tokens)]
            visitor = phones.next(port)
            post = {**data, "csrfmiddlewaretoken": visitor.cookies["csrftoken"]}
            status, location, body = visitor.request("POST", f"/s/{token}/", post)
            if status != 302 or not location.endswith("/done/"):
                raise RuntimeError(f"form POST: {status} {body[-300:]!r}")
            with turn_lock:
                accepted[0] += 1

        for _ in range(5):  # both workers warm (imports, templates, connections)
            bare()
            form()
        totals: dict[str, list[Any]] = {"bare": [0, 0.0, []], "form": [0, 0.0, []]}
        errors: list[str] = []
        for i in range(args.rounds):
            for name, action in (("bare", bare), ("form", form)):
                n, elapsed, times, errs = phase(args.seconds, args.connections, action)
                totals[name][0] += n
                totals[name][1] += elapsed
                totals[name][2] += times
                errors += errs
                print(f"  round {i + 1} {name:<4} {n / elapsed:7.1f} requests/s  ({n} in {elapsed:.1f} s)", flush=True)
    load = os.getloadavg()
    bare_rate = totals["bare"][0] / totals["bare"][1]
    form_rate = totals["form"][0] / totals["form"][1]
    print(
        f"bare view (POST, one row)  {bare_rate:7.1f} requests/s  p50 {pct(totals['bare'][2], 0.5):6.1f} ms  "
        f"p95 {pct(totals['bare'][2], 0.95):6.1f} ms"
    )
    print(
        f"survey form POST           {form_rate:7.1f} responses/s p50 {pct(totals['form'][2], 0.5):6.1f} ms  "
        f"p95 {pct(totals['form'][2], 0.95):6.1f} ms"
    )
    ratio = form_rate / bare_rate
    print(f"ratio form/bare: {ratio:.2f}x  (target >= 0.30x: {'yes' if ratio >= 0.30 else 'NO'})")
    print(
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.connections} client threads, 2 gunicorn workers"
    )
    from django.db.models import Sum

    from supervision.surveys.models import SurveyResponse, SurveySchoolTally

    stored = SurveyResponse.objects.filter(round=survey_round).count()
    summed = SurveySchoolTally.objects.filter(round=survey_round).aggregate(n=Sum("n"))["n"] or 0
    expected = accepted[0] + 1  # and the in-process POST
    print(
        f"responses accepted {expected}, in the database {stored}, in the summary rows {summed}; errors {len(errors)}"
    )
    for error in errors[:5]:
        print(f"  error: {error}")
    connection.close()
    return 0 if stored == summed == expected and not errors else 1


if __name__ == "__main__":
    os.chdir(ROOT)
    raise SystemExit(main())
