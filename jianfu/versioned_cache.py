"""Values derived from database rows, kept in the shared cache under a
version that any save or delete of those rows replaces.

A reader fetches the version and the values it wants in ONE cache round
trip; a value is used only if it was stored under the current version,
otherwise it is read from the database again and stored under the version
the reader saw first. Writers replace the version when they save and again
once their transaction commits (:func:`versioned_cache_bump_on_save`), so a
value read between the two from the rows as they were is never used after
the commit. Without a shared cache (local memory, or Redis down: the
portal's cache is then an empty one) each process keeps its own copies, so
a change made by another process shows within ``timeout`` seconds.

A reader may also keep what it read in the process for ``local_seconds``
(the busiest: the public complaint POST's categories, school and time
limits), so that most requests make no round trip at all: a change made in
this process counts at once (the bump forgets the local copies), one made
in another process within ``local_seconds``. Local copies are shared by the
requests of the process: read them, never change them.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

from django.core.cache import cache
from django.db import transaction

# (version key, key) → (monotonic time until which it may be used, value)
_local: dict[tuple[str, str], tuple[float, Any]] = {}
# Past this many local copies (one per school a complaint named, say) they
# are all forgotten: a bound on the process's memory, not an eviction policy.
LOCAL_MAX = 2000


def versioned_cache_bump(version_key: str) -> None:
    """Make every value stored under ``version_key``'s current version stale."""
    for local_key in [k for k in list(_local) if k[0] == version_key]:
        _local.pop(local_key, None)
    # A new value, not an increment: the key may have expired or the cache
    # restarted, and a fresh random value can never equal an old one.
    cache.set(version_key, secrets.token_hex(8), None)


def versioned_cache_bump_on_save(version_key: str) -> None:
    """Now, and again once the change is committed: a value read between the
    two from the rows as they were must not outlive the commit."""
    versioned_cache_bump(version_key)
    transaction.on_commit(lambda: versioned_cache_bump(version_key))


def versioned_cache_get(
    version_key: str,
    loaders: Mapping[str, Callable[[], Any]],
    *,
    timeout: int,
    keep: Callable[[str, Any], bool] = lambda key, value: True,
    local_seconds: float = 0,
) -> dict[str, Any]:
    """``{key: value}`` for each of ``loaders``: from the cache when stored
    under the current version, else ``loaders[key]()``, stored if
    ``keep(key, value)`` says so (a caller may refuse to store the answer to
    a made-up key); with ``local_seconds``, from this process's own copy
    while it is younger than that (see the module's docstring)."""
    now = time.monotonic()
    values: dict[str, Any] = {}
    if local_seconds:
        for key in loaders:
            local = _local.get((version_key, key))
            if local is not None and local[0] > now:
                values[key] = local[1]
        if len(values) == len(loaders):
            return values
    found = cache.get_many([version_key, *(key for key in loaders if key not in values)])
    version = found.get(version_key)
    if version is None:
        version = secrets.token_hex(8)
        # add(), not set(): two first readers at once agree on one version.
        if not cache.add(version_key, version, None):
            version = cache.get(version_key) or version
    stale: dict[str, Any] = {}
    for key, load in loaders.items():
        if key in values:
            continue
        entry = found.get(key)
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version:
            values[key] = entry[1]
        else:
            values[key] = load()
            if not keep(key, values[key]):
                continue
            stale[key] = (version, values[key])
        if local_seconds:
            if len(_local) >= LOCAL_MAX:
                _local.clear()
            _local[(version_key, key)] = (now + local_seconds, values[key])
    if stale:
        cache.set_many(stale, timeout)
    return values
