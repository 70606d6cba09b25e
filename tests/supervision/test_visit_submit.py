"""Submitting a visit from the tablet: idempotent on the client id, checklist
kept as it was, photos stripped of EXIF/GPS, demands raised from
non-compliant items, and only for schools the supervisor is responsible for."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from supervision.errors import SupervisionError
from supervision.models import ItemResult, Rectification, SupervisionItem, Visit, VisitPhoto
from supervision.visits.services import ItemEntry, visit_submit
from tests.factories import SupervisorAssignmentFactory, SupervisorFactory
from tests.supervision.factories import has_gps, photo_upload
from tests.supervision.helpers import JSON, login, visit_payload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def url(school) -> str:  # type: ignore[no-untyped-def]
    return reverse("visit_new", args=[school.pk])


def test_submitting_twice_with_same_client_id_makes_one_visit(world) -> None:  # type: ignore[no-untyped-def]
    client = login(world.supervisor_x)
    data = visit_payload(client_id=uuid.uuid4())
    first = client.post(url(world.school_a), data, **JSON)
    second = client.post(url(world.school_a), data, **JSON)
    assert first.status_code == 201 and first.json()["created"] is True
    assert second.status_code == 200 and second.json()["created"] is False
    assert first.json()["visit"] == second.json()["visit"]
    assert Visit.objects.count() == 1


def test_repeat_is_answered_even_if_the_form_would_now_be_invalid(world) -> None:  # type: ignore[no-untyped-def]
    client = login(world.supervisor_x)
    data = visit_payload()
    assert client.post(url(world.school_a), data, **JSON).status_code == 201
    data["methods"] = []  # a queued copy that no longer validates still finds its visit
    response = client.post(url(world.school_a), data, **JSON)
    assert response.status_code == 200 and response.json()["created"] is False
    assert Visit.objects.count() == 1


def test_race_on_client_id_returns_the_winner(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Two copies that both pass the existence check: the unique constraint
    stops the second, which answers with the first visit."""
    from supervision.visits import services as service

    client_id = uuid.uuid4()
    item = SupervisionItem.objects.get(code="4.1")
    kwargs = {
        "client_id": client_id,
        "school": world.school_a,
        "by": world.supervisor_x,
        "date": TODAY(),
        "kind": "routine",
        "mode": "announced",
        "methods": ["patrol"],
        "items": [ItemEntry(item=item, result=ItemResult.COMPLIANT)],
    }
    winner, created = visit_submit(**kwargs)
    assert created
    calls = []
    real = service.existing_visit_for

    def stale_first_look(*, client_id, by):  # type: ignore[no-untyped-def]
        calls.append(client_id)
        return None if len(calls) == 1 else real(client_id=client_id, by=by)

    monkeypatch.setattr(service, "existing_visit_for", stale_first_look)
    again, created = visit_submit(**kwargs)
    assert not created and again.pk == winner.pk and len(calls) == 2
    assert Visit.objects.count() == 1


def test_client_id_of_another_account_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    data = visit_payload()
    assert login(world.supervisor_x).post(url(world.school_a), data, **JSON).status_code == 201
    # Another supervisor of the same district replays the id: refused, not answered with the visit.
    other = SupervisorFactory()
    SupervisorAssignmentFactory(supervisor=other, district=world.district_x)
    response = login(other.user).post(url(world.school_a), data, **JSON)
    assert response.status_code == 400
    assert "visit" not in response.json()
    assert Visit.objects.count() == 1


def test_visit_keeps_item_wording_after_the_item_is_reworded(world) -> None:  # type: ignore[no-untyped-def]
    item = SupervisionItem.objects.get(code="4.1")
    old_title = item.title
    login(world.supervisor_x).post(url(world.school_a), visit_payload(results={"4.1": "mostly"}), **JSON)
    item.title = "书面作业总量控制（新表述）"
    item.code = "4.10"
    item.active = False
    item.save()
    result = Visit.objects.get().results.get()
    assert (result.item_code, result.item_title, result.item_id) == ("4.1", old_title, item.pk)
    page = login(world.supervisor_x).get(reverse("visit_detail", args=[result.visit_id]))
    assert old_title in page.content.decode()
    assert "新表述" not in page.content.decode()


