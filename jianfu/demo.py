"""A realistic demo district modelled on seed 000 (Pinghu, 2011): 31 schools
of mixed types, 10 supervisory districts, 46 supervisors (3 full-time, 40
part-time, 3 special), one account per school and one bureau account.

Idempotent: every row is keyed by a natural key, so running it again updates
the demo instead of duplicating it. The national rule of 2-4 supervisors per
district cannot place all 46 supervisors in 10 districts: the three special
supervisors (特约督学) join visits across the area without a district of
their own, and three part-time supervisors are held in reserve for the next
term (换届)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from jianfu.models import User
from jianfu.roles import SECTION_ACCOUNTS, SECTION_SUPERVISION_OFFICE, Role
from schools.models import GradeEnrolment, Ownership, School, SchoolType, SchoolYear, Semester, Term
from schools.records.demo import build_records_demo
from schools.register.demo import build_register_import_demo
from supervision.models import (
    DistrictMembership,
    Supervisor,
    SupervisorAssignment,
    SupervisorKind,
    SupervisoryDistrict,
)
from supervision.visits.demo import build_visits_demo

DEMO_PASSWORD = "jianfu-demo-2026"
TERM_START = datetime.date(2024, 9, 1)

TOWNS = ["当湖街道", "钟埭街道", "曹桥街道", "新埭镇", "新仓镇", "独山港镇", "乍浦镇", "广陈镇", "林埭镇", "黄姑镇"]

# (name, type, ownership, town index)
SCHOOLS: list[tuple[str, str, str, int]] = [
    ("示范区实验小学", SchoolType.PRIMARY, Ownership.PUBLIC, 0),
    ("示范区东湖小学", SchoolType.PRIMARY, Ownership.PUBLIC, 0),
    ("示范区第一中学", SchoolType.JUNIOR, Ownership.PUBLIC, 0),
    ("示范区育才学校", SchoolType.NINE_YEAR, Ownership.PRIVATE, 0),
    ("钟埭中心小学", SchoolType.PRIMARY, Ownership.PUBLIC, 1),
    ("钟埭中学", SchoolType.JUNIOR, Ownership.PUBLIC, 1),
    ("示范区百花小学", SchoolType.PRIMARY, Ownership.PUBLIC, 1),
    ("曹桥中心小学", SchoolType.PRIMARY, Ownership.PUBLIC, 2),
    ("曹桥中学", SchoolType.JUNIOR, Ownership.PUBLIC, 2),
    ("示范区崇文实验学校", SchoolType.NINE_YEAR, Ownership.PUBLIC, 2),
    ("新埭中心小学", SchoolType.PRIMARY, Ownership.PUBLIC, 3),
    ("新埭中学", SchoolType.JUNIOR, Ownership.PUBLIC, 3),
    ("新埭镇鱼圻塘小学", SchoolType.PRIMARY, Ownership.PUBLIC, 3),
    ("新仓中心小学", SchoolType.PRIMARY, Ownership.PUBLIC, 4),
    ("新仓中学", SchoolType.JUNIOR, Ownership.PUBLIC, 4),
    ("新仓镇三叉河小学", SchoolType.PRIMARY, Ownership.PUBLIC, 4),
    ("独山港中心小学", SchoolType.PRIMARY, Ownership.PUBLIC, 5),
    ("独山港中学", SchoolType.JUNIOR, Ownership.PUBLIC, 5),
    ("全塘学校", SchoolType.NINE_YEAR, Ownership.PUBLIC, 5),
    ("乍浦实验小学", SchoolType.PRIMARY, Ownership.PUBLIC, 6),
    ("乍浦初级中学", SchoolType.JUNIOR, Ownership.PUBLIC, 6),
    ("乍浦天妃小学", SchoolType.PRIMARY, Ownership.PUBLIC, 6),
    ("广陈中心小学", SchoolType.PRIMARY, Ownership.PUBLIC, 7),
    ("广陈中学", SchoolType.JUNIOR, Ownership.PUBLIC, 7),
    ("广陈镇山塘小学", SchoolType.PRIMARY, Ownership.PUBLIC, 7),
    ("林埭中心小学", SchoolType.PRIMARY, Ownership.PUBLIC, 8),
    ("林埭中学", SchoolType.JUNIOR, Ownership.PUBLIC, 8),
    ("示范区外国语学校", SchoolType.COMPLETE, Ownership.PRIVATE, 8),
    ("黄姑中心小学", SchoolType.PRIMARY, Ownership.PUBLIC, 9),
    ("黄姑中学", SchoolType.JUNIOR, Ownership.PUBLIC, 9),
    ("黄姑镇全塘小学", SchoolType.PRIMARY, Ownership.PUBLIC, 9),
]

# Schools per district (3-10 each, 31 in all) and supervisors per district
# (2-4 each; the first three districts are led by the full-time supervisors).
DISTRICT_SCHOOLS = [4, 3, 3, 3, 3, 3, 3, 3, 3, 3]
DISTRICT_SUPERVISORS = [4, 4, 4, 4, 4, 4, 4, 4, 3, 3]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = [
    "建国",
    "秀英",
    "志强",
    "丽华",
    "晓明",
    "海燕",
    "文杰",
    "玉兰",
    "国平",
    "春梅",
    "伟东",
    "静怡",
    "学军",
    "红霞",
    "振华",
    "雅琴",
    "立新",
    "美玲",
    "卫民",
    "慧敏",
    "永康",
    "晓燕",
    "德胜",
    "佳怡",
    "少华",
    "淑芬",
    "鹏飞",
    "婷婷",
]


@dataclass
class DemoSummary:
    schools: int
    districts: int
    supervisors: int
    accounts: list[tuple[str, str]]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _school_code(index: int) -> str:
    return f"3133{index + 1:06d}"


def _user(username: str, *, role: str, full_name: str, school: School | None = None, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"role": role, "school": school})
    user.role = role
    user.full_name = full_name
    user.school = school
    user.is_staff = staff
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@transaction.atomic
def build_demo(today: datetime.date | None = None) -> DemoSummary:
    rng = random.Random(2011)  # fixed seed: the demo is the same every time
    accounts: list[tuple[str, str]] = []

    # School years around today, so the current semester always exists.
    today = today or timezone.localdate()  # the bureau's day, not the server's
    first_year = today.year - 1 if today.month >= 8 else today.year - 2
    for year in range(first_year, first_year + 3):
        sy, _ = SchoolYear.objects.update_or_create(
            name=f"{year}-{year + 1}学年",
            defaults={"start_date": datetime.date(year, 8, 20), "end_date": datetime.date(year + 1, 8, 19)},
        )
        Semester.objects.update_or_create(
            school_year=sy,
            term=Term.FIRST,
            defaults={"start_date": datetime.date(year, 9, 1), "end_date": datetime.date(year + 1, 1, 20)},
        )
        Semester.objects.update_or_create(
            school_year=sy,
            term=Term.SECOND,
            defaults={"start_date": datetime.date(year + 1, 2, 17), "end_date": datetime.date(year + 1, 7, 5)},
        )

    schools: list[School] = []
    for i, (name, kind, ownership, town) in enumerate(SCHOOLS):
        principal = _name(rng)
        school, _ = School.objects.update_or_create(
            code=_school_code(i),
            defaults={
                "name": name,
                "school_type": kind,
                "ownership": ownership,
                "town": TOWNS[town],
                "address": f"{TOWNS[town]}{rng.randint(1, 300)}号",
                "principal_name": principal,
                "phone": f"0573-85{rng.randint(100000, 999999)}",
                "active": True,
            },
        )
        for grade in school.grades:
            classes = rng.randint(2, 8)
            GradeEnrolment.objects.update_or_create(
                school=school, grade=grade, defaults={"classes": classes, "pupils": classes * rng.randint(38, 45)}
            )
        username = f"school{i + 1:02d}"
        _user(username, role=Role.PRINCIPAL, full_name=principal, school=school)
        accounts.append((username, f"{name}（校长）"))
        schools.append(school)

    districts: list[SupervisoryDistrict] = []
    cursor = 0
    for n, size in enumerate(DISTRICT_SCHOOLS, start=1):
        district, _ = SupervisoryDistrict.objects.update_or_create(
            number=n, defaults={"name": f"第{n}督学责任区", "active": True}
        )
        districts.append(district)
        for school in schools[cursor : cursor + size]:
            if not DistrictMembership.objects.filter(school=school, end_date__isnull=True).exists():
                DistrictMembership.objects.create(district=district, school=school, start_date=TERM_START)
        cursor += size

    kinds = [SupervisorKind.FULL_TIME] * 3 + [SupervisorKind.PART_TIME] * 40 + [SupervisorKind.SPECIAL] * 3
    supervisors: list[Supervisor] = []
    for i, kind in enumerate(kinds, start=1):
        username = f"sup{i:02d}"
        name = _name(rng)
        user = _user(username, role=Role.SUPERVISOR, full_name=name)
        employer = {
            SupervisorKind.FULL_TIME: "示范区教育局督导室",
            SupervisorKind.PART_TIME: rng.choice(SCHOOLS)[0] + "（退休）" if i % 5 == 0 else "示范区教师发展中心",
            SupervisorKind.SPECIAL: "示范区人大代表",
        }[kind]
        sup, _ = Supervisor.objects.update_or_create(
            user=user,
            defaults={
                "name": name,
                "kind": kind,
                "phone": f"13{rng.randint(100000000, 999999999)}",
                "employer": employer,
                "term_start": TERM_START,
                "term_end": datetime.date(TERM_START.year + 3, 8, 31),
                "active": True,
            },
        )
        supervisors.append(sup)
        if i <= 3 or i == 4:
            accounts.append((username, f"{name}（{sup.get_kind_display()}督学）"))

    # Full-time supervisors lead districts 1-3; part-time fill the rest.
    full_time = supervisors[:3]
    part_time = iter(supervisors[3:43])
    for n, (district, size) in enumerate(zip(districts, DISTRICT_SUPERVISORS, strict=True)):
        members = [full_time[n]] if n < 3 else []
        while len(members) < size:
            members.append(next(part_time))
        for j, sup in enumerate(members):
            SupervisorAssignment.objects.get_or_create(
                supervisor=sup,
                district=district,
                end_date=None,
                defaults={"start_date": TERM_START, "is_leader": j == 0},
            )

    bureau = _user("bureau", role=Role.BUREAU, full_name="督导室 陈主任", staff=True)
    bureau.groups.add(Group.objects.get(name=SECTION_SUPERVISION_OFFICE))
    accounts.insert(0, ("bureau", "督导室（局机关）"))
    admin = _user("admin01", role=Role.BUREAU, full_name="系统管理员 周工", staff=True)
    admin.groups.add(Group.objects.get(name=SECTION_ACCOUNTS))
    accounts.insert(1, ("admin01", "系统管理员（账号管理）"))

    build_register_import_demo(today=today)
    build_visits_demo(rng, today=today)
    from schools.pledges.demo import build_pledges_demo
    from schools.selfchecks.demo import build_selfchecks_demo

    build_pledges_demo(rng, today=today, schools=schools, bureau=bureau)
    build_selfchecks_demo(rng, today=today, schools=schools, bureau=bureau)
    build_records_demo(rng, today=today)
    from supervision.complaints.demo import build_complaints_demo

    build_complaints_demo(rng, today=today)
    from schools.selfchecks.demo_crosscheck import build_crosscheck_demo

    build_crosscheck_demo(rng, today=today, schools=schools, bureau=bureau)

    from supervision.institutions.demo import build_institutions_demo

    build_institutions_demo(rng, today=today)

    from supervision.surveys.demo import build_surveys_demo

    build_surveys_demo(rng, today=today, schools=schools, bureau=bureau)

    from reports.scoring.demo import build_scoring_demo

    build_scoring_demo(today=today)
    return DemoSummary(schools=len(schools), districts=len(districts), supervisors=len(supervisors), accounts=accounts)
