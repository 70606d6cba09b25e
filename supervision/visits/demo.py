"""Demo visits and rectifications for `manage.py demo_data`.

Each school gets a monthly visit from one of its district's supervisors for
the past months of the current semester (a few months missed, so coverage
shows gaps) and for this month when the visit is already done; a few items
are non-compliant and raise demands, which stand at every stage of the loop
(open, overdue, answered, returned, accepted with a follow-up visit).

Idempotent: every visit has a client id derived from the school and month,
so running the demo again adds nothing twice."""

from __future__ import annotations

import datetime
import io
import random
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from schools.models import School, Semester
from supervision.models import (
    DistrictMembership,
    ItemResult,
    Rectification,
    RectificationAction,
    RectificationAnswer,
    RectificationEvent,
    RectificationStatus,
    SupervisionItem,
    SupervisorAssignment,
    Visit,
    VisitItemResult,
    VisitKind,
    VisitMethod,
    VisitMode,
    VisitPhoto,
)
from supervision.visits.models import month_bounds

DEMO_NAMESPACE = uuid.UUID("6f1d3c2e-8a4b-4c61-9d3e-2b7a5f0e9c11")


FINDINGS = [
    "随堂听课两节，课堂容量适中；查阅了本周作业登记和公示记录，各班作业总量基本符合要求。",
    "巡查课后服务，开设阅读、体育、科技兴趣小组，学生自愿参加，家长满意度较高。",
    "与五名学生座谈，反映周末无集体补课；抽查学生作业本，分层作业落实较好。",
    "查阅作息时间表，上午第一节课8:25开始；大课间30分钟，活动组织有序。",
    "检查手机管理台账，学生手机统一保管；抽查读物清单，进校园读物经过审核。",
    "列席教研组会议，讨论作业设计；部分学科作业统筹不够，需年级组加强协调。",
]


PROBLEMS: dict[str, tuple[str, str]] = {
    "4.1": (
        "三年级部分班级语文、数学作业合计约80分钟，超过60分钟上限。",
        "统筹各学科作业总量，三至六年级不超过60分钟，并每日公示。",
    ),
    "4.2": ("作业公示栏两周未更新，缺少弹性作业安排。", "恢复作业公示，补充基础作业加弹性作业的分层设计。"),
    "4.3": ("课后服务每周仅开设三天，结束时间早于下班时间。", "课后服务调整为每周5天、每天不少于2小时。"),
    "4.5": ("大课间被压缩为15分钟。", "恢复30分钟大课间，保证每天1小时校内体育活动。"),
    "4.8": ("期中考试后在班级群公布成绩排名。", "立即停止公布考试成绩和排名，召开教师会议通报。"),
    "3.2": ("周六组织初三学生到校集体补课。", "立即停止双休日集体补课，向家长说明并退还相关费用。"),
    "2.2": ("七年级存在以“实验班”名义的快慢班。", "按均衡编班要求重新编班，并向社会公示。"),
}


PLANS = [
    "已召开年级组会议统筹作业，建立作业时长每日登记和每周公示制度，附公示照片。",
    "已调整课后服务安排，每周五天开设，延长至17:30，附新的课表和家长告知书。",
    "已在教师大会通报，签订承诺书，并由教务处每周抽查，附会议记录。",
]


def _photo(rng: random.Random) -> ContentFile:
    """A plain demo picture (a notice board): no camera, no metadata."""
    image = Image.new("RGB", (800, 600), (rng.randint(180, 230), rng.randint(190, 235), rng.randint(200, 240)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 80, 720, 520), outline=(60, 80, 120), width=8)
    for y in range(140, 500, 60):
        draw.line((120, y, 680, y), fill=(90, 110, 150), width=6)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return ContentFile(out.getvalue(), name="demo.jpg")


def _months(today: datetime.date) -> list[datetime.date]:
    semester = Semester.objects.current(today)
    start = semester.start_date if semester else today - datetime.timedelta(days=120)
    months: list[datetime.date] = []
    month = start.replace(day=1)
    while month <= today:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months[-5:]


def _event(r: Rectification, action: str, before: str, by: Any, at: datetime.datetime, note: str = "") -> None:
    RectificationEvent.objects.create(
        rectification=r, action=action, from_status=before, to_status=r.status, by=by, at=at, note=note
    )


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    # Not after now: a visit of today "submitted at 16:00" showed a time
    # ahead of the clock when the demo was built in the morning.
    return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0))), timezone.now())