def test_result_for_an_item_retired_after_the_form_was_cached_is_kept(world) -> None:  # type: ignore[no-untyped-def]
    data = visit_payload(results={"4.1": "compliant", "4.6": "mostly"})
    SupervisionItem.objects.filter(code="4.6").update(active=False)
    assert login(world.supervisor_x).post(url(world.school_a), data, **JSON).status_code == 201
    assert sorted(Visit.objects.get().results.values_list("item_code", flat=True)) == ["4.1", "4.6"]


def test_photo_is_reencoded_without_gps_and_with_a_generated_name(world) -> None:  # type: ignore[no-untyped-def]
    data = visit_payload()
    data["photos"] = [photo_upload("张三家-定位.jpg", gps=True)]
    response = login(world.supervisor_x).post(url(world.school_a), data, **JSON)
    assert response.status_code == 201
    photo = VisitPhoto.objects.get()
    stored = photo.image.read()
    assert stored[:2] == b"\xff\xd8"
    assert not has_gps(stored)
    assert "张三" not in photo.image.name and photo.image.name.endswith(".jpg")
    assert photo.thumbnail.name and photo.width == 64


def test_too_many_photos_are_refused(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.VISIT_MAX_PHOTOS = 1
    data = visit_payload()
    data["photos"] = [photo_upload("a.jpg"), photo_upload("b.jpg")]
    response = login(world.supervisor_x).post(url(world.school_a), data, **JSON)
    assert response.status_code == 400
    assert Visit.objects.count() == 0


def test_oversized_or_fake_photo_is_refused(world, settings) -> None:  # type: ignore[no-untyped-def]
    data = visit_payload()
    data["photos"] = [SimpleUploadedFile("x.jpg", b"<html>not an image</html>", content_type="image/jpeg")]
    assert login(world.supervisor_x).post(url(world.school_a), data, **JSON).status_code == 400
    settings.VISIT_PHOTO_MAX_MB = 0
    data = visit_payload()
    data["photos"] = [photo_upload()]
    assert login(world.supervisor_x).post(url(world.school_a), data, **JSON).status_code == 400
    assert Visit.objects.count() == 0 and VisitPhoto.objects.count() == 0


def test_non_compliant_item_raises_a_demand_and_mails_the_principal(  # type: ignore[no-untyped-def]
    world, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    world.principal_a.email = "principal-a@example.cn"
    world.principal_a.save()
    deadline = TODAY() + datetime.timedelta(days=14)
    data = visit_payload(
        results={"4.1": ItemResult.NON_COMPLIANT, "4.3": ItemResult.NON_COMPLIANT},
        demands={"4.1": ("三年级作业超时，须统筹作业总量。", deadline), "4.3": ("课后服务每周仅三天。", deadline)},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.supervisor_x).post(url(world.school_a), data, **JSON)
    assert response.status_code == 201
    demands = Rectification.objects.order_by("title")
    assert [d.visit_item.item_code for d in demands] == ["4.1", "4.3"]
    assert all(d.school == world.school_a and d.deadline == deadline for d in demands)
    assert len(mailoutbox) == 1  # one e-mail for both demands
    assert mailoutbox[0].to == ["principal-a@example.cn"]
    assert "三年级作业超时" in mailoutbox[0].body


def test_demand_needs_non_compliant_result_text_and_future_deadline(world) -> None:  # type: ignore[no-untyped-def]
    client = login(world.supervisor_x)
    past = TODAY() - datetime.timedelta(days=1)
    bad_deadline = visit_payload(results={"4.1": ItemResult.NON_COMPLIANT}, demands={"4.1": ("须整改", past)})
    assert client.post(url(world.school_a), bad_deadline, **JSON).status_code == 400
    no_text = visit_payload(
        results={"4.1": ItemResult.NON_COMPLIANT}, demands={"4.1": ("", TODAY() + datetime.timedelta(days=3))}
    )
    response = client.post(url(world.school_a), no_text, **JSON)
    assert response.status_code == 400 and any(k.startswith("demand_text_") for k in response.json()["errors"])
    assert Visit.objects.count() == 0 and Rectification.objects.count() == 0


def test_demand_on_compliant_item_is_ignored(world) -> None:  # type: ignore[no-untyped-def]
    data = visit_payload(
        results={"4.1": ItemResult.COMPLIANT}, demands={"4.1": ("不应出现", TODAY() + datetime.timedelta(days=3))}
    )
    assert login(world.supervisor_x).post(url(world.school_a), data, **JSON).status_code == 201
    assert Rectification.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"methods": []}, "methods"),
        ({"date": "tomorrow"}, "__all__"),
        ({"mode": "secret"}, "mode"),
    ],
)
def test_invalid_visit_is_refused_with_errors(world, change, field) -> None:  # type: ignore[no-untyped-def]
    data = visit_payload()
    data.update(change)
    if data["date"] == "tomorrow":
        # Taken when the test runs, not when it is collected: a run that
        # crosses midnight (Beijing time) made "tomorrow" today.
        data["date"] = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = login(world.supervisor_x).post(url(world.school_a), data, **JSON)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Visit.objects.count() == 0


