"""Excel import and export of the register: schools and supervisors.

Each importer follows :class:`jianfu.imports.Importer`: its first sheet is
both the template and the export, so an export re-imports as "unchanged".
The Chinese headers and words (小学, 公办, 专职, 是/否) are the file format,
not interface text: they stay Chinese whatever the interface language.

Rules that are the same for every row:

- a school is identified by its 学校标识码: a code already in the register
  updates that school; a supervisor by 登录账号 when given, else by name
  (and phone, when several supervisors share the name);
- an empty 督学责任区, 教育集团 or 登录账号 cell leaves the current value as
  it is (closing memberships and unlinking accounts is done in the
  administration); every other empty cell clears the field;
- a change of district closes the old membership (or assignment) the day
  before and opens a new one dated today, so the history stays."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jianfu.imports import NO, YES, ImportColumn, Importer, RowReader, as_text, display_words
from jianfu.models import User
from jianfu.roles import Role
from schools.models import EducationGroup, GradeEnrolment, Ownership, School, SchoolType
from schools.register.models import GRADES_BY_TYPE
from supervision.districts.services import district_membership_move, supervisor_assignments_set
from supervision.models import (
    DistrictMembership,
    Supervisor,
    SupervisorAssignment,
    SupervisorKind,
    SupervisoryDistrict,
)

# -- words of the file format ---------------------------------------------------
SCHOOL_TYPE_WORDS = {
    "小学": SchoolType.PRIMARY,
    "初中": SchoolType.JUNIOR,
    "九年一贯制": SchoolType.NINE_YEAR,
    "完全中学": SchoolType.COMPLETE,
    # accepted too, written back in the first form
    "初级中学": SchoolType.JUNIOR,
    "九年一贯制学校": SchoolType.NINE_YEAR,
}


OWNERSHIP_WORDS = {"公办": Ownership.PUBLIC, "民办": Ownership.PRIVATE}


KIND_WORDS = {
    "专职": SupervisorKind.FULL_TIME,
    "兼职": SupervisorKind.PART_TIME,
    "特约": SupervisorKind.SPECIAL,
    "专职督学": SupervisorKind.FULL_TIME,
    "兼职督学": SupervisorKind.PART_TIME,
    "特约督学": SupervisorKind.SPECIAL,
}


SCHOOL_TYPE_WORD = display_words(SCHOOL_TYPE_WORDS)


OWNERSHIP_WORD = display_words(OWNERSHIP_WORDS)


KIND_WORD = display_words(KIND_WORDS)


GRADE_NAMES = "一二三四五六七八九"


def classes_header(grade: int) -> str:
    return f"{GRADE_NAMES[grade - 1]}年级班数"


def pupils_header(grade: int) -> str:
    return f"{GRADE_NAMES[grade - 1]}年级学生数"


CODE, NAME, TYPE, OWNERSHIP = "学校标识码", "学校名称", "学校类型", "办学性质"


TOWN, ADDRESS, PRINCIPAL, PHONE = "镇街", "地址", "校长", "联系电话"


DISTRICT, GROUP = "督学责任区", "教育集团"
# The principal's own contact: with the name in 校长, a school without a
# principal account gets one on import (jianfu.accounts), its sign-in link
# e-mailed to this address and shown to the clerk.
P_MOBILE, P_EMAIL = "校长手机", "校长电子邮箱"


S_NAME, S_KIND, S_PHONE, S_EMPLOYER, S_POSITION = "姓名", "类别", "联系电话", "工作单位", "职务"


S_DISTRICTS, S_LEADER, S_START, S_END, S_ACCOUNT = "督学责任区", "是否组长", "任期开始", "任期结束", "登录账号"


MAX_CLASSES = 200


MAX_PUPILS = 20000


def _open_q(day: datetime.date) -> Q:
    """Rows still in force on ``day`` or later (current and planned ones)."""
    return Q(end_date__isnull=True) | Q(end_date__gte=day)


def known_district(
    r: RowReader, districts: Mapping[str, SupervisoryDistrict], header: str, name: str
) -> SupervisoryDistrict | None:
    if not name:
        return None
    district = districts.get(name)
    if district is None:
        r.error(header, _("Unknown supervisory district “%(value)s”.") % {"value": name})
    elif not district.active:
        r.error(header, _("The supervisory district “%(value)s” is no longer active.") % {"value": name})
    return district


def _district_words(districts: Sequence[SupervisoryDistrict]) -> str:
    return "、".join(d.name for d in sorted(districts, key=lambda d: d.number))


def schools_with_register_data(qs: QuerySet[School], *, today: datetime.date) -> QuerySet[School]:
    """Schools with what their register row shows, in four queries
    whatever their number: group, enrolments, open district memberships,
    active principal accounts."""
    return qs.select_related("group").prefetch_related(
        Prefetch(
            "accounts",
            queryset=User.objects.filter(role=Role.PRINCIPAL, is_active=True).order_by("pk"),
            to_attr="active_principals",
        ),
        Prefetch("enrolments", queryset=GradeEnrolment.objects.order_by("grade"), to_attr="register_enrolments"),
        Prefetch(
            "district_memberships",
            queryset=DistrictMembership.objects.filter(_open_q(today)).select_related("district"),
            to_attr="open_memberships",
        ),
    )


@dataclass
class SchoolRow:
    code: str
    name: str
    school_type: str
    ownership: str
    town: str
    address: str
    principal_name: str
    phone: str
    principal_mobile: str
    principal_email: str
    district: SupervisoryDistrict | None  # None: keep
    group: EducationGroup | None  # None: keep
    enrolments: dict[int, tuple[int, int]]  # grade -> (classes, pupils), taught grades only
    existing: School | None


class SchoolImporter(Importer):
    kind = "schools"
    verbose_name = gettext_lazy("School list")
    sheet_title = "学校"
    export_name = "学校名册"
    template_name = "学校导入模板"
    keep_when_blank = frozenset({DISTRICT, GROUP, P_MOBILE, P_EMAIL})
    may_be_absent = frozenset({P_MOBILE, P_EMAIL})
    columns: ClassVar[Sequence[ImportColumn]] = [
        ImportColumn(
            CODE,
            True,
            gettext_lazy(
                "The national school code, exactly 10 digits. A code already in the register updates that "
                "school. Format the column as text so that Excel keeps leading zeros."
            ),
            14,
        ),
        ImportColumn(NAME, True, gettext_lazy("The official name; no two schools may share it."), 26),
        ImportColumn(TYPE, True, gettext_lazy("One of: 小学, 初中, 九年一贯制, 完全中学 (for its junior part)."), 12),
        ImportColumn(OWNERSHIP, True, gettext_lazy("公办 or 民办."), 10),
        ImportColumn(TOWN, False, gettext_lazy("Town or street (镇街)."), 12),
        ImportColumn(ADDRESS, False, "", 30),
        ImportColumn(PRINCIPAL, False, gettext_lazy("The principal's name."), 10),
        ImportColumn(PHONE, False, gettext_lazy("Digits, for example 0573-85012345."), 16),
        ImportColumn(
            P_MOBILE,
            False,
            gettext_lazy(
                "Optional. With the principal's name, a school without a principal account gets one; the "
                "sign-in link is shown to you to hand over. Empty leaves the account as it is."
            ),
            14,
        ),
        ImportColumn(
            P_EMAIL,
            False,
            gettext_lazy(
                "Optional. With the principal's name, a school without a principal account gets one and the "
                "sign-in link is e-mailed here. Empty leaves the account as it is."
            ),
            22,
        ),
        ImportColumn(
            DISTRICT,
            False,
            gettext_lazy(
                "The name of a supervisory district of the register. A different district moves the school "
                "from today on; empty leaves its district as it is."
            ),
            16,
        ),
        ImportColumn(
            GROUP,
            False,
            gettext_lazy(
                "The name of an education group already in the register; empty leaves the school's group as it is."
            ),
            16,
        ),
        *[
            column
            for grade in range(1, 10)
            for column in (
                ImportColumn(
                    classes_header(grade),
                    False,
                    gettext_lazy(
                        "Number of classes of this grade. Only for the grades the school type teaches "
                        "(小学 1-6, 初中 and 完全中学 7-9, 九年一贯制 1-9); empty counts as 0."
                    ),
                    9,
                ),
                ImportColumn(
                    pupils_header(grade),
                    False,
                    gettext_lazy("Number of pupils of this grade; a grade with pupils has at least one class."),
                    9,
                ),
            )
        ],
    ]

    def prepare(self, raw_rows: Sequence[Mapping[str, Any]]) -> None:
        codes = {as_text(r["values"][CODE]) for r in raw_rows if r["values"].get(CODE) is not None}
        names = {as_text(r["values"][NAME]) for r in raw_rows if r["values"].get(NAME) is not None}
        groups = {as_text(r["values"][GROUP]) for r in raw_rows if r["values"].get(GROUP) is not None}
        self.schools = {
            s.code: s for s in schools_with_register_data(School.objects.filter(code__in=codes), today=self.today)
        }
        self.name_owner = dict(School.objects.filter(name__in=names).values_list("name", "code"))
        self.districts = {d.name: d for d in SupervisoryDistrict.objects.all()}
        self.groups = {g.name: g for g in EducationGroup.objects.filter(name__in=groups)}
        self.seen_codes: dict[str, int] = {}
        self.seen_names: dict[str, int] = {}
        self.created_accounts: list[str] = []

    def parse_row(self, r: RowReader) -> tuple[SchoolRow | None, School | None]:
        code = r.text(CODE, required=True)
        if code and not re.fullmatch(r"\d{10}", code):
            r.error(CODE, _("The national school code is exactly 10 digits; “%(value)s” is not.") % {"value": code})
        name = r.text(NAME, required=True, max_length=100)
        school_type = r.choice(TYPE, SCHOOL_TYPE_WORDS)
        ownership = r.choice(OWNERSHIP, OWNERSHIP_WORDS)
        town = r.text(TOWN, max_length=50)
        address = r.text(ADDRESS, max_length=200)
        principal = r.text(PRINCIPAL, max_length=50)
        phone = r.phone(PHONE)
        mobile, email = self._principal_contact(r, code, principal)
        district = known_district(r, self.districts, DISTRICT, r.text(DISTRICT))
        group = None
        group_name = r.text(GROUP)
        if group_name:
            group = self.groups.get(group_name)
            if group is None:
                r.error(
                    GROUP,
                    _("Unknown education group “%(value)s”; add it in the administration first.")
                    % {"value": group_name},
                )

        if code and not r.failed(CODE):
            if code in self.seen_codes:
                r.error(
                    CODE,
                    _("The code %(value)s appears again in row %(other)s.")
                    % {"value": code, "other": self.seen_codes[code]},
                )
            else:
                self.seen_codes[code] = r.number
        if name and not r.failed(NAME):
            if name in self.seen_names:
                r.error(
                    NAME,
                    _("The name “%(value)s” appears again in row %(other)s.")
                    % {"value": name, "other": self.seen_names[name]},
                )
            else:
                self.seen_names[name] = r.number
            owner = self.name_owner.get(name)
            if owner is not None and owner != code:
                r.error(
                    NAME,
                    _("Another school of the register (code %(code)s) already has this name.") % {"code": owner},
                )

        taught = GRADES_BY_TYPE.get(school_type) if school_type else None
        type_word = SCHOOL_TYPE_WORD.get(school_type or "", "")
        enrolments: dict[int, tuple[int, int]] = {}
        for grade in range(1, 10):
            classes = r.integer(classes_header(grade), maximum=MAX_CLASSES)
            pupils = r.integer(pupils_header(grade), maximum=MAX_PUPILS)
            if taught is None or r.failed(classes_header(grade), pupils_header(grade)):
                continue
            if grade not in taught:
                if classes or pupils:
                    r.error(
                        classes_header(grade) if classes else pupils_header(grade),
                        _("A %(type)s does not teach grade %(grade)s; leave this cell empty.")
                        % {"type": type_word, "grade": grade},
                    )
                continue
            if pupils and not classes:
                r.error(classes_header(grade), _("A grade with pupils needs at least one class."))
            enrolments[grade] = (classes or 0, pupils or 0)

        if r.failed() or school_type is None or ownership is None:
            return None, None
        existing = self.schools.get(code)
        row = SchoolRow(
            code=code,
            name=name,
            school_type=school_type,
            ownership=ownership,
            town=town,
            address=address,
            principal_name=principal,
            phone=phone,
            principal_mobile=mobile,
            principal_email=email,
            district=district,
            group=group,
            enrolments=enrolments,
            existing=existing,
        )
        return row, existing

    def cells_of(self, row: SchoolRow) -> dict[str, Any]:
        cells: dict[str, Any] = {
            CODE: row.code,
            NAME: row.name,
            TYPE: SCHOOL_TYPE_WORD[row.school_type],
            OWNERSHIP: OWNERSHIP_WORD[row.ownership],
            TOWN: row.town,
            ADDRESS: row.address,
            PRINCIPAL: row.principal_name,
            PHONE: row.phone,
            P_MOBILE: row.principal_mobile,
            P_EMAIL: row.principal_email,
            DISTRICT: row.district.name if row.district else "",
            GROUP: row.group.name if row.group else "",
        }
        for grade, (classes, pupils) in row.enrolments.items():
            cells[classes_header(grade)] = classes
            cells[pupils_header(grade)] = pupils
        return cells

    @staticmethod
    def principal_account(school: School) -> User | None:
        accounts = school.active_principals  # type: ignore[attr-defined]
        return accounts[0] if accounts else None

    def _principal_contact(self, r: RowReader, code: str, principal: str) -> tuple[str, str]:
        """The principal's mobile and e-mail. They only create an account: a
        school that has one keeps it as it is (a changed principal is
        deactivated on the accounts page first)."""
        mobile = r.phone(P_MOBILE)
        email = r.text(P_EMAIL, max_length=254)
        if email and not r.failed(P_EMAIL):
            try:
                validate_email(email)
            except ValidationError:
                r.error(P_EMAIL, _("“%(value)s” is not an e-mail address.") % {"value": email})
        if not (mobile or email) or r.failed(P_MOBILE, P_EMAIL):
            return mobile, email
        if not principal:
            r.error(PRINCIPAL, _("Give the principal's name with the principal's mobile or e-mail."))
        existing = self.schools.get(code)
        account = self.principal_account(existing) if existing is not None else None
        if account is not None and (
            (mobile and mobile != account.phone) or (email and email.lower() != account.email.lower())
        ):
            r.error(
                P_MOBILE if mobile and mobile != account.phone else P_EMAIL,
                _(
                    "The school already has a principal account (%(username)s) with other contact details. If "
                    "the principal has changed, deactivate that account on the accounts page first; otherwise "
                    "leave this cell as exported."
                )
                % {"username": account.username},
            )
        return mobile, email

    def current_district(self, school: School) -> SupervisoryDistrict | None:
        for m in school.open_memberships:  # type: ignore[attr-defined]
            if m.is_active_on(self.today):
                return m.district
        return None

    def export_cells(self, school: School) -> dict[str, Any]:
        district = self.current_district(school)
        account = self.principal_account(school)
        cells: dict[str, Any] = {
            CODE: school.code,
            NAME: school.name,
            TYPE: SCHOOL_TYPE_WORD.get(school.school_type, school.school_type),
            OWNERSHIP: OWNERSHIP_WORD.get(school.ownership, school.ownership),
            TOWN: school.town,
            ADDRESS: school.address,
            PRINCIPAL: school.principal_name,
            PHONE: school.phone,
            P_MOBILE: account.phone if account else "",
            P_EMAIL: account.email if account else "",
            DISTRICT: district.name if district else "",
            GROUP: school.group.name if school.group else "",
        }
        by_grade = {e.grade: e for e in school.register_enrolments}  # type: ignore[attr-defined]
        for grade in school.grades:
            e = by_grade.get(grade)
            cells[classes_header(grade)] = e.classes if e else 0
            cells[pupils_header(grade)] = e.pupils if e else 0
        return cells

    def apply_row(self, row: SchoolRow, *, by: Any) -> None:
        school = row.existing or School()
        school.code = row.code
        school.name = row.name
        school.school_type = row.school_type
        school.ownership = row.ownership
        school.town = row.town
        school.address = row.address
        school.principal_name = row.principal_name
        school.phone = row.phone
        if row.group is not None:
            school.group = row.group
        school.save()

        current = {e.grade: e for e in school.register_enrolments} if row.existing else {}  # type: ignore[attr-defined]
        for grade, (classes, pupils) in row.enrolments.items():
            e = current.get(grade)
            if e is None:
                GradeEnrolment.objects.create(school=school, grade=grade, classes=classes, pupils=pupils)
            elif (e.classes, e.pupils) != (classes, pupils):
                e.classes, e.pupils = classes, pupils
                e.save(update_fields=["classes", "pupils"])
        # A new school type drops the grades it no longer teaches.
        stale = [e.pk for grade, e in current.items() if grade not in row.enrolments]
        if stale:
            GradeEnrolment.objects.filter(pk__in=stale).delete()

        if row.district is not None:
            before = self.current_district(school) if row.existing else None
            if before is None or before.pk != row.district.pk:
                district_membership_move(school=school, district=row.district, on=self.today)

        has_account = row.existing is not None and self.principal_account(row.existing) is not None
        if row.principal_name and (row.principal_mobile or row.principal_email) and not has_account:
            from jianfu.accounts.services import account_create_principal

            user = account_create_principal(
                school=school,
                by=by,
                full_name=row.principal_name,
                email=row.principal_email,
                phone=row.principal_mobile,
            )
            self.created_accounts.append(user.username)


def supervisors_with_register_data(qs: QuerySet[Supervisor], *, today: datetime.date) -> QuerySet[Supervisor]:
    """Supervisors with their account and open assignments, two queries."""
    return qs.select_related("user").prefetch_related(
        Prefetch(
            "assignments",
            queryset=SupervisorAssignment.objects.filter(_open_q(today)).select_related("district"),
            to_attr="open_assignments",
        )
    )


@dataclass
class SupervisorRow:
    name: str
    kind: str
    phone: str
    employer: str
    position: str
    districts: list[SupervisoryDistrict] | None  # None: keep
    leaders: set[int]  # district ids led
    term_start: datetime.date | None
    term_end: datetime.date | None
    username: str  # "": keep
    existing: Supervisor | None


def _leader_words(districts: Sequence[SupervisoryDistrict], leaders: set[int]) -> str:
    if not leaders:
        return NO
    if all(d.pk in leaders for d in districts):
        return YES
    return _district_words([d for d in districts if d.pk in leaders])


class SupervisorImporter(Importer):
    kind = "supervisors"
    verbose_name = gettext_lazy("Supervisor list")
    sheet_title = "督学"
    export_name = "督学名册"
    template_name = "督学导入模板"
    keep_when_blank = frozenset({S_DISTRICTS, S_LEADER, S_ACCOUNT})
    columns: ClassVar[Sequence[ImportColumn]] = [
        ImportColumn(
            S_NAME,
            True,
            gettext_lazy(
                "The supervisor's name. Without a login account, a name already in the register updates that "
                "supervisor; when several share the name, the phone number tells them apart."
            ),
            10,
        ),
        ImportColumn(S_KIND, True, gettext_lazy("专职, 兼职 or 特约."), 8),
        ImportColumn(S_PHONE, False, gettext_lazy("Digits, for example 13912345678."), 16),
        ImportColumn(S_EMPLOYER, False, "", 24),
        ImportColumn(S_POSITION, False, "", 12),
        ImportColumn(
            S_DISTRICTS,
            False,
            gettext_lazy(
                "One or more supervisory district names separated by 、. The supervisor is assigned to exactly "
                "these districts from today on; assignments to other districts end yesterday. Empty leaves "
                "the assignments as they are."
            ),
            24,
        ),
        ImportColumn(
            S_LEADER,
            False,
            gettext_lazy(
                "是 (leads every district listed), 否, or the names of the listed districts the supervisor leads."
            ),
            10,
        ),
        ImportColumn(S_START, False, gettext_lazy("A date, for example 2024-09-01."), 12, "yyyy-mm-dd"),
        ImportColumn(S_END, False, gettext_lazy("A date, not before the start of the term."), 12, "yyyy-mm-dd"),
        ImportColumn(
            S_ACCOUNT,
            False,
            gettext_lazy(
                "Optional sign-in name (letters, digits, @ . + - _). A new name creates a supervisor account "
                "whose one-time sign-in link is shown to you to hand over; an existing supervisor account is "
                "linked. Empty leaves the account as it is."
            ),
            14,
        ),
    ]

    def prepare(self, raw_rows: Sequence[Mapping[str, Any]]) -> None:
        names = {as_text(r["values"][S_NAME]) for r in raw_rows if r["values"].get(S_NAME) is not None}
        usernames = {as_text(r["values"][S_ACCOUNT]) for r in raw_rows if r["values"].get(S_ACCOUNT) is not None}
        known = supervisors_with_register_data(
            Supervisor.objects.filter(Q(name__in=names) | Q(user__username__in=usernames)), today=self.today
        )
        self.by_name: dict[str, list[Supervisor]] = {}
        self.by_username: dict[str, Supervisor] = {}
        for sup in known:
            self.by_name.setdefault(sup.name, []).append(sup)
            if sup.user is not None:
                self.by_username[sup.user.username] = sup
        self.users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        self.districts = {d.name: d for d in SupervisoryDistrict.objects.all()}
        self.seen_targets: dict[int, int] = {}
        self.seen_new: dict[tuple[str, str], int] = {}
        self.seen_usernames: dict[str, int] = {}
        self.created_accounts: list[str] = []

    def parse_row(self, r: RowReader) -> tuple[SupervisorRow | None, Supervisor | None]:
        name = r.text(S_NAME, required=True, max_length=50)
        kind = r.choice(S_KIND, KIND_WORDS)
        phone = r.phone(S_PHONE)
        employer = r.text(S_EMPLOYER, max_length=100)
        position = r.text(S_POSITION, max_length=50)

        district_names = list(dict.fromkeys(r.names(S_DISTRICTS)))
        districts: list[SupervisoryDistrict] | None = None
        if district_names:
            districts = []
            for dn in district_names:
                d = known_district(r, self.districts, S_DISTRICTS, dn)
                if d is not None:
                    districts.append(d)
        leaders = self._leaders(r, district_names)

        term_start = r.date(S_START)
        term_end = r.date(S_END)
        if term_start and term_end and term_end < term_start:
            r.error(S_END, _("The term ends before it starts."))
        username = r.username(S_ACCOUNT)

        target = self._identify(r, name, phone, username)
        if target is not None:
            if target.pk in self.seen_targets:
                r.error(
                    S_NAME, _("Row %(other)s describes the same supervisor.") % {"other": self.seen_targets[target.pk]}
                )
            else:
                self.seen_targets[target.pk] = r.number
        elif name and not r.failed(S_NAME):
            key = (name, phone)
            if key in self.seen_new:
                r.error(S_NAME, _("Row %(other)s describes the same supervisor.") % {"other": self.seen_new[key]})
            else:
                self.seen_new[key] = r.number
        if username and not r.failed(S_ACCOUNT):
            if username in self.seen_usernames:
                r.error(
                    S_ACCOUNT,
                    _("The account “%(value)s” appears again in row %(other)s.")
                    % {"value": username, "other": self.seen_usernames[username]},
                )
            else:
                self.seen_usernames[username] = r.number

        if r.failed() or kind is None:
            return None, None
        leader_ids = {d.pk for d in districts or [] if d.name in leaders}
        row = SupervisorRow(
            name=name,
            kind=kind,
            phone=phone,
            employer=employer,
            position=position,
            districts=districts,
            leaders=leader_ids,
            term_start=term_start,
            term_end=term_end,
            username=username,
            existing=target,
        )
        return row, target

    def _leaders(self, r: RowReader, district_names: list[str]) -> set[str]:
        text = r.text(S_LEADER)
        if text in ("", NO):
            return set()
        if not district_names:
            r.error(
                S_LEADER,
                _("Name the districts in column “%(column)s” before marking the supervisor as leader.")
                % {"column": S_DISTRICTS},
            )
            return set()
        if text == YES:
            return set(district_names)
        led = set(r.names(S_LEADER))
        for name in sorted(led - set(district_names)):
            r.error(
                S_LEADER,
                _("Write 是 or 否, or names of the districts listed in column “%(column)s”; “%(value)s” is not one.")
                % {"column": S_DISTRICTS, "value": name},
            )
        return led

    def _identify(self, r: RowReader, name: str, phone: str, username: str) -> Supervisor | None:
        """The supervisor of the register the row describes, or None for a
        new one: the account's supervisor when an account is given; else
        the one supervisor of that name (narrowed by phone)."""
        if r.failed(S_NAME, S_ACCOUNT):
            return None
        homonyms = self.by_name.get(name, [])
        if username:
            if username in self.by_username:
                return self.by_username[username]
            user = self.users.get(username)
            if user is not None and user.role != Role.SUPERVISOR:
                r.error(
                    S_ACCOUNT,
                    _("The account “%(value)s” belongs to someone who is not a supervisor.") % {"value": username},
                )
                return None
            # A new or unlinked account: link it to the one supervisor of
            # that name who has no account yet; otherwise it is a new person.
            without_account = [s for s in homonyms if s.user_id is None]
            return without_account[0] if len(without_account) == 1 else None
        if len(homonyms) == 1:
            return homonyms[0]
        if len(homonyms) > 1:
            same_phone = [s for s in homonyms if phone and s.phone == phone]
            if len(same_phone) == 1:
                return same_phone[0]
            r.error(
                S_NAME,
                _(
                    "Several supervisors are named %(name)s; give the phone number or the login account to "
                    "tell them apart."
                )
                % {"name": name},
            )
        return None

    def cells_of(self, row: SupervisorRow) -> dict[str, Any]:
        return {
            S_NAME: row.name,
            S_KIND: KIND_WORD[row.kind],
            S_PHONE: row.phone,
            S_EMPLOYER: row.employer,
            S_POSITION: row.position,
            S_DISTRICTS: _district_words(row.districts) if row.districts else "",
            S_LEADER: _leader_words(row.districts, row.leaders) if row.districts else "",
            S_START: row.term_start,
            S_END: row.term_end,
            S_ACCOUNT: row.username,
        }

    def current_assignments(self, sup: Supervisor) -> list[SupervisorAssignment]:
        return [a for a in sup.open_assignments if a.is_active_on(self.today)]  # type: ignore[attr-defined]

    def export_cells(self, sup: Supervisor) -> dict[str, Any]:
        current = self.current_assignments(sup)
        districts = [a.district for a in current]
        return {
            S_NAME: sup.name,
            S_KIND: KIND_WORD.get(sup.kind, sup.kind),
            S_PHONE: sup.phone,
            S_EMPLOYER: sup.employer,
            S_POSITION: sup.position,
            S_DISTRICTS: _district_words(districts),
            S_LEADER: _leader_words(districts, {a.district_id for a in current if a.is_leader}),
            S_START: sup.term_start,
            S_END: sup.term_end,
            S_ACCOUNT: sup.user.username if sup.user else "",
        }

    def label(self, cells: Mapping[str, Any]) -> str:
        return f"{cells[S_NAME]}（{cells[S_KIND]}）"

    def apply_row(self, row: SupervisorRow, *, by: Any) -> None:
        sup = row.existing or Supervisor()
        sup.name = row.name
        sup.kind = row.kind
        sup.phone = row.phone
        sup.employer = row.employer
        sup.position = row.position
        sup.term_start = row.term_start
        sup.term_end = row.term_end
        if row.username and (sup.user is None or sup.user.username != row.username):
            user = self.users.get(row.username)
            if user is None:
                from jianfu.accounts.models import LinkPurpose
                from jianfu.accounts.services import account_link_issue

                user = User(
                    username=row.username,
                    role=Role.SUPERVISOR,
                    full_name=row.name,
                    phone=row.phone[:30],
                    must_change_password=True,
                )
                user.set_unusable_password()
                user.save()
                account_link_issue(user=user, by=by, purpose=LinkPurpose.FIRST)
                self.created_accounts.append(row.username)
            sup.user = user
        sup.save()
        if row.districts is not None:
            supervisor_assignments_set(supervisor=sup, districts=row.districts, leader_ids=row.leaders, on=self.today)


IMPORTERS: dict[str, type[Importer]] = {
    SchoolImporter.kind: SchoolImporter,
    SupervisorImporter.kind: SupervisorImporter,
}


def get_importer(kind: str) -> Importer:
    """A fresh importer of ``kind`` (importers keep state for one run)."""
    return IMPORTERS[kind]()
