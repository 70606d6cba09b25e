"""A city's worth of complaints for the benchmarks (PostgreSQL only).

Adds --cases complaint cases (default 50,000) received over a semester
(--days calendar days, default 140, ending today) to the active schools of an
existing city database (``generate_homework.py`` makes one: 3,000 schools,
the ``bench_bureau`` account), each with its "received" event, so that the
bureau's complaint list can be timed on realistic sizes
(``time_complaints.py``).

The rows are made by PostgreSQL itself (``INSERT ... SELECT`` over
``generate_series``), in a few statements. Cases older than 40 days are
nearly all closed (some not accepted or awaiting the complainant); the
recent ones are spread over the open states, some past their time limits.
The limits are approximated (5 and 30 calendar days after arrival), not
counted on the working calendar: the list only compares them with today.

Bench cases are told apart by their number (the day's sequence from 5001,
where the portal's own start at 0001) and their description; a new run
deletes the previous run's first, so it refuses to run without --yes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_bench \\
        .venv/bin/python bench/generate_complaints.py --yes
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from schools.models import School  # noqa: E402
from supervision.models import ComplaintCase, ComplaintCategory, ComplaintEvent  # noqa: E402

DESCRIPTION_PREFIX = "基准投诉："
FIRST_SEQUENCE = 5001

CASES_SQL = """
INSERT INTO {case} (
    number, query_code_hash, school_id, category_id, channel, received_at, happened_on, description,
    school_summary, real_name, name_encrypted, phone_encrypted, phone_hash, status, accept_due, conclude_due,
    extension_reason, not_accepted_reason, assignee_kind, assignment_note, findings, outcome, liability,
    liable_person, measures, conclusion, concluded_at, reply, replied_at, closed_at, reopen_count,
    created_at, updated_at
)
SELECT
    'TS' || to_char(received_at AT TIME ZONE %(tz)s, 'YYYYMMDD') || '-'
        || lpad((%(first)s - 1 + row_number() OVER (
            PARTITION BY (received_at AT TIME ZONE %(tz)s)::date ORDER BY received_at))::text, 4, '0'),
    'hmac-sha256$' || md5(i::text || random()::text),
    school_id, category_id, channel, received_at, (received_at AT TIME ZONE %(tz)s)::date - 2,
    %(prefix)s || (ARRAY['周六组织集体补课', '作业每天超过两小时', '教师有偿补课', '按成绩分班',
                         '收取资料费', '假期到校上新课'])[1 + (i %% 6)],
    CASE WHEN status IN ('assigned', 'investigating', 'concluded', 'replied', 'closed') THEN '请核查' ELSE '' END,
    false, '', '', '', status,
    (received_at AT TIME ZONE %(tz)s)::date + 5,
    (received_at AT TIME ZONE %(tz)s)::date + 30,
    '', CASE WHEN status = 'not_accepted' THEN '不属于受理范围' ELSE '' END,
    CASE WHEN status IN ('assigned', 'investigating', 'concluded', 'replied', 'closed') THEN 'school' ELSE '' END,
    '', '', CASE WHEN status IN ('concluded', 'replied', 'closed') THEN 'not_substantiated' ELSE '' END,
    CASE WHEN status IN ('concluded', 'replied', 'closed') THEN 'none' ELSE '' END,
    '', '', CASE WHEN status IN ('concluded', 'replied', 'closed') THEN '未查实' ELSE '' END,
    CASE WHEN status IN ('concluded', 'replied', 'closed') THEN received_at + interval '12 days' END,
    CASE WHEN status IN ('replied', 'closed') THEN '经核查未查实' ELSE '' END,
    CASE WHEN status IN ('replied', 'closed') THEN received_at + interval '13 days' END,
    CASE WHEN status = 'closed' THEN received_at + interval '20 days' END,
    0, received_at, received_at
