"""Anonymous directory searches come from the cache until a committed write changes the directory;
requests with credentials never read or fill it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from tests.api_fixtures import ApiClient, World, client_for, index_for_search

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.api_fixtures"]

Commit = Callable[..., Any]  # django_capture_on_commit_callbacks


REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture(autouse=True, params=["database", "redis"])
def _cache_on(request: pytest.FixtureRequest, settings: Settings) -> Iterator[None]:
    """Every test on both cache backends: the database's table (the default) and Redis (what
    CLUSTERLINK_CACHE_URL selects), the local server, under a key prefix of its own."""
    settings.DIRECTORY_CACHE_SECONDS = 60
    if request.param == "database":
        yield
        return
    redis = pytest.importorskip("redis")
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def _names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [firm["legal_name"] for firm in response.json()["items"]]


def _reads_firms(call: Callable[[], Any]) -> tuple[Any, bool]:
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, any("directory_enterprise" in q["sql"] for q in queries.captured_queries)


def test_repeated_anonymous_search_is_answered_without_reading_the_firms(world: World) -> None:
    client = ApiClient()
    first, _ = _reads_firms(lambda: _names(client.get("/enterprises", q="putian")))
    again, read = _reads_firms(lambda: _names(client.get("/enterprises", q="putian")))
    assert again == first and world.brand.legal_name in first
    assert not read
    # Another query or another page is another answer.
    _, read = _reads_firms(lambda: client.get("/enterprises", q="putian", offset=1))
    assert read


def test_a_committed_change_is_seen_by_the_next_anonymous_search(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    client = ApiClient()
    assert world.brand.legal_name in _names(client.get("/enterprises", q="putian"))
    with django_capture_on_commit_callbacks(execute=True):
        world.brand.is_listed = False
        world.brand.save()
    assert world.brand.legal_name not in _names(client.get("/enterprises", q="putian"))
    assert _names(client.get("/enterprises", q="新港")) == []
    with django_capture_on_commit_callbacks(execute=True):
        world.factory.legal_name = "莆田新港鞋业有限公司"
        world.factory.save()
        index_for_search(world.factory)
    assert _names(client.get("/enterprises", q="新港")) == ["莆田新港鞋业有限公司"]


def test_answers_with_credentials_are_neither_cached_nor_served_from_the_cache(
    world: World,
) -> None:
    world.factory.is_listed = False  # its owner still finds it; the public does not
    world.factory.save()
    owner, anonymous = client_for(world.factory_owner), ApiClient()
    assert world.factory.legal_name in _names(owner.get("/enterprises", q="putian"))
    assert world.factory.legal_name not in _names(anonymous.get("/enterprises", q="putian"))
    _, read = _reads_firms(lambda: owner.get("/enterprises", q="putian"))
    assert read
    assert world.factory.legal_name in _names(owner.get("/enterprises", q="putian"))


def test_each_language_has_its_own_answer(world: World) -> None:
    chinese, english = ApiClient(), ApiClient()
    english.headers["Accept-Language"] = "en"
    zh = {f["name"] for f in chinese.get("/enterprises", q="putian").json()["items"]}
    en = {f["name"] for f in english.get("/enterprises", q="putian").json()["items"]}
    assert world.brand.legal_name in zh
    assert world.brand.name_en in en
