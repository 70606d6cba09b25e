"""Demo pledges for ``manage.py demo_data``.

This school year's pledge text in two versions (most schools signed the
first at the start of the year, a few the revised one, some have not signed
yet), signed copies, teacher pledges and public commitments.

Idempotent: texts and pledges are keyed by natural keys, and a row that
exists is left as it is."""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from jianfu.models import User
from schools.models import (
    PledgeText,
    School,
    SchoolPledge,
    SchoolYear,
)

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


def _aware(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


def _pdf_scan() -> ContentFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return ContentFile(out.getvalue(), name="scan.pdf")


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


def build_pledges_demo(rng: random.Random, *, today: datetime.date, schools: Sequence[School], bureau: User) -> None:
    _pledges(rng, today=today, schools=schools, bureau=bureau)
