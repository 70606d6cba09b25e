"""The portal's URLs plus two bare Django views, the baselines of
``load.py``, served by the same gunicorn in the same run: one answering
"ok", one inserting one row (into ``bench_bare_row``, a table ``load.py``
creates in its throw-away database). Only the bench settings use this
module, so the bare views are never in production."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_bare_row (at, body) VALUES (%s, %s)", [timezone.now(), request.POST.get("body", "")]
        )
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/bare-insert/", bare_insert, name="bench_bare_insert"),
    path("", include("jianfu.urls")),
]