FROM (
    SELECT i, received_at,
        schools[1 + floor(r1 * array_length(schools, 1))::int] AS school_id,
        categories[1 + floor(r2 * array_length(categories, 1))::int] AS category_id,
        CASE WHEN r3 < 0.7 THEN 'web' WHEN r3 < 0.95 THEN 'hotline' ELSE 'letter' END AS channel,
        CASE
            WHEN received_at < now() - interval '40 days' THEN
                CASE WHEN r4 < 0.90 THEN 'closed' WHEN r4 < 0.95 THEN 'not_accepted' ELSE 'replied' END
            ELSE
                (ARRAY['received', 'accepted', 'assigned', 'investigating', 'concluded', 'replied', 'closed',
                       'closed', 'closed', 'not_accepted'])[1 + floor(r4 * 10)::int]
        END AS status
    FROM (
        SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
               now() - (random() * %(days)s) * interval '1 day' AS received_at
        FROM generate_series(1, %(cases)s) AS i
    ) AS draws,
    (SELECT array_agg(id ORDER BY id) AS schools FROM {school} WHERE active) AS s,
    (SELECT array_agg(id ORDER BY id) AS categories FROM {category} WHERE active) AS c
) AS drawn
"""

EVENTS_SQL = """
INSERT INTO {event} (case_id, action, from_status, to_status, by_id, at, note, notified_at)
SELECT id, 'received', '', 'received', NULL, received_at, '', NULL
FROM {case} WHERE description LIKE %(like)s
"""


def wipe() -> int:
    """Delete the previous run's cases and events in two statements (no
    model signals: the bench rows were never audited either)."""
    like = [DESCRIPTION_PREFIX + "%"]
    case, event = ComplaintCase._meta.db_table, ComplaintEvent._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {event} WHERE case_id IN (SELECT id FROM {case} WHERE description LIKE %s)",  # noqa: S608
            like,
        )
        cursor.execute(f"DELETE FROM {case} WHERE description LIKE %s", like)  # noqa: S608 - model table
        return int(cursor.rowcount)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=140, help="calendar days ending today (default 140, a semester)")
    parser.add_argument("--yes", action="store_true", help="delete the previous run's bench cases first")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("generate_complaints.py needs PostgreSQL")
    if not args.yes:
        sys.exit("This deletes the bench complaint cases of the database named by DATABASE_URL: add --yes.")
    if not 1 <= args.cases <= 2_000_000 or not 1 <= args.days <= 3650:
        parser.error("--cases between 1 and 2,000,000, --days between 1 and 3650")
    if args.cases / args.days > 9000 - FIRST_SEQUENCE:
        parser.error("too many cases a day for the numbers TSyyyymmdd-5001 to -9999")
    schools = School.objects.filter(active=True).count()
    if not schools or not ComplaintCategory.objects.filter(active=True).exists():
        sys.exit("no active schools or complaint categories: run generate_homework.py (and migrate) first")
    name = connection.settings_dict["NAME"]
    print(f"{args.cases:,} complaints over {args.days} days, {schools:,} schools, into {name}", flush=True)
    started = time.perf_counter()
    print(f"  previous bench cases deleted: {wipe():,}", flush=True)
    tables = {
        "case": ComplaintCase._meta.db_table,
        "event": ComplaintEvent._meta.db_table,
        "school": School._meta.db_table,
        "category": ComplaintCategory._meta.db_table,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            CASES_SQL.format(**tables),
            {
                "tz": str(connection.timezone_name),
                "first": FIRST_SEQUENCE,
                "prefix": DESCRIPTION_PREFIX,
                "days": args.days,
                "cases": args.cases,
            },
        )
        made = cursor.rowcount
        cursor.execute(EVENTS_SQL.format(**tables), {"like": DESCRIPTION_PREFIX + "%"})
        cursor.execute(f"ANALYZE {tables['case']}")
    total = ComplaintCase.objects.count()
    print(f"  {made:,} cases and their events in {time.perf_counter() - started:.1f} s; {total:,} cases in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
