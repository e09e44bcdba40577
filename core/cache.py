"""A Redis cache that keeps answering while Redis does not.

The cache holds the login and reset rate limits and the one-time-use marks of two-factor codes (allauth).
Django's RedisCache raises redis' ConnectionError when Redis is down, which made every login a server
error. This backend then serves from an in-memory cache of its own process and logs a warning: the limits
still hold per process (less strict than shared, never a 500), and Redis is tried again a few seconds later.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
# How long the fallback is used before Redis is asked again.
RETRY_SECONDS = 5.0

# Django makes one cache object per thread: the outage state is per process (per cache location).
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class FallbackRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = str(server)
        fallback_params = {key: value for key, value in params.items() if key != "OPTIONS"}
        # LocMemCache shares its storage between instances of the same name: one per process and location.
        self._fallback = LocMemCache(f"redis-fallback:{self._location}", fallback_params)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        fallback: Callable[..., Any] = getattr(self._fallback, name)
        if time.monotonic() < _down_until.get(self._location, 0.0):
            return fallback(*args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except REDIS_DOWN as exc:
            with _lock:
                _down_until[self._location] = time.monotonic() + RETRY_SECONDS
            log.warning(
                "Redis cache unreachable (%r): using this process's memory for %.0f s", exc, RETRY_SECONDS
            )
            return fallback(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_many", *args, **kwargs)

    def clear(self) -> Any:
        return self._call("clear")
