"""Helpers shared by the visit and rectification tests."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.test import Client
from django.utils import timezone

from supervision.models import ItemResult, SupervisionItem


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def visit_payload(
    *,
    client_id: uuid.UUID | str | None = None,
    date: datetime.date | None = None,
    results: dict[str, str] | None = None,
    demands: dict[str, tuple[str, datetime.date]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The POST data of the visit form: ``results`` maps item codes to
    results, ``demands`` maps item codes to (what to correct, deadline)."""
    data: dict[str, Any] = {
        "client_id": str(client_id or uuid.uuid4()),
        "date": (date or timezone.localdate()).isoformat(),
        "kind": "routine",
        "mode": "announced",
        "methods": ["patrol", "documents"],
        "findings": "查阅了作业公示记录，巡查了课后服务。",
    }
    codes = {**(results or {"4.1": ItemResult.COMPLIANT})}
    items = {i.code: i.pk for i in SupervisionItem.objects.filter(code__in=list(codes) + list(demands or {}))}
    for code, result in codes.items():
        data[f"result_{items[code]}"] = result
        data[f"note_{items[code]}"] = f"{code} 备注"
    for code, (text, deadline) in (demands or {}).items():
        data[f"demand_{items[code]}"] = "on"
        data[f"demand_text_{items[code]}"] = text
        data[f"deadline_{items[code]}"] = deadline.isoformat()
    data.update(extra)
    return data


JSON = {"HTTP_ACCEPT": "application/json"}


def captcha_solve(client: Client) -> str:
    """Load the CAPTCHA picture as a browser would (its token lands in the
    client's cookie), then put in its place a token for an answer the test
    knows, signed the same way: the answer cannot be read back from the
    picture's token, which holds only its keyed hash."""
    from django.test import RequestFactory
    from django.urls import reverse

    from supervision.complaints import captcha

    client.get(reverse("complaints:captcha"))
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    answer = captcha._new_answer()
    client.cookies[captcha.COOKIE] = captcha.captcha_issue(request=request, answer=answer)
    return answer


def counter_names(scope: str) -> list[str]:
    """The stored names of the rate counters of ``scope``, wherever they are
    kept (Redis when the run has it, the database otherwise): keyed hashes."""
    from jianfu.counters import REDIS_PREFIX, counters_redis
    from jianfu.models import RateCounter

    client = counters_redis()
    in_redis = [k.decode() for k in client.scan_iter(match=f"{REDIS_PREFIX}{scope}:*")] if client else []
    return in_redis + list(RateCounter.objects.filter(scope=scope).values_list("key_hash", flat=True))


def counters_expire(scope: str) -> None:
    """Let the windows of ``scope``'s counters pass, wherever they are kept."""
    from jianfu.counters import REDIS_PREFIX, counters_redis
    from jianfu.models import RateCounter

    client = counters_redis()
    if client is not None:
        for key in client.scan_iter(match=f"{REDIS_PREFIX}{scope}:*"):
            client.delete(key)  # the key's expiry, come early
    RateCounter.objects.filter(scope=scope).update(window_start=timezone.now() - datetime.timedelta(days=400))
