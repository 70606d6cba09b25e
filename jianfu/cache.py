"""A Redis cache that degrades instead of failing.

Django's ``RedisCache`` raises when Redis is down, which turns every page
that touches the cache into a 500. The portal treats the cache as optional:
while Redis cannot be reached this backend behaves like an empty cache that
forgets what it is given, and logs a warning. After a failure it does not
try Redis again for ``RETRY_AFTER`` seconds (an ``OPTIONS`` entry, default
5), so an outage costs a request at most one connect timeout instead of one
per cache call; the pause is shared by the threads of a process."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Connection refused or reset, DNS failure, connect or read timeout, Redis
# still loading its data after a restart (BusyLoadingError is a
# ConnectionError). Errors of the caller (a bad key, a value that cannot be
# pickled) are not swallowed.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)

# Monotonic time until which a server list is not tried again, per process.
_paused_until: dict[str, float] = {}


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, but one ``redis.Redis`` per connection pool instead
    of a new one per cache call: building one fills a dict of some 170
    response callbacks, about half a millisecond, more than the call's own
    round trip on loopback. A ``redis.Redis`` is safe to share between
    threads (each command takes a connection from the pool)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client: Any = self  # its helpers are private, unknown to the type stubs
        pool = django_client._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = django_client._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """``RedisCache`` with these answers while Redis is unavailable: ``get``
    the default, ``get_many`` nothing, ``add``/``touch``/``delete``/
    ``has_key`` False, ``set``/``delete_many``/``clear`` nothing done,
    ``set_many`` every key as failed, ``incr``/``decr`` the ``ValueError`` of
    a missing key."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusingRedisCacheClient
        self._pause_key = server if isinstance(server, str) else ",".join(server)

    def _guard(self, fallback: T, call: Callable[..., T], *args: Any) -> T:
        if time.monotonic() < _paused_until.get(self._pause_key, 0.0):
            return fallback
        try:
            return call(*args)
        except UNAVAILABLE as exc:
            _paused_until[self._pause_key] = time.monotonic() + self.retry_after
            log.warning(
                "cache %s failed, carrying on without the cache for %.0fs: %s", call.__name__, self.retry_after, exc
            )
            return fallback

    def add(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(False, super().add, key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard(default, super().get, key, default, version)

    def set(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guard(None, super().set, key, value, timeout, version)

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard(False, super().delete, key, version)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._guard({}, super().get_many, keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard(False, super().has_key, key, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        result: int | None = self._guard(None, super().incr, key, delta, version)
        if result is None:
            # What Django's backends say of a key that is not there.
            raise ValueError(f"Key '{key}' not found.")
        return result

    def set_many(
        self, data: dict[Any, Any], timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._guard(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._guard(None, super().delete_many, keys, version)

    def clear(self) -> None:
        self._guard(None, super().clear)
