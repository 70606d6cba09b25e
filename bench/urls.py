"""The portal's URLs plus a bare Django view: the baseline of ``load.py``,
served by the same gunicorn in the same run. Only the bench settings use
this module, so the bare view is never in production."""

import secrets

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_POST


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    """A POST through the same middleware (CSRF checked) that inserts one row:
    the baseline of the survey form's POST (``survey_form.py``)."""
    from supervision.surveys.models import SurveyRateCounter

    SurveyRateCounter.objects.create(counter_key="bench:" + secrets.token_hex(8), window_start=timezone.now())
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/bare-insert/", bare_insert, name="bench_bare_insert"),
    path("", include("jianfu.urls")),
]
