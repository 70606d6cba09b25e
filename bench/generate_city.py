"""A whole city for the page benchmarks (PostgreSQL only): the homework city
of bench/generate_homework.py plus what the bureau's other pages read.

On top of the homework city (--schools schools, 20 to a supervisory
district, one week of homework by default) it adds:

- a supervisor per district (the homework city's ``bench_supervisor`` keeps
  the first district) and their assignments;
- the autumn semester 2026 (2026-09-01 to 2027-01-20) if it is missing;
- monthly visits: from September to the current month, each school visited
  once a month with a probability of 85 %, on a day of the month spread by
  school (never after today), with its district's supervisor present and
  ten checklist items rated (7 % of them non-compliant);
- a monthly self-check round for each finished month, every bench school in
  it, 80 % accepted, 10 % submitted, 10 % still drafts;
- the visit coverage summary rebuilt (the rows are made by SQL, past the
  signals that keep it);
- a scoring scheme with every registered indicator at its default weight,
  a run computed by the portal's engine and marked published (by an
  UPDATE, as the tests do: the notice PDF that the publication service
  queues would take a minute at 3,000 schools and is not what is timed).

Visits, items and self-checks are made by the database itself
(INSERT ... SELECT over generate_series), so the run is bounded by
PostgreSQL. Complaints are made by bench/generate_complaints.py.

It wipes the bench city of the database named by DATABASE_URL first (the
homework generator then wipes the homework tables), so it refuses to run
without --yes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_bench_pages \\
        .venv/bin/python bench/generate_city.py --yes --schools 3000
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from jianfu.models import User  # noqa: E402
from reports import registry  # noqa: E402
from reports.models import PublishedNotice, RunStatus, SchemeWeight, ScoreRun, ScoringScheme  # noqa: E402
from reports.scoring.engine import scores_compute  # noqa: E402
from schools.models import SchoolYear, SelfCheckRound, Semester  # noqa: E402
from supervision.models import (  # noqa: E402
    Supervisor,
    SupervisorAssignment,
    SupervisoryDistrict,
)

CODE_PREFIX = "99"
ROUND_TITLE = "基准自查"
SUPERVISOR_NAME = "基准督学"
SEMESTER_START = datetime.date(2026, 9, 1)
SEMESTER_END = datetime.date(2027, 1, 20)
HERE = Path(__file__).resolve().parent


def step(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label}: {now - started:.1f} s", flush=True)
    return now


WIPE_SQL = [
    "DELETE FROM supervision_visititemresult WHERE visit_id IN (SELECT v.id FROM supervision_visit v "
    "JOIN schools_school s ON s.id = v.school_id WHERE s.code LIKE '99%%')",
    "DELETE FROM supervision_visit_supervisors WHERE visit_id IN (SELECT v.id FROM supervision_visit v "
    "JOIN schools_school s ON s.id = v.school_id WHERE s.code LIKE '99%%')",
    "DELETE FROM supervision_visit WHERE school_id IN (SELECT id FROM schools_school WHERE code LIKE '99%%')",
    "DELETE FROM schools_selfcheck WHERE school_id IN (SELECT id FROM schools_school WHERE code LIKE '99%%')",
]
# Before the homework generator remakes the city: it deletes the memberships
# through the ORM, and each membership deleted would refresh the coverage
# summary (in the signal) and be audited.
WIPE_MEMBERSHIPS_SQL = (
    "DELETE FROM supervision_districtmembership WHERE school_id IN "
    "(SELECT id FROM schools_school WHERE code LIKE '99%%')"
)


def wipe(*, memberships: bool) -> None:
    """Remove what this script adds, so that the homework generator can
    remove the bench schools after it."""
    runs = ScoreRun.objects.filter(scheme__semester__start_date=SEMESTER_START)
    PublishedNotice.objects.filter(run__in=runs).delete()
    with connection.cursor() as cursor:
        # Published scores are frozen for the portal's code; the bench
        # removes its own runs wholesale.
        cursor.execute(
            "DELETE FROM reports_schoolscore WHERE run_id IN (SELECT id FROM reports_scorerun WHERE scheme_id IN "
            "(SELECT s.id FROM reports_scoringscheme s JOIN schools_semester m ON m.id = s.semester_id "
            "WHERE m.start_date = %s))",
            [SEMESTER_START],
        )
    runs.update(supersedes=None)
    runs.delete()
    # Plain SQL: through the ORM each row would be audited and would refresh
    # the coverage summary (the rebuild below makes it again).
    with connection.cursor() as cursor:
        for statement in WIPE_SQL:
            cursor.execute(statement)
        if memberships:
            cursor.execute(WIPE_MEMBERSHIPS_SQL)
        cursor.execute("TRUNCATE supervision_visitcoveragemonth")
    SelfCheckRound.objects.filter(title__startswith=ROUND_TITLE).delete()
    SupervisorAssignment.objects.filter(supervisor__name__startswith=f"{SUPERVISOR_NAME}0").delete()
    Supervisor.objects.filter(name__startswith=f"{SUPERVISOR_NAME}0").delete()


def semester_get() -> Semester:
    semester = Semester.objects.filter(start_date=SEMESTER_START).first()
    if semester is None:
        year, _ = SchoolYear.objects.get_or_create(
            name="2026-2027学年",
            defaults={"start_date": datetime.date(2026, 8, 20), "end_date": datetime.date(2027, 8, 19)},
        )
        semester = Semester.objects.create(school_year=year, term=1, start_date=SEMESTER_START, end_date=SEMESTER_END)
    return semester


@transaction.atomic
def supervisors_make(start: datetime.date) -> int:
    districts = list(SupervisoryDistrict.objects.filter(name__startswith="基准责任区").order_by("number"))
    made = Supervisor.objects.bulk_create(
        [Supervisor(name=f"{SUPERVISOR_NAME}{d.number - 10_000:04d}") for d in districts[1:]]
    )
    SupervisorAssignment.objects.bulk_create(
        [
            SupervisorAssignment(supervisor=s, district=d, start_date=start, is_leader=True)
            for s, d in zip(made, districts[1:], strict=True)
        ]
    )
    return len(made)


# One visit a month per school with a probability of 85 %, on a day spread
# by school id, never after today.
VISITS_SQL = """
INSERT INTO supervision_visit (client_id, school_id, date, kind, mode, methods, findings,
                               submitted_by_id, submitted_at, updated_at)
