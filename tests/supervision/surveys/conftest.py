import pytest


@pytest.fixture(autouse=True)
def _fresh_survey_counters():  # type: ignore[no-untyped-def]
    """Rate counters kept in Redis outlive a test's rolled-back transaction:
    start every test with none (REDIS_URL is this run's own Redis database)."""
    from jianfu.counters import counters_redis
    from supervision.surveys.services import REDIS_PREFIX

    client = counters_redis()
    if client is not None:
        keys = list(client.scan_iter(match=f"{REDIS_PREFIX}*"))
        if keys:
            client.delete(*keys)
    yield
