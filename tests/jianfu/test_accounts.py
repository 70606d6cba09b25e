"""Account management in the portal (issue 13, accounts): who may do what,
each action and its audit entry, one-time links, forced password change,
deactivation and the school's open items."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jianfu.accounts.models import LinkPurpose
from jianfu.accounts.selectors import school_open_items
from jianfu.accounts.services import (
    account_create_principal,
    account_deactivate,
    account_link_path,
)
from jianfu.models import AccountLink, AuditEvent, User
from jianfu.roles import SECTION_ACCOUNTS, SECTION_BASIC_EDUCATION, Role
from schools.models import School
from tests.factories import PASSWORD, BureauUserFactory, PrincipalFactory, SchoolFactory, SupervisorFactory
from tests.supervision.factories import RectificationFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Chalk-and-ink-2026"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sent(django_capture_on_commit_callbacks: Any) -> Any:
    """Run the on-commit hooks (the outbox publishes e-mails after commit)
    at the end of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def admin01(world: Any) -> User:
    return BureauUserFactory(username="admin01", section=SECTION_ACCOUNTS)


def account_events(user: User, what: str) -> list[AuditEvent]:
    return [
        e
        for e in AuditEvent.objects.filter(object_type="jianfu.user", object_id=str(user.pk))
        if e.changes.get("account") == what
    ]


def links_in(text: str) -> list[str]:
    return re.findall(r"/accounts/link/[^/\s\"<]+/[^/\s\"<]+/", text)


