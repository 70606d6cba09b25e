"""Demo data of the institutions subject, after seed 002: 32 subject-training
institutions re-reviewed, 21 of them cut (压减率 66 %), a few non-subject
institutions, public white and black lists with fees, one black-listed
institution, an inspection with a rectification demand, and a complaint
about an institution. Safe to run twice: nothing is added when the demo
campaign exists."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from jianfu.models import User
from supervision.models import (
    ComplaintCategory,
    ComplaintChannel,
    InspectionResult,
    InstitutionKind,
    ListKind,
    ReviewCampaign,
    ReviewOutcomeKind,
    SupervisoryDistrict,
)

from .credit_code import check_character
from .services import (
    Demand,
    FeeRow,
    InstitutionData,
    institution_create,
    institution_fees_set,
    institution_inspection_record,
    list_entry_add,
    list_entry_publish,
    review_campaign_close,
    review_campaign_create,
    review_campaign_enrol,
    review_outcome_record,
)

CAMPAIGN = "学科类校外培训机构重新审核"
SUBJECTS = ["英语", "数学", "语文", "作文", "物理", "化学", "奥数", "思维"]
BRANDS = ["启航", "博学", "智慧树", "新东方", "优才", "学而思", "名师堂", "金榜", "睿智", "阳光", "育英", "卓越"]
NON_SUBJECT = [
    ("飞扬篮球训练中心", InstitutionKind.SPORTS, [("篮球基础班", "课时", "80")]),
    ("墨香书法艺术培训学校", InstitutionKind.ARTS, [("硬笔书法", "课时", "60"), ("软笔书法", "课时", "70")]),
    ("小小科学家科技创新中心", InstitutionKind.SCIENCE, [("机器人编程", "课时", "120")]),
    ("天籁钢琴艺术中心", InstitutionKind.ARTS, [("钢琴一对一", "课时", "200")]),
]
# Outcomes of the 32: 15 cancelled and 6 converted are the 21 cut; 8 kept; 3 rectifying.
OUTCOMES = [ReviewOutcomeKind.CANCEL] * 15 + [ReviewOutcomeKind.CONVERT] * 6 + [ReviewOutcomeKind.KEEP] * 8
OUTCOMES += [ReviewOutcomeKind.RECTIFY] * 3
CONVERT_TO = [InstitutionKind.SPORTS, InstitutionKind.ARTS, InstitutionKind.SCIENCE]


def demo_credit_code(n: int) -> str:
    """A valid code of a private non-enterprise unit (52) of area 330482."""
    first = f"52330482MJ{n:07d}"
    return first + check_character(first)


def build_institutions_demo(rng: random.Random, *, today: datetime.date) -> None:
    if ReviewCampaign.objects.filter(name=CAMPAIGN).exists():
        return
    bureau = User.objects.get(username="bureau")
    districts = list(SupervisoryDistrict.objects.filter(active=True).order_by("number"))
    town = ["当湖街道", "钟埠街道", "新埭镇", "新仓镇", "独山港镇", "林埭镇"]

    def data(n: int, name: str, kind: str) -> InstitutionData:
        issued = today - datetime.timedelta(days=rng.randint(400, 1500))
        return InstitutionData(
            name=name,
            credit_code=demo_credit_code(n),
            kind=kind,
            address=f"{rng.choice(town)}{rng.randint(1, 400)}号",
            district=districts[n % len(districts)] if districts else None,
            licence_number=f"教民1330482{n:06d}",
            licence_issued_on=issued,
            licence_expires_on=issued + datetime.timedelta(days=365 * 5),
            insurance_policy=f"PZHA2024{n:08d}",
            insurance_expires_on=today + datetime.timedelta(days=rng.randint(-30, 330)),
            premises=f"{rng.randint(2, 6)}间教室",
            premises_area=Decimal(rng.randint(120, 900)),
            capacity=rng.randint(40, 300),
            contact_phone=f"0573-85{rng.randint(100000, 999999)}",
        )

    subject = []
    for n in range(32):
        name = f"平湖市{BRANDS[n % len(BRANDS)]}{SUBJECTS[n % len(SUBJECTS)]}培训学校"
        if n >= len(BRANDS):
            name = name.replace("培训学校", f"第{n // len(BRANDS) + 1}分校")
        subject.append(institution_create(data=data(n + 1, name, InstitutionKind.SUBJECT), by=bureau))
    others = []
    for k, (name, kind, fees) in enumerate(NON_SUBJECT):
        institution = institution_create(data=data(100 + k, f"平湖市{name}", kind), by=bureau)
        institution_fees_set(
            institution=institution,
            rows=[FeeRow(c, u, Decimal(a), today - datetime.timedelta(days=200)) for c, u, a in fees],
            by=bureau,
        )
        others.append(institution)

    started = today - datetime.timedelta(days=120)
    campaign = review_campaign_create(
        name=CAMPAIGN,
        started_on=started,
        description="对全区32家学科类校外培训机构进行重新审核，大力压减。",
        by=bureau,
    )
    review_campaign_enrol(campaign=campaign, institutions=subject, by=bureau)
    outcomes = list(OUTCOMES)
    rng.shuffle(outcomes)
    kept = []
    for k, (institution, outcome) in enumerate(zip(subject, outcomes, strict=True)):
        review_outcome_record(
            campaign=campaign,
            institution=institution,
            outcome=outcome,
            new_kind=CONVERT_TO[k % 3] if outcome == ReviewOutcomeKind.CONVERT else "",
            reason={
                ReviewOutcomeKind.CANCEL: "不符合学科类培训机构设置标准，予以注销",
                ReviewOutcomeKind.CONVERT: "自愿转为非学科类培训",
                ReviewOutcomeKind.KEEP: "材料齐全，符合标准",
                ReviewOutcomeKind.RECTIFY: "消防通道不畅，限期整改",
            }[outcome],
            by=bureau,
            on=started + datetime.timedelta(days=30 + k),
        )
        if outcome in (ReviewOutcomeKind.KEEP, ReviewOutcomeKind.CONVERT):
            kept.append(institution)
    review_campaign_close(campaign=campaign, by=bureau, on=started + datetime.timedelta(days=75))

    listed_on = started + datetime.timedelta(days=80)
    for institution in [*kept, *others]:
        institution.refresh_from_db()
        if institution.kind == InstitutionKind.SUBJECT:
            institution_fees_set(
                institution=institution,
                rows=[
                    FeeRow("小班课", "课时", Decimal(rng.choice([45, 50, 60, 80])), listed_on),
                    FeeRow("一对一", "课时", Decimal(rng.choice([150, 180, 200])), listed_on),
                ],
                by=bureau,
            )
        draft = institution.pk == others[-1].pk
        entry = list_entry_add(
            institution=institution,
            kind=ListKind.WHITE,
            by=bureau,
            listed_on=listed_on,
            # A draft with an internal note: never public until published.
            internal_note="负责人电话待核实，暂不公示" if draft else "",
        )
        if not draft:
            list_entry_publish(entry=entry, by=bureau)

    # One cancelled institution found still teaching subjects: black-listed.
    cancelled = next(i for i, o in zip(subject, outcomes, strict=True) if o == ReviewOutcomeKind.CANCEL)
    black = list_entry_add(
        institution=cancelled,
        kind=ListKind.BLACK,
        by=bureau,
        listed_on=today - datetime.timedelta(days=20),
        reason="注销后仍在居民小区内违规开展学科类培训",
        internal_note="群众举报，已联合市场监管部门查处",
    )
    list_entry_publish(entry=black, by=bureau)

    rectifying = next(i for i, o in zip(subject, outcomes, strict=True) if o == ReviewOutcomeKind.RECTIFY)
    # The service refuses a deadline before the bureau's real today, as it
    # must for staff; a demo dated in the past (the tests' fixed day) counts
    # its deadlines from the real today instead, or it would stop building
    # a week after that day.
    due_from = max(today, timezone.localdate())
    institution_inspection_record(
        institution=rectifying,
        date=today - datetime.timedelta(days=3),
        inspectors="督导室 陈主任、基础教育科 王科长",
        result=InspectionResult.PROBLEMS,
        findings="安全出口被杂物堵塞；收费公示牌未更新。",
        by=bureau,
        demands=[
            Demand("清理安全出口", "立即清理安全出口杂物，保持疏散通道畅通。", due_from + datetime.timedelta(days=7)),
            Demand("更新收费公示", "按核定收费标准更新公示牌。", due_from + datetime.timedelta(days=14)),
        ],
    )

    from supervision.complaints.services import complaint_file

    category = ComplaintCategory.objects.filter(name="校外培训").first()
    if category is not None:
        complaint_file(
            institution=kept[0],
            category=category,
            channel=ComplaintChannel.WEB,
            description="周六上午仍在上数学课，收费高于公示标准。",
            happened_on=today - datetime.timedelta(days=2),
        )