SELECT gen_random_uuid(), s.id, LEAST(m.first::date + (s.id %% 25)::int, %(today)s::date), 'routine',
       CASE WHEN random() < 0.3 THEN 'unannounced' ELSE 'announced' END,
       '["campus_patrol", "document_review"]'::jsonb, '基准督导记录', %(user)s, now(), now()
FROM schools_school s
CROSS JOIN generate_series(%(start)s::date, %(today)s::date, interval '1 month') AS m(first)
WHERE s.code LIKE '99%%' AND random() < 0.85
"""

PRESENT_SQL = """
INSERT INTO supervision_visit_supervisors (visit_id, supervisor_id)
SELECT DISTINCT ON (v.id) v.id, a.supervisor_id
FROM supervision_visit v
JOIN schools_school s ON s.id = v.school_id AND s.code LIKE '99%%'
JOIN supervision_districtmembership dm ON dm.school_id = v.school_id
     AND dm.start_date <= v.date AND (dm.end_date IS NULL OR dm.end_date >= v.date)
JOIN supervision_supervisorassignment a ON a.district_id = dm.district_id
     AND a.start_date <= v.date AND (a.end_date IS NULL OR a.end_date >= v.date)
ORDER BY v.id, a.supervisor_id
"""

ITEMS_SQL = """
INSERT INTO supervision_visititemresult (visit_id, item_id, item_code, item_title, item_order,
                                         item_is_top_level, result, note)
SELECT v.id, i.id, i.code, i.title, i."order", i.parent_id IS NULL,
       CASE WHEN random() < 0.07 THEN 'non_compliant' WHEN random() < 0.1 THEN 'mostly' ELSE 'compliant' END, ''
FROM supervision_visit v
JOIN schools_school s ON s.id = v.school_id AND s.code LIKE '99%%'
CROSS JOIN (
  SELECT id, code, title, "order", parent_id FROM supervision_supervisionitem
  WHERE active ORDER BY parent_id IS NULL, "order", code LIMIT 10
) i
"""

SELFCHECKS_SQL = """
INSERT INTO schools_selfcheck (round_id, school_id, status, first_submitted_at, first_submitted_on,
                               submitted_at, submitted_by_id, reviewed_at, reviewed_by_id, review_comment,
                               created_at, updated_at)
SELECT %(round)s, s.id, x.status,
       CASE WHEN x.status = 'draft' THEN NULL ELSE x.at END,
       CASE WHEN x.status = 'draft' THEN NULL ELSE x.at::date END,
       CASE WHEN x.status = 'draft' THEN NULL ELSE x.at END, NULL,
       CASE WHEN x.status = 'accepted' THEN x.at + interval '2 days' END,
       CASE WHEN x.status = 'accepted' THEN %(bureau)s END, '', now(), now()
