from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tickets import pagination

from .factories import make_agent, make_user


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Query counts in tests should count the app's queries, not the database cache's.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # No collectstatic in unit tests: serve static names as they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache(db: Any, _test_settings: None) -> Iterator[None]:
    """Throttle counters live in the cache, estimates in the process: every test starts from
    empty ones."""
    cache.clear()
    pagination._estimates.clear()
    yield
    cache.clear()


@pytest.fixture
def requester() -> Any:
    return make_user("requester", first_name="Анна", last_name="Петрова")


@pytest.fixture
def other_requester() -> Any:
    return make_user("other")


@pytest.fixture
def agent() -> Any:
    return make_agent("agent", first_name="Иван", last_name="Смирнов")


def english_client(user: Any = None) -> APIClient:
    """An API client that asks for English messages (the default language is Russian)."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def anon_client() -> APIClient:
    return english_client()


@pytest.fixture
def requester_client(requester: Any) -> APIClient:
    return english_client(requester)


@pytest.fixture
def other_client(other_requester: Any) -> APIClient:
    return english_client(other_requester)


@pytest.fixture
def agent_client(agent: Any) -> APIClient:
    return english_client(agent)
