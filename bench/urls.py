"""The portal's URLs plus bare Django views, the baselines of the load
benches, served by the same gunicorn in the same run: one answering "ok";
one inserting one row without a CSRF check (into ``bench_bare_row``, a
table ``load.py`` creates in its throw-away database), the baseline of the
complaint POST in ``load.py``; one inserting one row after the CSRF check,
the baseline of the survey form in ``survey_form.py``; one reading one row
by key after the CSRF check, the status look-up's like-for-like baseline.
Only the bench settings use this module, so the bare views are never in
production."""

import secrets

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def bare_insert_checked(request: HttpRequest) -> HttpResponse:
    """A POST through the same middleware (CSRF checked) that inserts one row:
    the baseline of the survey form's POST (``survey_form.py``)."""
    from supervision.surveys.models import SurveyRateCounter

    SurveyRateCounter.objects.create(counter_key="bench:" + secrets.token_hex(8), window_start=timezone.now())
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_bare_row (at, body) VALUES (%s, %s)", [timezone.now(), request.POST.get("body", "")]
        )
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def bare_lookup_checked(request: HttpRequest) -> HttpResponse:
    """A POST through the same middleware (CSRF checked) that reads one row by
    key and answers with one of its columns: the look-up's like-for-like
    baseline in ``load.py`` (the same form posted, the same case read)."""
    from supervision.models import ComplaintCase

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status FROM {ComplaintCase._meta.db_table} WHERE number = %s",  # noqa: S608 - a model's table
            [request.POST.get("number", "")],
        )
        row = cursor.fetchone()
    return HttpResponse(row[0] if row else "none", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/bare-insert/", bare_insert, name="bench_bare_insert"),
    path("bench/bare-lookup-checked/", bare_lookup_checked, name="bench_bare_lookup_checked"),
    path("bench/bare-insert-checked/", bare_insert_checked, name="bench_bare_insert_checked"),
    path("", include("jianfu.urls")),
]
