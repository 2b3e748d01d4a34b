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