FROM schools_school s
CROSS JOIN LATERAL (
  SELECT CASE WHEN r < 0.8 THEN 'accepted' WHEN r < 0.9 THEN 'submitted' ELSE 'draft' END AS status,
         %(opens)s::timestamptz + (floor(r * 12) || ' days')::interval AS at
  FROM (SELECT random() + 0 * s.id AS r) q
) x
WHERE s.code LIKE '99%%'
"""


def months_until(today: datetime.date) -> list[datetime.date]:
    months, month = [], SEMESTER_START
    while month <= today:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def selfchecks_make(today: datetime.date) -> int:
    bureau = User.objects.get(username="bench_bureau")
    made = 0
    with connection.cursor() as cursor:
        for month in months_until(today)[:-1]:
            last = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            with transaction.atomic():
                rnd = SelfCheckRound.objects.create(
                    title=f"{ROUND_TITLE}{month:%Y-%m}",
                    period_kind="month",
                    month=month,
                    opens_on=month,
                    closes_on=last,
                    created_by=bureau,
                )
                cursor.execute(
                    "INSERT INTO schools_selfcheckround_schools (selfcheckround_id, school_id) "
                    "SELECT %s, id FROM schools_school WHERE code LIKE '99%%'",
                    [rnd.pk],
                )
                cursor.execute(
                    "INSERT INTO schools_selfcheckround_items (selfcheckround_id, supervisionitem_id) "
                    "SELECT %s, id FROM supervision_supervisionitem WHERE active AND parent_id IS NULL",
                    [rnd.pk],
                )
                cursor.execute(SELFCHECKS_SQL, {"round": rnd.pk, "bureau": bureau.pk, "opens": month})
                made += cursor.rowcount
    return made


def scores_make(semester: Semester) -> ScoreRun:
    scheme, created = ScoringScheme.objects.get_or_create(semester=semester)
    if created or not scheme.weights.exists():
        SchemeWeight.objects.bulk_create(
            [
                SchemeWeight(scheme=scheme, indicator=key, weight=Decimal(str(indicator.default_weight)))
                for key, indicator in registry.indicators.items()
            ]
        )
    run = scores_compute(scheme=scheme)
    ScoreRun.objects.filter(scheme=scheme, status=RunStatus.PUBLISHED).exclude(pk=run.pk).update(
        status=RunStatus.SUPERSEDED
    )
    ScoreRun.objects.filter(pk=run.pk).update(
        status=RunStatus.PUBLISHED, document_number="基准〔2026〕1号", published_at=timezone.now()
    )
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=3000)
    parser.add_argument("--classes", type=int, default=30, help="classes per school (homework generator)")
    parser.add_argument("--days", type=int, default=5, help="school days of homework from 2026-09-01")
    parser.add_argument("--items", action="store_true", help="homework with its items (slower)")
    parser.add_argument("--skip-homework", action="store_true", help="keep the homework city already there")
    parser.add_argument("--yes", action="store_true", help="wipe the bench city of this database")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL.")
    if not args.yes:
        sys.exit(f"This wipes the bench city of {connection.settings_dict['NAME']}; add --yes.")
    started = total = time.perf_counter()
    call_command("migrate", verbosity=0)
    wipe(memberships=not args.skip_homework)
    started = step("migrate and wipe the city", started)
    if not args.skip_homework:
        command = [
            sys.executable,
            str(HERE / "generate_homework.py"),
            "--yes",
            f"--schools={args.schools}",
            f"--classes={args.classes}",
            f"--days={args.days}",
            f"--start={SEMESTER_START}",
        ]
        if not args.items:
            command.append("--no-items")
        subprocess.run(command, check=True)  # noqa: S603 (this interpreter, our own script)
        started = step("homework city (bench/generate_homework.py)", started)
    today = timezone.localdate()
    semester = semester_get()
    print(f"  {supervisors_make(SEMESTER_START)} supervisors", flush=True)
    user = User.objects.get(username="bench_supervisor")
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute(VISITS_SQL, {"today": today, "user": user.pk, "start": SEMESTER_START})
        visits = cursor.rowcount
        cursor.execute(PRESENT_SQL)
        cursor.execute(ITEMS_SQL)
        items = cursor.rowcount
    started = step(f"{visits:,} visits, {items:,} item results", started)
    selfchecks = selfchecks_make(today)
    started = step(f"{selfchecks:,} self-checks", started)
    call_command("rebuild_visit_coverage", verbosity=0)
    started = step("visit coverage summary rebuilt", started)
    with connection.cursor() as cursor:
        for table in (
            "supervision_visit",
            "supervision_visit_supervisors",
            "supervision_visititemresult",
            "schools_selfcheck",
            "supervision_visitcoveragemonth",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    started = step("vacuum analyze", started)
    run = scores_make(semester)
    step(f"score run {run.pk} computed ({run.scores.count():,} schools) and marked published", started)
    print(f"city ready in {time.perf_counter() - total:.0f} s")


if __name__ == "__main__":
    main()
