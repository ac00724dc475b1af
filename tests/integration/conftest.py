"""Fixtures for tests against a real redis-server, started privately for this test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from bot import settings
from bot.store import connect
from tests.redis_server import RedisServer

TIMEOUT = float(settings.read({})["HOTLINE_REDIS_TIMEOUT"])  # the production default, in seconds


def pytest_configure(config: pytest.Config) -> None:
    """Register the `integration` marker (the suite runs with --strict-markers)."""
    config.addinivalue_line("markers", "integration: needs a real redis-server (started by the tests)")


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """A client configured as in production, on an emptied server."""
    client = connect(redis_server.url, TIMEOUT)
    client.flushall()
    yield client
    client.close()