@transaction.atomic
def build_visits_demo(rng: random.Random, *, today: datetime.date | None = None) -> int:
    """Add the demo visits (and their demands) that are not there yet;
    returns the number of visits added."""
    today = today or timezone.localdate()
    seed = rng.randint(0, 10**9)
    items = {i.code: i for i in SupervisionItem.objects.filter(active=True)}
    if not items:
        return 0
    memberships = {
        m.school_id: m.district_id for m in DistrictMembership.objects.active_on(today).select_related("school")
    }
    supervisors_by_district: dict[int, list[Any]] = {}
    for a in SupervisorAssignment.objects.active_on(today).select_related("supervisor__user").order_by("-is_leader"):
        if a.supervisor.user_id:
            supervisors_by_district.setdefault(a.district_id, []).append(a.supervisor)
    schools = list(School.objects.filter(active=True, pk__in=memberships).order_by("code"))
    months = _months(today)
    added = 0
    for school in schools:
        principal = school.accounts.filter(is_active=True).order_by("pk").first()
        team = supervisors_by_district.get(memberships[school.pk], [])
        if not team:
            continue
        for index, month in enumerate(months):
            # One generator per school and month: the same choices on every
            # run, whatever was already there, so the demo stays idempotent.
            rng = random.Random(f"{seed}:{school.code}:{month:%Y-%m}")  # noqa: S311 - demo data
            current = index == len(months) - 1
            # Most schools are visited every month; this month only some so far.
            if rng.random() > (0.5 if current else 0.9):
                continue
            first, last = month_bounds(month)
            last = min(last, today)
            day = first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))
            client_id = uuid.uuid5(DEMO_NAMESPACE, f"visit:{school.code}:{month:%Y-%m}")
            if Visit.objects.filter(client_id=client_id).exists():
                continue
            lead = team[0] if rng.random() < 0.7 else rng.choice(team)
            visit = Visit.objects.create(
                client_id=client_id,
                school=school,
                date=day,
                kind=VisitKind.ROUTINE,
                mode=VisitMode.UNANNOUNCED if rng.random() < 0.3 else VisitMode.ANNOUNCED,
                methods=sorted(rng.sample(VisitMethod.values, k=rng.randint(2, 4))),
                findings=rng.choice(FINDINGS),
                submitted_by=lead.user,
                submitted_at=_at(day, 16),
            )
            visit.supervisors.set({lead.pk, rng.choice(team).pk})
            added += 1
            codes = sorted(rng.sample(sorted(items), k=min(len(items), 7)), key=lambda c: items[c].order)
            for code in codes:
                problem = PROBLEMS.get(code)
                roll = rng.random()
                if problem and roll < 0.25:
                    result = ItemResult.NON_COMPLIANT
                elif roll < 0.35:
                    result = ItemResult.MOSTLY
                else:
                    result = ItemResult.COMPLIANT
                row = VisitItemResult.objects.create(
                    visit=visit,
                    item=items[code],
                    item_code=code,
                    item_title=items[code].title,
                    item_order=items[code].order,
                    item_is_top_level=items[code].parent_id is None,
                    result=result,
                    note=problem[0] if result == ItemResult.NON_COMPLIANT and problem else "",
                )
                if result == ItemResult.NON_COMPLIANT and problem:
                    _demo_demand(rng, visit, row, problem[1], lead, principal, today, team)
            if rng.random() < 0.35:
                photo = VisitPhoto(visit=visit, size=0, width=800, height=600)
                photo.image.save("demo.jpg", _photo(rng), save=False)
                photo.size = photo.image.size
                photo.save()
    return added


def _demo_demand(
    rng: random.Random,
    visit: Visit,
    row: VisitItemResult,
    demand: str,
    lead: Any,
    principal: Any,
    today: datetime.date,
    team: list[Any],
) -> None:
    deadline = visit.date + datetime.timedelta(days=rng.choice([14, 21, 30]))
    r = Rectification.objects.create(
        school=visit.school,
        visit=visit,
        visit_item=row,
        title=f"{row.item_code} {row.item_title}"[:200],
        description=demand,
        deadline=deadline,
        raised_by=lead.user,
        raised_at=_at(visit.date, 16),
        notified_at=_at(visit.date, 16),
    )
    _event(r, RectificationAction.RAISED, "", lead.user, r.raised_at)
    age = (today - visit.date).days
    if principal is None or age < 5 or rng.random() < 0.2:
        return  # still open (overdue once its deadline has passed)
    answered_on = min(today, visit.date + datetime.timedelta(days=rng.randint(3, 20)))
    RectificationAnswer.objects.create(
        rectification=r, plan=rng.choice(PLANS), by=principal, at=_at(answered_on), notified_at=_at(answered_on)
    )
    r.status = RectificationStatus.ANSWERED
    _event(r, RectificationAction.ANSWERED, RectificationStatus.OPEN, principal, _at(answered_on))
    if age < 20:
        r.save()
        return
    checked_on = min(today, answered_on + datetime.timedelta(days=rng.randint(2, 10)))
    if rng.random() < 0.25:
        r.status = RectificationStatus.RETURNED
        _event(
            r,
            RectificationAction.RETURNED,
            RectificationStatus.ANSWERED,
            lead.user,
            _at(checked_on, 15),
            "佐证材料不足，请补充近两周的作业公示记录。",
        )
        r.save()
        return
    follow_up = Visit.objects.create(
        client_id=uuid.uuid5(DEMO_NAMESPACE, f"follow-up:{r.pk}:{visit.client_id}"),
        school=visit.school,
        date=checked_on,
        kind=VisitKind.FOLLOW_UP,
        mode=VisitMode.UNANNOUNCED,
        methods=[VisitMethod.DOCUMENT_REVIEW, VisitMethod.INTERVIEW],
        findings="回访核查整改情况：整改措施已落实，公示记录完整。",
        submitted_by=lead.user,
        submitted_at=_at(checked_on, 14),
    )
    follow_up.supervisors.set({lead.pk, rng.choice(team).pk})
    follow_up.checked_rectifications.add(r)
    _event(r, RectificationAction.CHECKED_ON_VISIT, r.status, lead.user, _at(checked_on, 14))
    RectificationEvent.objects.filter(rectification=r, action=RectificationAction.CHECKED_ON_VISIT).update(
        visit=follow_up
    )
    r.status = RectificationStatus.ACCEPTED
    r.closed_at = _at(checked_on, 15)
    r.closed_by = lead.user
    r.save()
    _event(
        r, RectificationAction.ACCEPTED, RectificationStatus.ANSWERED, lead.user, r.closed_at, "回访核实，同意销号。"
    )
