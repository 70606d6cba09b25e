"""The fresh complaint form's fields are rendered once and cached (crispy
is most of the page's time); what they show stays right: a category
renamed or withdrawn shows at once, each prefill has its own fields, and a
form sent back with errors is never the cached one."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.complaints import public_page
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


# --- the whole fresh page, cached (issue 17) ------------------------------------------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _tokens(page: str) -> set[str]:
    return set(TOKEN.findall(page))


def test_the_second_visitor_reads_no_row_and_gets_a_token_of_their_own(world) -> None:  # type: ignore[no-untyped-def]
    url = f"{FORM}?school={world.school_a.code}"
    first = Client().get(url)
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(url)
    assert second.status_code == 200 and len(queries) == 0, [q["sql"] for q in queries]
    a, b = first.content.decode(), second.content.decode()
    assert len(_tokens(a)) == 1 and len(_tokens(b)) == 1 and _tokens(a) != _tokens(b)
    assert public_page.csrf_placeholder() not in b
    # The same page but for the token.
    assert TOKEN.sub("", a) == TOKEN.sub("", b)
    assert f'value="{world.school_a.name}"' in b
    assert second["Cache-Control"] == first["Cache-Control"] and "no-cache" in second["Cache-Control"]


def test_the_token_of_the_cached_page_passes_the_csrf_check(world) -> None:  # type: ignore[no-untyped-def]
    Client().get(FORM)
    client = Client(enforce_csrf_checks=True)
    page = client.get(FORM).content.decode()
    (token,) = _tokens(page)
    refused = Client(enforce_csrf_checks=True).post(FORM, {"description": "x"})
    assert refused.status_code == 403
    answered = client.post(FORM, {"csrfmiddlewaretoken": token, "description": "太短", "captcha": "x"})
    # Past the CSRF check: the form itself answers, with its errors.
    assert answered.status_code == 200 and answered.context["form"].errors


def test_a_school_renamed_shows_at_once(world) -> None:  # type: ignore[no-untyped-def]
    url = f"{FORM}?school={world.school_a.code}"
    assert f'value="{world.school_a.name}"' in Client().get(url).content.decode()
    world.school_a.name = "甲小学（新校区）"
    world.school_a.save()
    assert 'value="甲小学（新校区）"' in Client().get(url).content.decode()


def test_made_up_urls_and_signed_in_visitors_are_not_cached(world, settings) -> None:  # type: ignore[no-untyped-def]
    for url in (f"{FORM}?school=NO-SUCH-SCHOOL", f"{FORM}?institution=999999", f"{FORM}?utm_source=x"):
        Client().get(url)
        request = RequestFactory().get(url)
        assert cache.get(public_page._key(request)) is None, url
    # A signed-in member of staff gets their own menu, not the visitors' page.
    Client().get(FORM)
    staff = Client()
    staff.force_login(world.bureau)
    page = staff.get(FORM).content.decode()
    assert 'data-testid="current-user"' in page
    assert 'data-testid="current-user"' not in Client().get(FORM).content.decode()
    # A setting the page shows is part of the key.
    settings.COMPLAINT_HOTLINE = "0571-99999999"
    assert "0571-99999999" in Client().get(FORM).content.decode()


def test_every_process_puts_its_token_in_the_same_place() -> None:
    """A page rendered by one web process and stored in the shared cache is
    served by the others: the placeholder is the same in a process started
    apart (it was once random per process, and with Redis every page another
    process had rendered carried a token that failed the CSRF check)."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "import django; django.setup(); "
        "from supervision.complaints.public_page import csrf_placeholder; print(csrf_placeholder())"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jianfu.settings.test", "SECRET_KEY": settings.SECRET_KEY}
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, cwd=settings.BASE_DIR
    )
    assert other.stdout.strip() == public_page.csrf_placeholder()
    assert settings.SECRET_KEY not in public_page.csrf_placeholder() and len(public_page.csrf_placeholder()) > 40
