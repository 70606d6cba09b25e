"""Demo homework, after-school and five-management records for the demo
district: the last three school weeks of the current semester, with a few
classes over the cap so that every page has something to show.

Idempotent: class-days, service days and records that exist are left alone,
so running the demo again adds nothing."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from schools.afterschool.services import afterschool_plan_save
from schools.fivemanagement.services import five_management_save
from schools.homework.models import week_start
from schools.homework.services import homework_days_recompute
from schools.models import (
    AfterSchoolDay,
    AfterSchoolPlan,
    FiveManagementRecord,
    HomeworkDay,
    HomeworkItem,
    HomeworkPublication,
    School,
    Semester,
)
from schools.register.classes import school_classes_sync

# (subject code, content, written) by school stage.
PRIMARY_LOWER = [
    ("chinese", "亲子阅读绘本一本", False),
    ("chinese", "朗读课文《小蝌蚪找妈妈》三遍", False),
    ("maths", "和家长玩口算接龙游戏", False),
    ("pe", "跳绳三百下", False),
    ("music", "唱会新学的儿歌", False),
]


PRIMARY_UPPER = [
    ("chinese", "抄写第5课生字词并组词", True),
    ("chinese", "完成语文练习册第12-13页", True),
    ("chinese", "背诵古诗《山行》", False),
    ("maths", "完成课本第36页练习第1-4题", True),
    ("maths", "口算练习一页", True),
    ("maths", "整理本周错题", True),
    ("english", "听读Unit 3课文三遍", False),
    ("english", "抄写本课单词两遍", True),
    ("science", "观察一株植物并画下来", True),
    ("pe", "跳绳或仰卧起坐15分钟", False),
]


JUNIOR = [
    ("chinese", "完成《背影》课后练习", True),
    ("chinese", "课外名著阅读《朝花夕拾》", False),
    ("maths", "完成同步练习第2.3节", True),
    ("maths", "订正单元测试错题", True),
    ("english", "完成Unit 4同步练习", True),
    ("english", "跟读课文录音", False),
    ("physics", "完成课时作业第3节", True),
    ("history", "整理第二单元知识提纲", True),
    ("geography", "填绘中国政区图", True),
    ("biology", "完成学案第5课", True),
    ("pe", "慢跑或跳绳20分钟", False),
]


MINUTES_WRITTEN = [10, 15, 15, 20, 20, 25, 30]


def _demo_weeks(today: datetime.date) -> tuple[Semester | None, list[datetime.date]]:
    semester = Semester.objects.current(today)
    anchor = min(today, semester.end_date) if semester else today
    monday = week_start(anchor)
    mondays = [monday - datetime.timedelta(days=7 * n) for n in (2, 1, 0)]
    if semester:
        mondays = [m for m in mondays if m + datetime.timedelta(days=4) >= semester.start_date]
    return semester, mondays


def _school_days(mondays: list[datetime.date], today: datetime.date) -> list[datetime.date]:
    return [
        m + datetime.timedelta(days=i) for m in mondays for i in range(5) if m + datetime.timedelta(days=i) <= today
    ]


def _homework_for(rng: random.Random, grade: int) -> list[tuple[str, str, bool, int]]:
    """A plausible day of homework; now and then more than the cap allows."""
    if grade <= 2:
        items = [(s, c, w, rng.choice([10, 15, 20])) for s, c, w in rng.sample(PRIMARY_LOWER, 2)]
        if rng.random() < 0.05:  # the odd worksheet that should not go home
            items.append(("maths", "口算练习纸一张", True, 10))
        return items
    pool, count, budget = (PRIMARY_UPPER, 3, 60) if grade <= 6 else (JUNIOR, 4, 90)
    items = []
    for subject, content, written in rng.sample(pool, count):
        items.append((subject, content, written, rng.choice(MINUTES_WRITTEN) if written else 15))
    written_total = sum(m for _, _, w, m in items if w)
    if written_total > budget and rng.random() < 0.7:
        # Most teachers trim to the cap; the rest is what supervisors look for.
        items = [(s, c, w, max(5, m * budget // written_total)) if w else (s, c, w, m) for s, c, w, m in items]
    return items


def _homework(rng: random.Random, school: School, dates: list[datetime.date]) -> None:
    classes = school_classes_sync(school=school)
    existing = set(HomeworkDay.objects.filter(school=school, date__in=dates).values_list("school_class_id", "date"))
    specs = {}
    for school_class in classes:
        for date in dates:
            if (school_class.pk, date) not in existing:
                specs[(school_class, date)] = _homework_for(rng, school_class.grade)
    if not specs:
        return
    days = HomeworkDay.objects.bulk_create(
        [HomeworkDay(school_class=c, school=school, grade=c.grade, date=d) for (c, d) in specs]
    )
    HomeworkItem.objects.bulk_create(
        [
            HomeworkItem(
                day=day,
                order=i,
                subject=subject,
                content=content,
                written=written,
                minutes=minutes,
                kind="optional" if i == 3 else "basic",
                layered=rng.random() < 0.2,
            )
            for day, items in zip(days, specs.values(), strict=True)
            for i, (subject, content, written, minutes) in enumerate(items)
        ]
    )
    homework_days_recompute(days=HomeworkDay.objects.filter(school=school, date__in=dates))


def _service(rng: random.Random, school: School, semester: Semester, dates: list[datetime.date]) -> None:
    plan = AfterSchoolPlan.objects.filter(school=school, semester=semester).first()
    if plan is not None:
        _service_days(rng, school, plan.end_time, dates)
        return
    end = datetime.time(17, 30) if rng.random() < 0.85 else datetime.time(17, 0)
    afterschool_plan_save(
        school=school,
        semester=semester,
        fields={
            "start_time": datetime.time(15, 30),
            "end_time": end,
            "contents": rng.sample(["homework_help", "reading", "sport", "arts", "science", "interest_groups"], 4),
            "staff": "本校教师轮值，校外体育、艺术机构协助",
            "staff_count": rng.randint(12, 40),
            "fee_policy": rng.choice(["free", "cost_sharing", "subsidised"]),
            "three_nos_declared": rng.random() < 0.9,
        },
        by=None,
    )
    _service_days(rng, school, end, dates)


def _service_days(rng: random.Random, school: School, end: datetime.time, dates: list[datetime.date]) -> None:
    pupils = max(sum(e.pupils for e in school.enrolments.all()), 100)
    existing = set(AfterSchoolDay.objects.filter(school=school, date__in=dates).values_list("date", flat=True))
    rows = []
    for date in dates:
        if date in existing:
            continue
        requested = int(pupils * rng.uniform(0.75, 0.95))
        row = AfterSchoolDay(
            school=school,
            date=date,
            held=True,
            start_time=datetime.time(15, 30),
            end_time=end,
            pupils_requested=requested,
            pupils_attended=requested - (rng.randint(0, 6) if rng.random() < 0.5 else 0),
            contents=["homework_help", rng.choice(["reading", "sport", "arts", "science"])],
        )
        row.derive_minutes()
        rows.append(row)
    AfterSchoolDay.objects.bulk_create(rows)


def _five(rng: random.Random, school: School, semester: Semester) -> None:
    # A few schools have not reported yet (chosen by code, so a rerun agrees).
    if int(school.code) % 7 == 3 or FiveManagementRecord.objects.filter(school=school, semester=semester).exists():
        return
    primary = int(rng.uniform(300, 1200))
    junior = int(rng.uniform(300, 900))
    five_management_save(
        school=school,
        semester=semester,
        fields={
            "sleep_survey_date": semester.start_date + datetime.timedelta(days=30),
            "primary_pupils_surveyed": primary,
            "primary_pupils_enough_sleep": int(primary * rng.uniform(0.78, 0.96)),
            "junior_pupils_surveyed": junior,
            "junior_pupils_enough_sleep": int(junior * rng.uniform(0.6, 0.9)),
            "phone_policy": True,
            "phones_kept_by_school": rng.random() < 0.9,
            "reading_list_reviewed": rng.random() < 0.85,
            "reading_reviewed_on": semester.start_date + datetime.timedelta(days=14),
            "long_break_daily": True,
            "pe_hour_in_school": rng.random() < 0.8,
        },
        by=None,
    )


@transaction.atomic
def build_records_demo(rng: random.Random, *, today: datetime.date) -> None:
    semester, mondays = _demo_weeks(today)
    dates = _school_days(mondays, today)
    for school in School.objects.filter(active=True).prefetch_related("enrolments").order_by("code"):
        _homework(rng, school, dates)
        # Reviewed and published: every week but the current one.
        for monday in mondays[:-1]:
            HomeworkPublication.objects.get_or_create(school=school, week_start=monday)
        if semester is not None:
            _service(rng, school, semester, dates)
            _five(rng, school, semester)
