"""Demo self-checks for ``manage.py demo_data``.

Last month's self-check round (closed: on time, late, missing, accepted,
returned, awaiting review) and this month's (open: some submitted, some
drafts). The demo pledges (:mod:`schools.pledges.demo`) are built first from
the same generator.

Idempotent: rounds are keyed by their title and each school's self-check by
the round, and a row that exists is left as it is."""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from jianfu.models import User
from schools.models import (
    PeriodKind,
    School,
    SelfCheck,
    SelfCheckAction,
    SelfCheckEvent,
    SelfCheckEvidence,
    SelfCheckItemResult,
    SelfCheckRound,
    SelfCheckStatus,
)
from supervision.models import SupervisionItem

EXPLANATIONS = {
    "mostly": [
        "个别班级书面作业时长略超规定，已约谈年级组并调整作业设计。",
        "课后服务内容以作业辅导为主，兴趣拓展类活动偏少，正在补充。",
        "大课间时间个别天数不足30分钟，已调整作息表。",
    ],
    "non_compliant": [
        "发现一名教师在校外培训机构兼职，已责令停止并按规定处理。",
        "九年级曾在双休日组织集体辅导，已立即停止并向家长说明。",
    ],
}


RETURN_COMMENTS = [
    "请补充作业公示截图和作业时长抽查记录。",
    "“基本符合”项的整改措施不够具体，请写明整改时限和责任人。",
    "请补充课后服务签到和活动安排表。",
]


def _month_start(day: datetime.date, back: int = 0) -> datetime.date:
    year, month = day.year, day.month - back
    while month < 1:
        month += 12
        year -= 1
    return datetime.date(year, month, 1)