def test_future_visit_is_refused_in_chinese(world) -> None:  # type: ignore[no-untyped-def]
    data = visit_payload()
    data["date"] = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = login(world.supervisor_x).post(url(world.school_a), data, HTTP_ACCEPT_LANGUAGE="zh-hans", **JSON)
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == ["督导日期不能晚于今天。"]
    assert Visit.objects.count() == 0


def test_visit_without_any_result_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    data = visit_payload()
    for key in [k for k in data if k.startswith("result_")]:
        data[key] = ""
    response = login(world.supervisor_x).post(url(world.school_a), data, **JSON)
    assert response.status_code == 400 and Visit.objects.count() == 0


def test_submitter_is_always_present_and_outsiders_cannot_be_named(world) -> None:  # type: ignore[no-untyped-def]
    me = world.supervisor_x.supervisor_profile
    colleague = SupervisorFactory()
    SupervisorAssignmentFactory(supervisor=colleague, district=world.district_x)
    data = visit_payload(supervisors=[str(colleague.pk)])
    assert login(world.supervisor_x).post(url(world.school_a), data, **JSON).status_code == 201
    assert set(Visit.objects.get().supervisors.all()) == {me, colleague}
    outsider = world.supervisor_y.supervisor_profile
    data = visit_payload(supervisors=[str(outsider.pk)])
    assert login(world.supervisor_x).post(url(world.school_a), data, **JSON).status_code == 400


def test_supervisor_cannot_log_visit_for_school_of_another_district(world) -> None:  # type: ignore[no-untyped-def]
    response = login(world.supervisor_y).post(url(world.school_a), visit_payload(), **JSON)
    assert response.status_code == 404 and response.json()["errors"]["__all__"]  # the tablet shows why
    assert login(world.supervisor_y).post(url(world.school_a), visit_payload()).status_code == 404
    with pytest.raises(SupervisionError):
        visit_submit(
            client_id=uuid.uuid4(),
            school=world.school_a,
            by=world.supervisor_y,
            date=TODAY(),
            kind="routine",
            mode="announced",
            methods=["patrol"],
            items=[ItemEntry(item=SupervisionItem.objects.get(code="4.1"), result="compliant")],
        )
    assert Visit.objects.count() == 0


def test_plain_form_post_redirects_to_the_visit(world) -> None:  # type: ignore[no-untyped-def]
    response = login(world.supervisor_x).post(url(world.school_a), visit_payload())
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("visit_detail", args=[visit.pk])


def test_plain_form_post_with_errors_rerenders_the_form(world) -> None:  # type: ignore[no-untyped-def]
    response = login(world.supervisor_x).post(url(world.school_a), visit_payload(methods=[]))
    assert response.status_code == 200
    assert 'id="visit-form"' in response.content.decode()
    assert Visit.objects.count() == 0


def test_client_id_is_unique_in_the_database(world) -> None:  # type: ignore[no-untyped-def]
    from tests.supervision.factories import VisitFactory

    visit = VisitFactory(school=world.school_a, submitted_by=world.supervisor_x)
    with pytest.raises(IntegrityError):
        VisitFactory(school=world.school_a, submitted_by=world.supervisor_x, client_id=visit.client_id)
