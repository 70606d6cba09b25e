"""City-scale homework data for the benchmarks (PostgreSQL only).

Makes a city of --schools schools (default 3,000) with --classes classes each
(default 30, so 90,000 classes), grouped 20 to a supervisory district, and
homework for --days school days (Monday to Friday) from --start: by default
one week. ``--days 22`` is about a month, ``--year`` is 180 school days from
the start of the school year (16.2 million class-days).

Class-days and items are made by the database itself (INSERT ... SELECT over
generate_series, with random minutes around the caps), so the run is bounded
by PostgreSQL, not Python. With ``--no-items`` only the class-days are made,
with their totals: the compliance pages read nothing else, and for a full year
this saves some 50 million item rows.

It wipes the homework tables and the bench schools (codes starting 99) of the
database named by DATABASE_URL first, so it refuses to run without --yes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_bench \\
        .venv/bin/python bench/generate_homework.py --yes
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from jianfu.models import User  # noqa: E402
from jianfu.roles import Role  # noqa: E402
from schools.models import (  # noqa: E402
    GradeEnrolment,
    HomeworkDay,
    HomeworkItem,
    HomeworkMonthSummary,
    HomeworkSummary,
    School,
    SchoolClass,
    SchoolType,
    SchoolYear,
    Semester,
    Term,
)
from supervision.models import (  # noqa: E402
    DistrictMembership,
    Supervisor,
    SupervisorAssignment,
    SupervisoryDistrict,
)

CODE_PREFIX = "99"
SCHOOLS_PER_DISTRICT = 20


def school_days(start: datetime.date, count: int) -> list[datetime.date]:
    days: list[datetime.date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def step(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label}: {now - started:.1f} s", flush=True)
    return now


def wipe() -> None:
    tables = [
        HomeworkItem._meta.db_table,
        HomeworkDay._meta.db_table,
        HomeworkSummary._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
    bench = School.objects.filter(code__startswith=CODE_PREFIX)
    DistrictMembership.objects.filter(school__in=bench).delete()
    SupervisorAssignment.objects.filter(district__name__startswith="基准责任区").delete()
    SupervisoryDistrict.objects.filter(name__startswith="基准责任区").delete()
    SchoolClass.objects.filter(school__in=bench).delete()
    GradeEnrolment.objects.filter(school__in=bench).delete()
    User.objects.filter(username__in=["bench_bureau", "bench_supervisor"]).delete()
    Supervisor.objects.filter(name="基准督学").delete()
    SchoolYear.objects.filter(name__startswith="基准").delete()
    bench.delete()


@transaction.atomic
def make_city(schools: int, classes: int, start: datetime.date) -> None:
    rows = []
    for i in range(schools):
        junior = i % 3 == 2
        rows.append(
            School(
                code=f"{CODE_PREFIX}{i:08d}",
                name=f"基准学校{i + 1:05d}",
                school_type=SchoolType.JUNIOR if junior else SchoolType.PRIMARY,
                town=f"基准街道{i // 100 + 1}",
            )
        )
    School.objects.bulk_create(rows, batch_size=1000)
    made = list(School.objects.filter(code__startswith=CODE_PREFIX).order_by("code"))
    enrolments, class_rows = [], []
    for school in made:
        grades = list(school.grades)
        for k, grade in enumerate(grades):
            count = classes // len(grades) + (1 if k < classes % len(grades) else 0)
            enrolments.append(GradeEnrolment(school=school, grade=grade, classes=count, pupils=count * 42))
            class_rows += [SchoolClass(school=school, grade=grade, number=n) for n in range(1, count + 1)]
    GradeEnrolment.objects.bulk_create(enrolments, batch_size=5000)
    SchoolClass.objects.bulk_create(class_rows, batch_size=5000)
    districts = SupervisoryDistrict.objects.bulk_create(
        [
            SupervisoryDistrict(name=f"基准责任区{n:03d}", number=10_000 + n)
            for n in range(1, (schools + SCHOOLS_PER_DISTRICT - 1) // SCHOOLS_PER_DISTRICT + 1)
        ]
    )
    DistrictMembership.objects.bulk_create(
        [
            DistrictMembership(school=s, district=districts[i // SCHOOLS_PER_DISTRICT], start_date=start)
            for i, s in enumerate(made)
        ],
        batch_size=5000,
    )
    # No passwords: the timing script signs them in with force_login.
    User.objects.create_user("bench_bureau", role=Role.BUREAU, is_staff=True)
    user = User.objects.create_user("bench_supervisor", role=Role.SUPERVISOR)
    supervisor = Supervisor.objects.create(user=user, name="基准督学")
    SupervisorAssignment.objects.create(supervisor=supervisor, district=districts[0], start_date=start)
    # The school year of the homework: the dashboard shows a semester's.
    first = start.year if start.month >= 8 else start.year - 1
    year = SchoolYear.objects.create(
        name=f"基准{first}-{first + 1}学年",
        start_date=datetime.date(first, 8, 20),
        end_date=datetime.date(first + 1, 8, 19),
    )
    Semester.objects.create(
        school_year=year,
        term=Term.FIRST,
        start_date=datetime.date(first, 9, 1),
        end_date=datetime.date(first + 1, 1, 31),
    )
    Semester.objects.create(
        school_year=year,
        term=Term.SECOND,
        start_date=datetime.date(first + 1, 2, 20),
        end_date=datetime.date(first + 1, 7, 10),
    )


# Minutes of written homework around the caps: grades 1-2 almost never any,
# 3-6 two written items of 10-30 minutes (now and then 30 more), 7-9 three
# of 15-30 (now and then 25 more): some 3-7 % of class-days over the cap.
#
# Volatile random() sits in the target list of a subquery in FROM, which
# PostgreSQL evaluates row by row (in a LATERAL it may memoize it per grade).
ITEMS_SQL = """
INSERT INTO {item} (day_id, "order", subject, content, kind, written, minutes, layered)
SELECT day_id, n - 1, (ARRAY['chinese','maths','english','science'])[n], '基准作业' || n,
       CASE WHEN n = 4 THEN 'optional' ELSE 'basic' END, written,
       CASE
         WHEN NOT written THEN 10 + floor(r1 * 21)::int
         WHEN grade <= 2 THEN 10
         WHEN grade <= 6 THEN 10 + floor(r1 * 21)::int + CASE WHEN r2 < 0.04 THEN 30 ELSE 0 END
         ELSE 15 + floor(r1 * 16)::int + CASE WHEN r2 < 0.04 THEN 25 ELSE 0 END
       END,
       r3 < 0.2
