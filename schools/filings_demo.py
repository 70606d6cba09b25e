"""Demo pledges and self-checks for ``manage.py demo_data``.

This school year's pledge text in two versions (most schools signed the
first at the start of the year, a few the revised one, some have not signed
yet), signed copies, teacher pledges and public commitments; last month's
self-check round (closed: on time, late, missing, accepted, returned,
awaiting review) and this month's (open: some submitted, some drafts).

Idempotent: texts, rounds and pledges are keyed by natural keys, and a row
that exists is left as it is."""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from jianfu.models import User
from schools.models import (
    PeriodKind,
    PledgeText,
    School,
    SchoolPledge,
    SchoolYear,
    SelfCheck,
    SelfCheckAction,
    SelfCheckEvent,
    SelfCheckEvidence,
    SelfCheckItemResult,
    SelfCheckRound,
    SelfCheckStatus,
)
from supervision.models import SupervisionItem

PLEDGE_BODY = "\n".join(
    [
        (
            "为切实减轻义务教育阶段学生过重作业负担和校外培训负担，落实“双减”工作要求，"
            "{bureau}（甲方）与学校校长（乙方）签订本责任书。"
        ),
        "",
        "一、六个严格",
        "（一）严格执行国家课程方案，开齐开足规定课程，不随意增减课时、提高难度、加快进度。",
        (
            "（二）严格控制作业总量：一二年级不布置书面家庭作业，"
            "三至六年级书面作业平均完成时间不超过60分钟，初中不超过90分钟。"
        ),
        ("（三）严格执行作息时间：小学上午上课不早于8:20，初中不早于8:00；保障小学生每天10小时、初中生9小时睡眠。"),
        "（四）严格规范招生和编班：不以各类考试、竞赛成绩或证书作为招生依据，均衡编班，不设重点班。",
        "（五）严格规范收费和教辅征订，不违规收费，不强制或变相强制学生购买教辅材料。",
        ("（六）严格禁止节假日、双休日和课后组织集体补课或上新课，严禁教师有偿家教和在校外培训机构兼职。"),
        "",
        "二、六项制度",
        (
            "教学活动安排公示制度、学生课业负担监测制度、家校联系制度、"
            "学生综合素质评价制度、督导检查制度、责任追究制度。"
        ),
        "",
        "三、责任追究",
        (
            "学校违反上述规定、经查实的，责令立即改正，并视情节予以通报；"
            "属学校整体行为的，追究校长和分管副校长责任；属个人行为的，追究当事人责任，"
            "并实行评优评先“一票否决”。"
        ),
        "",
        "本责任书自签订之日起至本学年结束有效。",
    ]
)


REVISION = "\n\n四、补充条款\n手机、睡眠、读物、作业、体质“五项管理”纳入学校年度考核，每学期向社会公示落实情况。"


COMMITMENT = (
    "{school}郑重承诺：严格落实“双减”和“五项管理”各项要求，控制书面作业总量和时长，"
    "不组织任何形式的集体补课，不公布学生考试成绩和排名，不违规收费；"
    "课后服务每周5天全覆盖，落实“三不”要求。欢迎家长和社会各界监督，监督电话见本页。"
)


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


def _pdf_scan() -> ContentFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return ContentFile(out.getvalue(), name="scan.pdf")


def _photo(label: str, rng: random.Random) -> ContentFile:
    image = Image.new("RGB", (480, 360), (rng.randint(180, 230), rng.randint(200, 240), rng.randint(180, 230)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 340), outline=(60, 90, 140), width=4)
    draw.text((40, 40), label, fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return ContentFile(out.getvalue(), name="photo.jpg")


def _year_of(day: datetime.date) -> SchoolYear | None:
    return SchoolYear.objects.filter(start_date__lte=day, end_date__gte=day).first()


def _pledges(rng: random.Random, *, today: datetime.date, schools: Sequence[School], bureau: User) -> None:
    year = _year_of(today)
    if year is None:
        return
    body = PLEDGE_BODY.format(bureau="示范区教育局")
    v1, _ = PledgeText.objects.get_or_create(
        school_year=year,
        version=1,
        defaults={
            "title": f"{year.name}减轻学生过重课业负担责任书",
            "body": body,
            "bureau_signatory": "周建国（局长）",
        },
    )
    v2, _ = PledgeText.objects.get_or_create(
        school_year=year,
        version=2,
        defaults={
            "title": f"{year.name}减轻学生过重课业负担责任书（修订）",
            "body": body + REVISION,
            "bureau_signatory": "周建国（局长）",
        },
    )
    # The director signed with all principals at the start-of-year meeting;
    # a few signed the revised text later; the last six have not signed.
    meeting = min(year.start_date + datetime.timedelta(days=20), today)
    later = min(meeting + datetime.timedelta(days=45), today)
    for i, school in enumerate(schools):
        if SchoolPledge.objects.filter(school=school, school_year=year).exists():
            continue
        pledge = SchoolPledge(school=school, school_year=year)
        classes = sum(e.classes for e in school.enrolments.all())
        teachers = max(12, round(classes * rng.uniform(2.0, 2.6)))
        if i < len(schools) - 6:
            text, signed_on = (v1, meeting) if i < len(schools) - 11 else (v2, later)
            pledge.text, pledge.signed_on = text, signed_on
            pledge.principal_signatory = school.principal_name
            pledge.bureau_signatory = text.bureau_signatory
            pledge.signature_recorded_by = bureau
            pledge.signature_recorded_at = _aware(signed_on, 16, 30)
            pledge.teacher_count = teachers
            pledge.teacher_pledge_count = teachers - rng.choice([0, 0, 0, 1, 2])
            pledge.teacher_pledges_updated_at = _aware(signed_on, 17, 0)
            pledge.commitment = COMMITMENT.format(school=school.name)
            pledge.commitment_updated_at = _aware(signed_on, 17, 10)
            if i % 4 != 3:  # a quarter still owe the signed copy
                pledge.scan.save("scan.pdf", _pdf_scan(), save=False)
                pledge.scan_content_type = "application/pdf"
                pledge.scan_uploaded_at = _aware(signed_on, 17, 20)
        else:
            pledge.teacher_count = teachers
        pledge.save()


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
    for n, item in enumerate(items):
        roll = rng.random()
        result = "compliant" if roll < 0.8 else ("mostly" if roll < 0.95 else "non_compliant")
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
        reviewed = submitted_at + datetime.timedelta(days=rng.randint(1, 4), hours=2)
        comment = "" if status == SelfCheckStatus.ACCEPTED else rng.choice(RETURN_COMMENTS)
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
            submitted_at=_aware(day, rng.randint(8, 17), rng.randint(0, 59)),
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


def build_filings_demo(rng: random.Random, *, today: datetime.date, schools: Sequence[School], bureau: User) -> None:
    _pledges(rng, today=today, schools=schools, bureau=bureau)
    _selfchecks(rng, today=today, schools=schools, bureau=bureau)