def _aware(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


def _photo(label: str, rng: random.Random) -> ContentFile:
    image = Image.new("RGB", (480, 360), (rng.randint(180, 230), rng.randint(200, 240), rng.randint(180, 230)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 340), outline=(60, 90, 140), width=4)
    draw.text((40, 40), label, fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return ContentFile(out.getvalue(), name="photo.jpg")


def _round(
    *, title: str, month: datetime.date, opens_on: datetime.date, closes_on: datetime.date, bureau: User
) -> tuple[SelfCheckRound, bool]:
    round_, created = SelfCheckRound.objects.get_or_create(
        title=title,
        defaults={
            "period_kind": PeriodKind.MONTH,
            "month": month,
            "opens_on": opens_on,
            "closes_on": closes_on,
            "instructions": (
                "请对照各项逐条自查，如实填写结果；基本符合、不符合或不适用的须写明情况和整改措施，并上传佐证材料。"
            ),
            "created_by": bureau,
        },
    )
    return round_, created


def _fill(
    rng: random.Random,
    *,
    round_: SelfCheckRound,
    school: School,
    items: Sequence[SupervisionItem],
    status: str,
    submitted_at: datetime.datetime | None,
    principal: User | None,
    bureau: User,
) -> None:
    selfcheck, created = SelfCheck.objects.get_or_create(round=round_, school=school)
    if not created:
        return
    results: list[str] = []
    for n, item in enumerate(items):
        roll = rng.random()
        result = "compliant" if roll < 0.8 else ("mostly" if roll < 0.95 else "non_compliant")
        results.append(result)
        explanation = rng.choice(EXPLANATIONS[result]) if result != "compliant" else ""
        row = SelfCheckItemResult.objects.create(
            selfcheck=selfcheck,
            item=item,
            item_code=item.code,
            item_title=item.title,
            result=result,
            explanation=explanation,
        )
        if n == 1 and status != SelfCheckStatus.DRAFT and rng.random() < 0.4:
            evidence = SelfCheckEvidence(
                item_result=row, content_type="image/jpeg", original_name="作业公示栏.jpg", uploaded_by=principal
            )
            content = _photo(f"{school.code} homework board", rng)
            evidence.size = content.size
            evidence.file.save("photo.jpg", content, save=False)
            evidence.save()
    if status == SelfCheckStatus.DRAFT or submitted_at is None:
        return
    selfcheck.first_submitted_at = submitted_at
    selfcheck.first_submitted_on = timezone.localdate(submitted_at)
    selfcheck.submitted_at = submitted_at
    selfcheck.submitted_by = principal
    selfcheck.status = SelfCheckStatus.SUBMITTED
    SelfCheckEvent.objects.create(
        selfcheck=selfcheck,
        action=SelfCheckAction.SUBMITTED,
        from_status=SelfCheckStatus.DRAFT,
        to_status=SelfCheckStatus.SUBMITTED,
        by=principal,
        at=submitted_at,
    )
    if status in (SelfCheckStatus.ACCEPTED, SelfCheckStatus.RETURNED):
        # Never after now: a demo built today shows no review from the future.
        reviewed = min(submitted_at + datetime.timedelta(days=rng.randint(1, 4), hours=2), timezone.now())
        reviewed = max(reviewed, submitted_at)
        # A comment about the "mostly" items only where there are some.
        comments = [c for c in RETURN_COMMENTS if "基本符合" not in c or "mostly" in results]
        comment = "" if status == SelfCheckStatus.ACCEPTED else rng.choice(comments)
        selfcheck.status = status
        selfcheck.reviewed_at = reviewed
        selfcheck.reviewed_by = bureau
        selfcheck.review_comment = comment
        SelfCheckEvent.objects.create(
            selfcheck=selfcheck,
            action=SelfCheckAction.ACCEPTED if status == SelfCheckStatus.ACCEPTED else SelfCheckAction.RETURNED,
            from_status=SelfCheckStatus.SUBMITTED,
            to_status=status,
            by=bureau,
            comment=comment,
            at=reviewed,
        )
    selfcheck.save()


def _selfchecks(rng: random.Random, *, today: datetime.date, schools: Sequence[School], bureau: User) -> None:
    codes = ["3.2", "4.1", "4.2", "4.3", "4.5", "4.6"]
    items = list(SupervisionItem.objects.filter(code__in=codes, active=True).order_by("order", "code"))
    if not items:
        return
    principals = {u.school_id: u for u in User.objects.filter(school__in=schools, is_active=True).order_by("pk")}

    # Last month: closed. Schools 0-21 on time, 22-26 late, 27-30 missing.
    last = _month_start(today, 1)
    last_round, created = _round(
        title=f"{last.year}年{last.month}月减负工作自查",
        month=last,
        opens_on=last + datetime.timedelta(days=19),
        closes_on=_month_start(today) + datetime.timedelta(days=4),
        bureau=bureau,
    )
    if created:
        last_round.items.set(items)
        last_round.schools.set(schools)
    closes = last_round.closes_on
    for i, school in enumerate(schools):
        if i >= len(schools) - 4:
            continue
        late = i >= len(schools) - 9
        day = (
            closes + datetime.timedelta(days=rng.randint(1, 4))
            if late
            else closes - datetime.timedelta(days=rng.randint(0, 6))
        )
        if day > today:
            day = today
        if i < 15:
            status = SelfCheckStatus.ACCEPTED
        elif i < 18:
            status = SelfCheckStatus.RETURNED
        else:
            status = SelfCheckStatus.SUBMITTED
        _fill(
            rng,
            round_=last_round,
            school=school,
            items=items,
            status=status,
            submitted_at=min(_aware(day, rng.randint(8, 17), rng.randint(0, 59)), timezone.now()),
            principal=principals.get(school.pk),
            bureau=bureau,
        )

    # This month: open until ten days from today; a few reported already.
    this = _month_start(today)
    this_round, created = _round(
        title=f"{this.year}年{this.month}月减负工作自查",
        month=this,
        opens_on=min(today, this + datetime.timedelta(days=14)),
        closes_on=max(today + datetime.timedelta(days=10), this + datetime.timedelta(days=34)),
        bureau=bureau,
    )
    if created:
        this_round.items.set(items)
        this_round.schools.set(schools)
    for i, school in enumerate(schools[:13]):
        submitted = i < 8
        _fill(
            rng,
            round_=this_round,
            school=school,
            items=items,
            status=SelfCheckStatus.SUBMITTED if submitted else SelfCheckStatus.DRAFT,
            submitted_at=min(_aware(this_round.opens_on, 9 + i % 8, 10), timezone.now()) if submitted else None,
            principal=principals.get(school.pk),
            bureau=bureau,
        )


def build_selfchecks_demo(rng: random.Random, *, today: datetime.date, schools: Sequence[School], bureau: User) -> None:
    _selfchecks(rng, today=today, schools=schools, bureau=bureau)
