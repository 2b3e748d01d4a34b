"""Shared fixtures: users of every role, and a client logged in as each."""

from __future__ import annotations

import pytest
from django.conf import settings
from pytest_django.fixtures import Settings


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        # Browser tests share one live server per worker; keep them on one xdist worker.
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(autouse=True)
def _no_public_cache(settings: Settings) -> None:
    """Tests run inside transactions that never commit, so the public search cache would never
    see their writes; tests/directory/test_public_cache.py turns it on with commits."""
    settings.DIRECTORY_CACHE_SECONDS = 0
