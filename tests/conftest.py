"""Shared fixtures: users of every role, and a client logged in as each."""

from __future__ import annotations

import pytest
from django.conf import settings


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        # Browser tests share one live server per worker; keep them on one xdist worker.
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("browser"))
