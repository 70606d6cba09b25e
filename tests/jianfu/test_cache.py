"""The Redis cache backend degrades instead of failing: an unreachable Redis
reads as an empty cache, costs one quick failure, then is left alone for a
while; errors of the caller still surface. (tests/faults/ stops a real Redis
under it.)"""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError

import jianfu.cache
from jianfu.cache import ResilientRedisCache


@pytest.fixture(autouse=True)
def _no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jianfu.cache, "_paused_until", {})


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cache_at(location: str, retry_after: float = 5) -> ResilientRedisCache:
    options = {"socket_connect_timeout": 1, "socket_timeout": 1, "RETRY_AFTER": retry_after}
    return ResilientRedisCache(location, {"OPTIONS": options})


class FlakyClient:
    """Stands in for Django's RedisCacheClient: fails as told, counts calls."""

    def __init__(self) -> None:
        self.calls = 0
        self.error: Exception | None = RedisConnectionError("Connection refused")

    def get(self, key: str, default: object) -> object:
        self.calls += 1
        if self.error:
            raise self.error
        return "cached"


def test_unreachable_redis_reads_as_an_empty_cache(caplog: pytest.LogCaptureFixture) -> None:
    cache = cache_at(f"redis://127.0.0.1:{closed_port()}/0")
    started = time.monotonic()
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["k", "l"]) == {}
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False
    assert cache.set_many({"k": 1, "l": 2}) == ["k", "l"]
    assert cache.has_key("k") is False
    assert cache.touch("k") is False
    assert cache.delete("k") is False
    assert cache.delete_many(["k", "l"]) is None
    assert cache.clear() is None
    assert cache.get_or_set("k", lambda: 3) == 3
    with pytest.raises(ValueError, match="not found"):
        cache.incr("k")
    with pytest.raises(ValueError, match="not found"):
        cache.decr("k")
    assert time.monotonic() - started < 2
    assert [r.levelname for r in caplog.records] == ["WARNING"]  # one failure, then the pause
    assert "Connection refused" in caplog.text


def test_after_a_failure_redis_is_left_alone_for_a_while(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(jianfu.cache.time, "monotonic", lambda: now[0])
    cache = cache_at("redis://127.0.0.1:1/0", retry_after=5)
    client = FlakyClient()
    cache.__dict__["_cache"] = client

    assert cache.get("k", "default") == "default"
    assert cache.get("k", "default") == "default"
    assert client.calls == 1
    now[0] += 4.9
    assert cache.get("k", "default") == "default"
    assert client.calls == 1
    client.error = None
    now[0] += 0.2
    assert cache.get("k", "default") == "cached"
    assert client.calls == 2


def test_errors_of_the_caller_are_not_swallowed() -> None:
    cache = cache_at("redis://127.0.0.1:1/0")
    client = FlakyClient()
    client.error = TypeError("cannot pickle")
    cache.__dict__["_cache"] = client
    with pytest.raises(TypeError):
        cache.get("k")


def test_settings_with_redis_use_the_resilient_cache_and_short_broker_timeouts() -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.CACHES['default'], s.CELERY_BROKER_CONNECTION_TIMEOUT, "
        "s.CELERY_BROKER_TRANSPORT_OPTIONS, s.CELERY_BROKER_CONNECTION_MAX_RETRIES]))"
    )
    import json
    import os

    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/3", "DJANGO_SETTINGS_MODULE": "jianfu.settings.dev"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    ).stdout
    cache, connect_timeout, transport, worker_retries = json.loads(out)
    assert cache["BACKEND"] == "jianfu.cache.ResilientRedisCache"
    assert cache["OPTIONS"]["socket_connect_timeout"] <= 1
    assert cache["OPTIONS"]["socket_timeout"] <= 2
    # Publishing (in web requests) gives up within about a second...
    assert connect_timeout <= 1
    assert transport["socket_connect_timeout"] <= 1
    assert transport["socket_timeout"] <= 2
    assert transport["max_retries"] <= 1
    # ...while a worker waits for Redis as long as it takes.
    assert worker_retries is None
