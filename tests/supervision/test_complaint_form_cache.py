"""The fresh complaint form's fields are rendered once and cached (crispy
is most of the page's time); what they show stays right: a category
renamed or withdrawn shows at once, each prefill has its own fields, and a
form sent back with errors is never the cached one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from supervision.models import ComplaintCategory
from tests.supervision.complaint_factories import category

pytestmark = pytest.mark.django_db

FORM = reverse("complaints:public_form")


def test_a_category_change_shows_at_once(world) -> None:  # type: ignore[no-untyped-def]
    kind = category()
    assert kind.name in Client().get(FORM).content.decode()
    kind.name = "作业量过大（含周末）"
    kind.save()
    assert "作业量过大（含周末）" in Client().get(FORM).content.decode()
    kind.active = False
    kind.save()
    page = Client().get(FORM).content.decode()
    assert "作业量过大" not in page and ComplaintCategory.objects.filter(active=True).exists()


def test_each_prefill_has_its_own_fields(world) -> None:  # type: ignore[no-untyped-def]
    plain = Client().get(FORM).content.decode()
    a = Client().get(FORM, {"school": world.school_a.code}).content.decode()
    b = Client().get(FORM, {"school": world.school_b.code}).content.decode()
    assert f'value="{world.school_a.name}"' in a and world.school_b.name not in a
    assert f'value="{world.school_b.name}"' in b and world.school_a.name not in b
    assert world.school_a.name not in Client().get(FORM).content.decode() and world.school_a.name not in plain


def test_a_form_with_errors_is_not_the_cached_one(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.get(FORM)
    response = client.post(FORM, {"school_name": "不存在的学校", "description": "太短", "captcha": "x"})
    page = response.content.decode()
    assert response.status_code == 200 and response.context["form"].errors
    assert 'value="不存在的学校"' in page and "is-invalid" in page
