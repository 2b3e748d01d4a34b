"""The deployment's environment: what each knob accepts and what it selects."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from config.env import Environment


def test_cache_url_takes_redis_urls_and_refuses_others() -> None:
    assert Environment(cache_url="redis://127.0.0.1:6379/1").cache_url.startswith("redis://")
    assert Environment(cache_url="").cache_url == ""  # the database's cache table
    with pytest.raises(ValidationError) as info:
        Environment(cache_url="memcached://127.0.0.1:11211")
    assert "cache_url" in str(info.value)


def test_redis_cache_answers_and_drops_with_the_directory_version() -> None:
    """With CLUSTERLINK_CACHE_URL the cache is Redis (the local server, as in CI)."""
    redis = pytest.importorskip("redis")
    from django.core.cache.backends.redis import RedisCache

    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    cache = RedisCache(url, {})
    cache.set("directory:answer:test", (1, "body"), timeout=5)
    assert cache.get_many(["directory:answer:test", "absent"]) == {
        "directory:answer:test": (1, "body")
    }
    cache.delete("directory:answer:test")