FROM (
  SELECT d.id AS day_id, d.grade, n, random() AS r1, random() AS r2, random() AS r3,
         CASE WHEN d.grade <= 2 THEN n = 1 AND random() < 0.03
              WHEN d.grade <= 6 THEN n <= 2
              ELSE n <= 3 END AS written
  FROM {day} d CROSS JOIN generate_series(1, 4) AS n
  WHERE n <= d.item_count AND d.date >= %s AND d.date <= %s
  OFFSET 0
) x
"""

TOTALS_SQL = """
UPDATE {day} d
SET written_minutes = COALESCE(t.written, 0), total_minutes = t.total
FROM (
  SELECT day_id, SUM(minutes) FILTER (WHERE written) AS written, SUM(minutes) AS total
  FROM {item} GROUP BY day_id
) t
WHERE t.day_id = d.id
"""

# Without items: the same distribution drawn straight into the totals.
DAYS_SQL = """
INSERT INTO {day} (school_class_id, school_id, grade, date, written_minutes, total_minutes, item_count, updated_at)
SELECT class_id, school_id, grade, day, written, written + 15, CASE WHEN grade <= 2 THEN 2 ELSE 4 END, now()
FROM (
  SELECT c.id AS class_id, c.school_id, c.grade, d.day,
         CASE
           WHEN c.grade <= 2 THEN CASE WHEN random() < 0.03 THEN 10 ELSE 0 END
           WHEN c.grade <= 6 THEN 20 + floor(random() * 21)::int + floor(random() * 21)::int
                                  + CASE WHEN random() < 0.04 THEN 30 ELSE 0 END
           ELSE 45 + floor(random() * 16)::int + floor(random() * 16)::int + floor(random() * 16)::int
                                  + CASE WHEN random() < 0.04 THEN 25 ELSE 0 END
         END AS written
  FROM {cls} c
  JOIN {school} s ON s.id = c.school_id AND s.code LIKE '{prefix}%%'
  CROSS JOIN unnest(%s::date[]) AS d(day)
  OFFSET 0
) x
"""

EMPTY_DAYS_SQL = """
INSERT INTO {day} (school_class_id, school_id, grade, date, written_minutes, total_minutes, item_count, updated_at)
SELECT c.id, c.school_id, c.grade, d.day, 0, 0, CASE WHEN c.grade <= 2 THEN 2 ELSE 4 END, now()
FROM {cls} c
JOIN {school} s ON s.id = c.school_id AND s.code LIKE '{prefix}%%'
CROSS JOIN unnest(%s::date[]) AS d(day)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=3000)
    parser.add_argument("--classes", type=int, default=30, help="classes per school")
    parser.add_argument("--start", type=datetime.date.fromisoformat, default=datetime.date(2026, 9, 1))
    parser.add_argument("--days", type=int, default=5, help="school days from --start (default: a week)")
    parser.add_argument("--year", action="store_true", help="180 school days, a school year")
    parser.add_argument("--no-items", dest="items", action="store_false", help="class-day totals only")
    parser.add_argument("--yes", action="store_true", help="wipe the homework tables of this database")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL.")
    if not args.yes:
        sys.exit(f"This wipes the homework tables of {connection.settings_dict['NAME']}; add --yes.")
    days = school_days(args.start, 180 if args.year else args.days)
    print(
        f"{args.schools} schools x {args.classes} classes x {len(days)} days ({days[0]} to {days[-1]}), "
        f"{'with' if args.items else 'without'} items, into {connection.settings_dict['NAME']}"
    )
    started = total = time.perf_counter()
    call_command("migrate", verbosity=0)
    wipe()
    started = step("migrate and wipe", started)
    make_city(args.schools, args.classes, args.start)
    started = step("schools, classes, districts", started)
    names = {
        "day": HomeworkDay._meta.db_table,
        "item": HomeworkItem._meta.db_table,
        "cls": SchoolClass._meta.db_table,
        "school": School._meta.db_table,
        "prefix": CODE_PREFIX,
    }
    with connection.cursor() as cursor:
        # A month at a time keeps each statement's memory and WAL in bounds.
        for i in range(0, len(days), 20):
            chunk = days[i : i + 20]
            with transaction.atomic():
                if args.items:
                    cursor.execute(EMPTY_DAYS_SQL.format(**names), [chunk])
                    cursor.execute(ITEMS_SQL.format(**names), [chunk[0], chunk[-1]])
                else:
                    cursor.execute(DAYS_SQL.format(**names), [chunk])
            started = step(f"class-days {chunk[0]} to {chunk[-1]}", started)
        if args.items:
            cursor.execute(TOTALS_SQL.format(**names))
            started = step("totals from the items", started)
    # The rows were made by SQL, past the services that keep the summaries:
    # rebuild them as after a change of the caps.
    call_command("rebuild_homework_summaries", verbosity=0)
    started = step("homework summaries rebuilt", started)
    with connection.cursor() as cursor:
        tables = (names["day"], names["item"], names["cls"], HomeworkSummary._meta.db_table)
        # The month summaries too: without their statistics and visibility
        # map a year's read is a bitmap heap scan, several times slower.
        for table in (*tables, HomeworkMonthSummary._meta.db_table):
            cursor.execute(f"VACUUM ANALYZE {table}")
    step("vacuum analyze", started)
    print(
        f"{HomeworkDay.objects.count():,} class-days, {HomeworkItem.objects.count():,} items "
        f"in {time.perf_counter() - total:.0f} s"
    )


if __name__ == "__main__":
    main()
