"""Demo complaint cases for ``manage.py demo_data``: a dozen cases of the
last weeks in every state of the workflow, from the web form, the hotline
and a letter, some real-name, one repeat, some overdue.

Idempotent: a case is keyed by its school and description, so running the
demo again leaves them as they are. Every demo case answers to the query
code ``DEMO2026`` on /complain/status/ (never in a real deployment: real
codes are random and shown once). The demo bureau account may unmask
complainants, to show that feature and its log."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from jianfu.models import User
from jianfu.roles import SECTION_DISCIPLINE
from schools.models import School
from supervision.complaints import services
from supervision.districts.selectors import current_supervisors_of_school
from supervision.models import ComplaintCase, ComplaintCategory, Supervisor

DEMO_QUERY_CODE = "DEMO2026"


@dataclass(frozen=True)
class DemoCase:
    school_index: int
    category: str
    days_ago: int
    channel: str
    description: str
    goal: str  # the status to walk the case to
    assign: str = "supervisor"  # supervisor, school or section
    real_name: tuple[str, str] | None = None
    outcome: str = "substantiated"


CASES = [
    DemoCase(
        0,
        "作业量过大",
        2,
        "web",
        "三年级二班每天数学、语文书面作业合计超过两个小时，孩子经常写到晚上十点以后。",
        "received",
    ),
    DemoCase(
        2,
        "节假日、双休日或课后违规补课",
        12,
        "hotline",
        "来电反映：初三年级连续三个星期六上午组织全体学生到校上课，讲授新课。",
        "received",
        real_name=("陈女士", "13857301234"),
    ),
    DemoCase(
        5,
        "教师有偿家教或校外兼职",
        6,
        "web",
        "八年级一位数学老师在小区出租屋办辅导班，每人每月收费一千二百元，班上不少同学参加。",
        "accepted",
        real_name=("周先生", "13905731122"),
    ),
    DemoCase(
        7, "公布考试成绩和排名", 9, "web", "期中考试后班级群里发了全班成绩和名次表。", "assigned", assign="school"
    ),
    DemoCase(
        3,
        "违规收费",
        11,
        "letter",
        "来信反映：学校要求每位学生购买指定的教辅资料，每套一百八十元，由班主任统一收取。",
        "investigating",
    ),
    DemoCase(
        10,
        "课后服务问题",
        15,
        "web",
        "课后服务时间老师在讲新课，不参加的学生被要求写检讨。",
        "investigating",
        assign="school",
    ),
    DemoCase(
        13,
        "体罚或变相体罚",
        18,
        "hotline",
        "来电反映：五年级有学生因作业没完成被罚站一整节课。",
        "concluded",
        assign="section",
        real_name=("王先生", "13757309876"),
    ),
    DemoCase(
        16,
        "手机管理",
        25,
        "web",
        "学校要求学生每天带手机到校打卡，上课也用手机做题。",
        "replied",
        outcome="not_substantiated",
    ),
    DemoCase(
        19,
        "招生考试或分设重点班",
        33,
        "referred",
        "上级转办：反映学校七年级按入学测试成绩分设实验班。",
        "closed",
        outcome="partly",
    ),
    DemoCase(22, "其他", 20, "web", "学校门口早上交通拥堵，希望增加交警。", "not_accepted"),
    DemoCase(
        0,
        "作业量过大",
        1,
        "web",
        "三年级作业太多，每天写到很晚，家长群里很多人都在说。",
        "received",
    ),
]


DUPLICATE_OF = {10: 0}  # the second homework complaint about school 0 repeats the first


def _walk(case: ComplaintCase, demo: DemoCase, *, by: User, school: School) -> None:
    goal = demo.goal
    if goal == "received":
        return
    if goal == "not_accepted":
        services.complaint_decline(
            case=case, by=by, reason="反映事项属于交通管理，已告知向交警部门反映，不属于减负督导受理范围。"
        )
        return
    services.complaint_accept(case=case, by=by)
    if goal == "accepted":
        return
    if demo.assign == "school":
        services.complaint_assign(
            case=case,
            by=by,
            kind="school",
            school_summary=f"请学校自查：{demo.category}相关情况，五个工作日内报送自查结果。",
        )
    elif demo.assign == "section":
        services.complaint_assign(
            case=case, by=by, kind="section", section=Group.objects.get(name=SECTION_DISCIPLINE), note="请监察室核查"
        )
    else:
        supervisor = (
            next(iter(current_supervisors_of_school(school=school)), None)
            or Supervisor.objects.filter(active=True, user__isnull=False).first()
        )
        services.complaint_assign(case=case, by=by, kind="supervisor", supervisor=supervisor, note="请责任督学实地核查")
    if goal == "assigned":
        return
    services.complaint_start_investigation(case=case, by=by)
    if goal == "investigating":
        return
    services.complaint_submit_findings(case=case, by=by, findings="经实地走访、查阅资料和个别访谈，已核实主要情况。")
    substantiated = demo.outcome != "not_substantiated"
    services.complaint_conclude(
        case=case,
        by=by,
        outcome=demo.outcome,
        liability=("individual" if demo.outcome == "substantiated" else "school") if substantiated else "none",
        liable_person="涉事班主任" if demo.outcome == "substantiated" else "",
        measures="责令立即整改，对相关责任人进行约谈并通报批评。" if substantiated else "",
        conclusion="反映情况属实。"
        if demo.outcome == "substantiated"
        else ("反映情况部分属实。" if substantiated else "经核查，未发现反映的问题。"),
    )
    if goal == "concluded":
        return
    template = {"substantiated": "情况属实", "partly": "部分属实"}.get(demo.outcome, "情况不属实")
    from supervision.complaints.models import ComplaintReplyTemplate

    body = (
        ComplaintReplyTemplate.objects.filter(title=template).values_list("body", flat=True).first() or "已核查处理。"
    )
    services.complaint_reply(
        case=case, by=by, reply=services.complaint_reply_template_text(template_body=body, case=case)
    )
    if goal == "replied":
        return
    services.complaint_close(case=case, by=by)


def build_complaints_demo(rng: random.Random, *, today: datetime.date | None = None) -> int:
    """Create the demo cases that do not exist yet; returns how many."""
    del rng  # the demo cases are fixed; the parameter keeps the demo builders alike
    schools = list(School.objects.filter(active=True).order_by("code"))
    bureau = User.objects.filter(username="bureau").first()
    if not schools or bureau is None:
        return 0
    bureau.user_permissions.add(
        Permission.objects.get(codename="unmask_complainant", content_type__app_label="supervision")
    )
    bureau = User.objects.get(pk=bureau.pk)
    code_hash = services.query_code_digest(code=DEMO_QUERY_CODE)
    now = timezone.localtime()
    if today is not None:
        now = now.replace(year=today.year, month=today.month, day=today.day)
    made: dict[int, ComplaintCase] = {}
    created = 0
    for index, demo in enumerate(CASES):
        school = schools[demo.school_index % len(schools)]
        existing = ComplaintCase.objects.filter(school=school, description=demo.description).first()
        if existing:
            made[index] = existing
            continue
        name, phone = demo.real_name or ("", "")
        filed = services.complaint_file(
            school=school,
            category=ComplaintCategory.objects.get(name=demo.category),
            channel=demo.channel,
            description=demo.description,
            happened_on=(now - datetime.timedelta(days=demo.days_ago + 2)).date(),
            real_name=bool(demo.real_name),
            name=name,
            phone=phone,
            received_at=(now - datetime.timedelta(days=demo.days_ago)).replace(hour=9, minute=30),
            operator=None if demo.channel == "web" else bureau,
        )
        case = filed.case
        ComplaintCase.objects.filter(pk=case.pk).update(query_code_hash=code_hash)
        _walk(case, demo, by=bureau, school=school)
        made[index] = case
        created += 1
    for dup, original in DUPLICATE_OF.items():
        case = made[dup]
        if case.duplicate_of_id is None:
            services.complaint_link_duplicate(case=case, original=made[original], by=bureau)
    return created
