"""The status page's never-cache headers (jianfu.public_layout.never_cache_fast)
are Django's ``never_cache`` headers, whatever the response already held."""

from __future__ import annotations

import time

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.decorators.cache import never_cache

from jianfu.public_layout import never_cache_fast

NOW = 1_796_000_000.25


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"Cache-Control": "public, max-age=600"},
        {"Expires": "Thu, 01 Jan 2026 00:00:00 GMT"},
        {"Cache-Control": "no-transform", "Expires": "Thu, 01 Jan 2026 00:00:00 GMT"},
    ],
)
def test_the_headers_are_djangos(given: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "time", lambda: NOW)

    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("页面")
        for name, value in given.items():
            response[name] = value
        return response

    request = RequestFactory().get("/complain/status/")
    django_response = never_cache(view)(request)
    ours = never_cache_fast(view)(request)
    assert list(ours.items()) == list(django_response.items())
    assert ours["Cache-Control"] and ours["Expires"]


@pytest.mark.django_db
def test_the_status_page_is_never_cached() -> None:
    client = Client()
    for response in (
        client.get(reverse("complaints:public_status")),
        client.post(reverse("complaints:public_status"), {"number": "TS20260101-0001", "code": "ABCD2345"}),
    ):
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
        assert response["Expires"]
