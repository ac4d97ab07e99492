"""Per-API-key rate limits with the `limits` library: counters in Redis when a Redis URL is set
(shared by every worker and replica), else in this process's memory.

A moving window: a key gets at most N requests in any window of the given length, and the
refusal says exactly when the oldest counted request leaves the window (Retry-After). When
Redis cannot be reached the request is let through and the failure logged: a rate limiter that
fails closed would turn a Redis outage into a full service outage.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from app.logs import get_logger

log = get_logger(__name__)

# A rate-limit check must never hold a request for long: Redis answers in well under this.
_REDIS_TIMEOUT_S = 0.5


@dataclass(frozen=True, slots=True)
class Refusal:
    limit: str  # as configured, e.g. "30 per 1 minute"
    retry_after_s: int


def make_storage(redis_url: str | None) -> Storage:
    """Async Redis storage for a redis:// or rediss:// URL, else this process's memory."""
    if not redis_url:
        return MemoryStorage()
    if not redis_url.startswith(("redis://", "rediss://")):
        raise ValueError("the Redis URL must start with redis:// or rediss://")
    return RedisStorage(
        "async+" + redis_url,
        implementation="redispy",  # the redis package; coredis is not installed
        socket_timeout=_REDIS_TIMEOUT_S,
        socket_connect_timeout=_REDIS_TIMEOUT_S,
    )


class RateLimiter:
    """Named groups of limits ("all", "scan"), each parsed once from the settings."""

    def __init__(self, storage: Storage, groups: dict[str, str]) -> None:
        self.storage = storage
        self._strategy = MovingWindowRateLimiter(storage)
        self._groups: dict[str, list[RateLimitItem]] = {
            name: parse_many(spec) if spec.strip() else [] for name, spec in groups.items()
        }

    def limits(self, group: str) -> list[RateLimitItem]:
        return self._groups.get(group, [])

    async def hit(self, group: str, who: str) -> Refusal | None:
        """Counts one request of `who` against every limit of `group`; a Refusal for the first
        limit it is over (that request is not counted)."""
        for item in self.limits(group):
            try:
                if await self._strategy.hit(item, group, who):
                    continue
                stats = await self._strategy.get_window_stats(item, group, who)
            except Exception as exc:  # redis-py raises several types for an outage
                log.warning("rate_limit_unavailable", error=type(exc).__name__)
                return None
            wait = max(1, math.ceil(stats.reset_time - time.time()))
            return Refusal(limit=str(item), retry_after_s=wait)
        return None