def set_password_from(link: str) -> Client:
    """Open the link and set NEW_PASSWORD as its holder would."""
    client = Client()
    response = client.get(link)
    assert response.status_code == 302  # Django moves the token into the session
    response = client.post(response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:link_done")
    return client


# -- the role ---------------------------------------------------------------------------


def test_account_section_is_rebuilt_after_migrate_with_its_permissions(db: None) -> None:
    group = Group.objects.get(name=SECTION_ACCOUNTS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"create_account", "deactivate_account", "reset_account", "view_user"} <= codenames
    # Not a section complaints can be assigned to.
    from jianfu.roles import SECTIONS

    assert SECTION_ACCOUNTS not in SECTIONS


# -- creating ---------------------------------------------------------------------------


def test_staff_account_gets_sections_and_a_link_shown_once_and_emailed(admin01: User, sent: Any) -> None:
    client = client_for(admin01)
    groups = Group.objects.filter(name__in=[SECTION_BASIC_EDUCATION])
    with sent():
        response = client.post(
            reverse("accounts:create_staff"),
            {
                "username": "jiaoyu01",
                "full_name": "基教科 李老师",
                "email": "li@example.cn",
                "phone": "",
                "groups": [g.pk for g in groups],
            },
        )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:handover")
    user = User.objects.get(username="jiaoyu01")
    assert (user.role, user.is_staff, user.must_change_password) == (Role.BUREAU, True, True)
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [SECTION_BASIC_EDUCATION]

    page = client.get(reverse("accounts:handover")).content.decode()
    shown = links_in(page)
    assert len(shown) == 1
    # Shown once: the page is empty the second time.
    assert links_in(client.get(reverse("accounts:handover")).content.decode()) == []

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li@example.cn"]
    # The same account's link (the token carries its own timestamp, so the
    # two may differ by the second they were made in).
    assert [u.split("/")[3] for u in links_in(message.body)] == [u.split("/")[3] for u in shown]
    assert "jiaoyu01" in message.body and "password" not in message.body.lower()
    link = AccountLink.objects.get(user=user)
    assert (link.purpose, link.issued_by, link.notified_at is not None) == (LinkPurpose.FIRST, admin01, True)
    assert account_events(user, "create") and account_events(user, "link_first") and account_events(user, "groups")
    assert account_events(user, "link_shown")[0].user == admin01


def test_staff_account_with_a_taken_name_is_refused_and_nothing_changes(admin01: User) -> None:
    before = User.objects.count()
    response = client_for(admin01).post(
        reverse("accounts:create_staff"),
        {"username": "ADMIN01", "full_name": "重名", "groups": [Group.objects.get(name=SECTION_ACCOUNTS).pk]},
    )
    assert response.status_code == 200
    assert "登录名“ADMIN01”已被使用。" in response.content.decode()
    assert User.objects.count() == before and not mail.outbox


def test_principal_account_for_a_school_then_refused_while_one_is_active(admin01: User) -> None:
    school = SchoolFactory(name="新建实验小学", principal_name="王建国")
    client = client_for(admin01)
    response = client.post(
        reverse("accounts:create_principal"), {"school": school.pk, "full_name": "", "username": "", "email": ""}
    )
    assert response.status_code == 302
    user = User.objects.get(school=school)
    assert (user.username, user.full_name, user.role) == (school.code, "王建国", Role.PRINCIPAL)
    assert not mail.outbox  # no address: the link is handed over only
    assert len(links_in(client.get(reverse("accounts:handover")).content.decode())) == 1

    # The school is no longer offered, and the service refuses a second one.
    page = client.get(reverse("accounts:create_principal")).content.decode()
    assert "新建实验小学" not in page
    from jianfu.accounts.errors import AccountError

    with pytest.raises(AccountError, match=school.code):
        account_create_principal(school=school, by=admin01)


def test_one_click_creates_a_principal_account_for_every_school_without_one(admin01: User, world: Any) -> None:
    without = [SchoolFactory(principal_name=f"校长{i}") for i in range(3)]
    SchoolFactory(active=False)
    client = client_for(admin01)
    assert "3 所在用学校还没有校长账号" in client.get(reverse("accounts:list")).content.decode()
    response = client.post(reverse("accounts:create_missing_principals"))
    assert response.status_code == 302
    assert set(User.objects.filter(school__in=without).values_list("school__code", flat=True)) == {
        s.code for s in without
    }
    assert len(links_in(client.get(reverse("accounts:handover")).content.decode())) == 3
    # The schools of the personas kept their one account each.
    assert User.objects.filter(school=world.school_a).count() == 1
    response = client.post(reverse("accounts:create_missing_principals"))
    assert User.objects.filter(role=Role.PRINCIPAL).count() == 5


def test_supervisor_account_from_the_register(admin01: User, sent: Any) -> None:
    supervisor = SupervisorFactory(user=None, name="钱督学", phone="13900002222")
    client = client_for(admin01)
    with sent():
        response = client.post(
            reverse("accounts:create_supervisor"), {"supervisor": supervisor.pk, "username": "qian", "email": "q@x.cn"}
        )
    assert response.status_code == 302
    supervisor.refresh_from_db()
    user = supervisor.user
    assert (user.username, user.role, user.full_name, user.phone) == ("qian", Role.SUPERVISOR, "钱督学", "13900002222")
    assert mail.outbox[0].to == ["q@x.cn"]
    # Offered no more.
    assert "钱督学" not in client.get(reverse("accounts:create_supervisor")).content.decode()


# -- the link ---------------------------------------------------------------------------


def test_link_sets_the_password_once_then_the_account_signs_in(admin01: User, sent: Any) -> None:
    school = SchoolFactory()
    with sent():
        user = account_create_principal(school=school, by=admin01, email="p@x.cn")
    link = links_in(mail.outbox[0].body)[0]
    set_password_from(link)
    user.refresh_from_db()
    assert user.has_usable_password() and not user.must_change_password
    assert account_events(user, "password_set")[0].user == user

    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # to the school's page
    # Used once: the same link is dead now.
    response = Client().get(link, follow=True)
    assert 'data-testid="link-invalid"' in response.content.decode()


def test_link_of_a_deactivated_account_is_dead(admin01: User) -> None:
    user = account_create_principal(school=SchoolFactory(), by=admin01)
    path = account_link_path(user=user)
    account_deactivate(user=user, by=admin01, reason="调离")
    response = Client().get(path, follow=True)
    assert 'data-testid="link-invalid"' in response.content.decode()


def test_reset_voids_the_password_the_sessions_and_older_links(admin01: User, world: Any, sent: Any) -> None:
    principal = world.principal_a
    principal.email = "a@x.cn"
    principal.save()
    theirs = client_for(principal)
    assert theirs.get(reverse("school_detail", args=[world.school_a.pk])).status_code == 200
    first = account_link_path(user=principal)

    with sent():
        response = client_for(admin01).post(reverse("accounts:reset", args=[principal.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:handover")
    principal.refresh_from_db()
    assert not principal.has_usable_password() and principal.must_change_password
    # The session of the old password is over.
    assert theirs.get(reverse("school_detail", args=[world.school_a.pk])).status_code == 302
    assert Client().post(reverse("login"), {"username": principal.username, "password": PASSWORD}).status_code == 200
    # Only the newest link works.
    assert 'data-testid="link-invalid"' in Client().get(first, follow=True).content.decode()
    emailed = links_in(mail.outbox[0].body)[0]
    set_password_from(emailed)
    assert account_events(principal, "link_reset")


def test_reset_refused_for_oneself_and_for_a_superuser(admin01: User) -> None:
    root = User.objects.create_superuser("root", "r@x.cn", PASSWORD)
    client = client_for(admin01)
    for target in (admin01, root):
        response = client.post(reverse("accounts:reset", args=[target.pk]), follow=True)
        assert response.status_code == 200
        target.refresh_from_db()
        assert target.has_usable_password()
    assert not AccountLink.objects.exists()


def test_sweeper_sends_a_link_whose_task_never_ran(admin01: User) -> None:
    from jianfu.outbox import notifications_sweep

    user = account_create_principal(school=SchoolFactory(), by=admin01)
    user.email = "late@x.cn"
    user.save()
    link = AccountLink.objects.create(user=user, purpose=LinkPurpose.RESET, issued_by=admin01, email=user.email)
    AccountLink.objects.filter(pk=link.pk).update(issued_at=timezone.now() - datetime.timedelta(minutes=10))
    assert notifications_sweep() >= 1
    assert [m.to for m in mail.outbox] == [["late@x.cn"]]
    assert notifications_sweep() == 0  # once


# -- forced change ------------------------------------------------------------------------


def test_forced_change_redirects_every_page_until_the_password_is_changed(world: Any) -> None:
    principal = world.principal_a
    principal.must_change_password = True
    principal.save()
    client = Client()
    assert client.post(reverse("login"), {"username": principal.username, "password": PASSWORD}).status_code == 302
    for path in (reverse("home"), reverse("school_detail", args=[world.school_a.pk]), "/reports/scores/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_required")
    assert client.get(reverse("accounts:password_required")).status_code == 200
    response = client.post(
        reverse("accounts:password_required"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    principal.refresh_from_db()
    assert not principal.must_change_password
    assert client.get(reverse("school_detail", args=[world.school_a.pk])).status_code == 200
    # Signing out is always possible.
    principal.must_change_password = True
    principal.save()
    assert client.post(reverse("logout")).status_code == 302


# -- deactivation and the school's open items ---------------------------------------------


def test_deactivation_ends_sessions_and_the_next_principal_finds_the_open_items(
    admin01: User, world: Any, sent: Any
) -> None:
    old = world.principal_a
    theirs = client_for(old)
    demand = RectificationFactory(school=world.school_a)
    assert school_open_items(school=world.school_a).rectifications == 1
    client = client_for(admin01)

    # No reason: refused, nothing changes.
    client.post(reverse("accounts:deactivate", args=[old.pk]), {"reason": " "})
    old.refresh_from_db()
    assert old.is_active

    client.post(reverse("accounts:deactivate", args=[old.pk]), {"reason": "校长调任"})
    old.refresh_from_db()
    assert not old.is_active
    assert not Session.objects.filter(session_key=theirs.session.session_key).exists()
    assert theirs.get(reverse("home")).status_code == 302
    assert account_events(old, "deactivate")[0].note == "校长调任"
    assert account_events(old, "deactivate")[0].user == admin01

    with sent():
        client.post(reverse("accounts:create_principal"), {"school": world.school_a.pk, "email": "new@x.cn"})
    new = User.objects.get(school=world.school_a, is_active=True)
    assert "1" in mail.outbox[0].body and "整改" in mail.outbox[0].body
    set_password_from(links_in(mail.outbox[0].body)[0])
    mine = Client()
    mine.post(reverse("login"), {"username": new.username, "password": NEW_PASSWORD})
    assert mine.get(reverse("rectification_detail", args=[demand.pk])).status_code == 200

    # The old account cannot come back while the new one is active.
    client.post(reverse("accounts:activate", args=[old.pk]))
    old.refresh_from_db()
    assert not old.is_active


def test_reactivation_is_audited(admin01: User, world: Any) -> None:
    sup = world.supervisor_x
    account_deactivate(user=sup, by=admin01, reason="任期结束")
    response = client_for(admin01).post(reverse("accounts:activate", args=[sup.pk]))
    assert response.status_code == 302
    sup.refresh_from_db()
    assert sup.is_active and account_events(sup, "activate")


def test_one_cannot_deactivate_oneself(admin01: User) -> None:
    client_for(admin01).post(reverse("accounts:deactivate", args=[admin01.pk]), {"reason": "试试"})
    admin01.refresh_from_db()
    assert admin01.is_active


# -- the list ------------------------------------------------------------------------------


def test_list_filters_search_and_paging(admin01: User, world: Any) -> None:
    client = client_for(admin01)

    def names(**params: Any) -> set[str]:
        page = client.get(reverse("accounts:list"), params).content.decode()
        return set(re.findall(r'<a href="/bureau/accounts/\d+/">([^<]+)</a>', page))

    assert names(role=Role.PRINCIPAL) == {world.principal_a.username, world.principal_b.username}
    assert names(school=world.school_b.pk) == {world.principal_b.username}
    account_deactivate(user=world.principal_b, by=admin01, reason="调离")
    assert names(active="no") == {world.principal_b.username}
    User.objects.filter(pk=world.principal_a.pk).update(last_login=timezone.now())
    assert world.principal_a.username not in names(never="on")
    assert names(q="甲小学") == {world.principal_a.username}

    for i in range(60):
        PrincipalFactory(school=SchoolFactory(), username=f"zz{i:02d}")
    assert len(names(role=Role.PRINCIPAL)) == 50
    assert len(names(role=Role.PRINCIPAL, page=2)) == 12


def test_list_costs_the_same_queries_for_few_or_many_accounts(admin01: User) -> None:
    client = client_for(admin01)
    client.get(reverse("accounts:list"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("accounts:list")).status_code == 200
        return len(queries)

    few = count()
    for i in range(30):
        user = BureauUserFactory(section=SECTION_BASIC_EDUCATION)
        PrincipalFactory(school=SchoolFactory())
        SupervisorFactory()
        del user, i
    assert count() == few


# -- the register import ---------------------------------------------------------------------


def test_import_row_with_the_principals_contact_creates_the_account(admin01: User, world: Any, sent: Any) -> None:
    from schools.register.services import import_batch_apply, register_import_preview
    from tests.schools.register_files import school_cells, upload

    rows = [
        school_cells(校长手机="13911112222", 校长电子邮箱="wang@x.cn"),
        school_cells(学校标识码="3133990002", 学校名称="无联系人小学"),
    ]
    preview = register_import_preview(kind="schools", upload=upload("schools", rows), by=admin01, file_name="a.xlsx")
    assert preview.plan.ok
    with sent():
        outcome = import_batch_apply(batch=preview.batch, by=admin01)
    school = School.objects.get(code="3133990001")
    user = User.objects.get(school=school)
    assert outcome.accounts_created == [user.username]
    assert (user.full_name, user.phone, user.email, user.must_change_password) == (
        "王建国",
        "13911112222",
        "wang@x.cn",
        True,
    )
    assert mail.outbox[0].to == ["wang@x.cn"]
    assert not User.objects.filter(school__code="3133990002").exists()

    # The export re-imports as unchanged; another contact for that school is refused.
    again = register_import_preview(kind="schools", upload=upload("schools", rows[:1]), by=admin01)
    assert [r.action for r in again.plan.rows] == ["unchanged"]
    other = register_import_preview(
        kind="schools", upload=upload("schools", [school_cells(校长电子邮箱="other@x.cn")]), by=admin01
    )
    assert not other.plan.ok and user.username in str(other.plan.errors[0])


def test_import_contact_without_the_principals_name_is_refused(admin01: User) -> None:
    from schools.register.services import register_import_preview
    from tests.schools.register_files import school_cells, upload

    preview = register_import_preview(
        kind="schools", upload=upload("schools", [school_cells(校长=None, 校长手机="13911112222")]), by=admin01
    )
    assert not preview.plan.ok


def test_import_page_hands_the_new_links_over(admin01: User, world: Any) -> None:
    from schools.models import ImportBatch
    from tests.schools.register_files import school_cells, upload

    client = client_for(admin01)
    client.post(
        reverse("register_import", args=["schools"]),
        {"file": upload("schools", [school_cells(校长手机="13911112222")])},
    )
    batch = ImportBatch.objects.get()
    response = client.post(reverse("register_import_confirm", args=[batch.pk]))
    assert response["Location"] == reverse("accounts:handover")
    assert len(links_in(client.get(reverse("accounts:handover")).content.decode())) == 1


# -- refused personas ----------------------------------------------------------------------

ACTIONS = [
    ("get", "accounts:list", False),
    ("get", "accounts:handover", False),
    ("get", "accounts:detail", True),
    ("post", "accounts:create_staff", False),
    ("post", "accounts:create_principal", False),
    ("post", "accounts:create_supervisor", False),
    ("post", "accounts:create_missing_principals", False),
    ("post", "accounts:deactivate", True),
    ("post", "accounts:activate", True),
    ("post", "accounts:reset", True),
]


@pytest.mark.parametrize("method,name,with_pk", ACTIONS)
@pytest.mark.parametrize("persona", ["principal", "supervisor", "plain_bureau", "anonymous"])
def test_refused_personas(world: Any, persona: str, method: str, name: str, with_pk: bool) -> None:
    target = world.principal_b
    url = reverse(name, args=[target.pk] if with_pk else [])
    user = {
        "principal": world.principal_a,
        "supervisor": world.supervisor_x,
        "plain_bureau": world.bureau,  # 督导室, without 系统管理员
        "anonymous": None,
    }[persona]
    client = client_for(user) if user is not None else Client()
    before = (User.objects.count(), AccountLink.objects.count())
    response = getattr(client, method)(url, {"reason": "x", "school": world.school_b.pk, "username": "x"})
    expected = {"principal": 404, "supervisor": 404, "plain_bureau": 403, "anonymous": 302}[persona]
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    target.refresh_from_db()
    assert target.is_active and target.has_usable_password()
    assert (User.objects.count(), AccountLink.objects.count()) == before


def test_the_nav_shows_accounts_only_to_the_role(admin01: User, world: Any) -> None:
    assert 'data-testid="nav-accounts"' in client_for(admin01).get(reverse("bureau_overview")).content.decode()
    assert 'data-testid="nav-accounts"' not in client_for(world.bureau).get(reverse("bureau_overview")).content.decode()


def test_an_account_added_in_the_administration_must_choose_its_own_password(world: Any) -> None:
    root = User.objects.create_superuser("root", "r@x.cn", PASSWORD)
    response = client_for(root).post(
        reverse("admin:jianfu_user_add"),
        {
            "username": "clerk2",
            "full_name": "新职员",
            "role": Role.BUREAU,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="clerk2").must_change_password
