"""The portal's URLs plus a bare Django view: the baseline of ``load.py``,
served by the same gunicorn in the same run. Only the bench settings use
this module, so the bare view is never in production."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("jianfu.urls")),
]
