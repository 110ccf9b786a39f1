"""One fair-use budget per Nmbrs account, shared by every process and worker that calls it.

Nmbrs allows 150 calls/s per account, then delays calls by 0.5 s. A limiter per process times
the tasks and workers running at once overshoots, so the budget lives outside the process:

- ``RedisBucket`` — a token bucket in Redis (one Lua script per call, Redis' own clock): shared
  by every worker of the team stack (Celery workers on several machines included);
- ``FileBucket`` — the same bucket in a file under an exclusive ``flock``: shared by every
  process on one machine (the embedded default: LocalExecutor, `dags test`, benchmarks).

Both *reserve* a slot: a call takes a token even when none is left and sleeps until its turn, so
waiters are served in order with one round trip each. At most ``rate + burst`` calls start in any
second. No Airflow import: the hook (or a caller) chooses the bucket and injects it into the client.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

# Against Nmbrs' 150/s: at most rate + burst = 146 calls start in any second, headroom for the
# jitter between taking a slot and the call reaching Nmbrs (thread wake-ups, a busy machine).
DEFAULT_RATE = 145.0
DEFAULT_BURST = 1.0
KEY_PREFIX = "koppeling:nmbrs-fair-use:"
LATE_S = 0.015  # a reserved slot missed by more than this is given up (see take_slot)
MAX_RESERVATIONS = 5
RETRY_REDIS_S = 5.0  # after Redis failed, use the machine's bucket this long before retrying

# Keys: the bucket; args: rate, burst. Returns the seconds to wait (as a string: Lua numbers
# become integers in a Redis reply).
_RESERVE = """
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens, stamp = tonumber(state[1]) or burst, tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate) - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
redis.call('PEXPIRE', KEYS[1], 60000)
if tokens >= 0 then return '0' end
return tostring(-tokens / rate)
"""


def bucket_name(account_key: str) -> str:
    """Return the bucket's name for an account (a digest: no user name in Redis or /tmp)."""
    return hashlib.sha256(account_key.encode()).hexdigest()[:24]


def reserve(tokens: float, stamp: float, now: float, rate: float, burst: float
            ) -> tuple[float, float]:
    """Take one token from a bucket state; return (tokens left, seconds to wait first)."""
    tokens = min(burst, tokens + max(0.0, now - stamp) * rate) - 1
    return tokens, (0.0 if tokens >= 0 else -tokens / rate)


def take_slot(reserve_slot, sleep=time.sleep) -> float:
    """Reserve a slot and sleep until it; a slot missed by more than LATE_S is given up.

    A thread that wakes late (a busy machine) would fire together with the calls of later
    slots and push Nmbrs past its budget; it takes a new slot instead. Returns seconds waited.
    """
    started = time.monotonic()
    for _ in range(MAX_RESERVATIONS):
        wait = reserve_slot()
        if not wait:
            break
        due = time.monotonic() + wait
        sleep(wait)
        if time.monotonic() - due <= LATE_S:
            break
    return time.monotonic() - started


class FileBucket:
    """Token bucket in a file, shared by the processes of one machine (flock serialises them).

    Uses the monotonic clock, which on Linux is one clock for the whole machine.
    """

    def __init__(self, account_key: str, rate: float = DEFAULT_RATE,
                 burst: float = DEFAULT_BURST, directory: Path | str | None = None,
                 sleep=time.sleep):
        folder = Path(directory or Path(tempfile.gettempdir()) / "koppeling-fair-use")
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{bucket_name(account_key)}.bucket"
        self.rate, self.burst, self._sleep = rate, burst, sleep

    def acquire(self) -> float:
        """Reserve one call slot and sleep until it comes; return the seconds waited."""
        return take_slot(self._reserve, self._sleep)

    def _reserve(self) -> float:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            now = time.monotonic()
            tokens, stamp = self._read(fd, now)
            tokens, wait = reserve(tokens, stamp, now, self.rate, self.burst)
            os.pwrite(fd, f"{tokens!r} {now!r}\n".ljust(64).encode(), 0)
        finally:
            os.close(fd)  # closing releases the lock
        return wait

    def _read(self, fd: int, now: float) -> tuple[float, float]:
        try:
            tokens, stamp = (float(v) for v in os.pread(fd, 64, 0).split())
        except ValueError:  # new or unreadable file: a full bucket
            return self.burst, now
        if stamp > now:  # written before a reboot (the monotonic clock restarted)
            return self.burst, now
        return tokens, stamp


class RedisBucket:
    """Token bucket in Redis, shared by every process and machine using that Redis."""

    def __init__(self, client, account_key: str, rate: float = DEFAULT_RATE,
                 burst: float = DEFAULT_BURST, fallback: FileBucket | None = None,
                 sleep=time.sleep):
        self.key = KEY_PREFIX + bucket_name(account_key)
        self.rate, self.burst, self._sleep = rate, burst, sleep
        self._script = client.register_script(_RESERVE)
        self._fallback = fallback or FileBucket(account_key, rate, burst, sleep=sleep)
        self._down_since: float | None = None

    def acquire(self) -> float:
        """Reserve one call slot in Redis; while Redis is unreachable use this machine's bucket."""
        import redis

        down = self._down_since
        if down is not None and time.monotonic() - down < RETRY_REDIS_S:
            return self._fallback.acquire()
        try:
            return take_slot(self._reserve, self._sleep)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            if down is None:
                log.warning("fair use: Redis unreachable; limiting per machine until it returns")
            self._down_since = time.monotonic()
            return self._fallback.acquire()

    def _reserve(self) -> float:
        wait = float(self._script(keys=[self.key], args=[self.rate, self.burst]))
        self._down_since = None
        return wait


def bucket_for(account_key: str, redis_url: str | None = None, *, rate: float = DEFAULT_RATE,
               burst: float = DEFAULT_BURST, directory: Path | str | None = None):
    """Return the shared bucket of an account: Redis when a URL is given, else this machine's."""
    local = FileBucket(account_key, rate, burst, directory)
    if not redis_url:
        return local
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # No retries inside redis-py: a call must not hang on Redis; the fallback takes over.
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1,
                                  retry=Retry(NoBackoff(), 0))
    return RedisBucket(client, account_key, rate, burst, fallback=local)
