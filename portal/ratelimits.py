"""Rate limits on sign-in and on submissions (django-ratelimit, counted in the default cache).

Limits are per client address and, where it matters, per target (the email address a
sign-in link goes to, the signed-in subject), so neither one noisy network nor one inbox
under attack can be flooded. The rates are in ``conf.rate``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from consent.models import email_hash

from . import conf

log = logging.getLogger(__name__)


def _counted(request: HttpRequest, *, name: str, key: Any) -> bool:
    """Fails open when the cache is unreachable (Redis down): the portal keeps taking requests and
    consents — the database is the source of truth — and password guessing stays limited by
    django-axes, which counts in the database (issue 10, tests/reliability/test_redis_down.py)."""
    try:
        return bool(is_ratelimited(request, group=f"portal.{name}", key=key, rate=conf.rate(name),
                                   method=ALL, increment=True))
    except (RedisError, OSError) as exc:
        log.warning("rate limit %s not counted: cache unavailable (%s)", name, type(exc).__name__)
        return False


def over_limit(request: HttpRequest, *, name: str) -> bool:
    """Count this attempt from the client's address; True when it is over ``name``'s limit."""
    return _counted(request, name=name, key="ip")


def over_limit_for(request: HttpRequest, *, name: str, value: str) -> bool:
    """Count against a limit keyed by a value (an address, a subject), kept only as a hash."""
    hashed = email_hash(value)
    return _counted(request, name=name, key=lambda _g, _r: hashed)
