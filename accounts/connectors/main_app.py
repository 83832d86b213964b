"""app.micropim.net: told by a signed webhook to drop its own copies of the account.

The request is ``POST MAIN_APP_WEBHOOK_URL`` with a JSON body
``{"type": "account.erased", "id": <erasure uuid>, "external_id": ..., "occurred_at": ...,
"held_categories": [...]}`` and the headers ``X-MicroPIM-Signature: t=<unix>,v1=<hex>``
(HMAC-SHA256 with MAIN_APP_WEBHOOK_SECRET over ``"<t>." + body``) and ``Idempotency-Key``
(the erasure id: a webhook repeated after a crash is recognised). A 2xx answer is success;
the main app may answer ``{"removed": {"what": count, ...}}`` and the counts reach the
certificate. 5xx, 408, 429 and network errors are retried with a growing pause; any other
4xx fails the step at once (the next job run tries again).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

from django.conf import settings

from accounts import conf
from accounts.models import Customer

from .base import ErasureContext, Record, StepResult

log = logging.getLogger(__name__)

name = "main-app"
title = "app.micropim.net (the MicroPIM application)"
categories = ("account_profile", "customer_product_data")

RETRYABLE = {408, 425, 429}


class WebhookFailed(Exception):
    pass


def unavailable() -> str | None:
    if not settings.MAIN_APP_WEBHOOK_URL:
        return "MAIN_APP_WEBHOOK_URL is not set: app.micropim.net was not told by this service"
    return None


def export(customer: Customer) -> Iterator[Record]:
    # The main app serves its own copies (catalogues, settings) from its export screen.
    return iter(())


def sign(body: bytes, *, secret: str, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def erase(customer: Customer, *, erasure: ErasureContext) -> StepResult:
    secret = settings.MAIN_APP_WEBHOOK_SECRET
    if not secret:
        raise WebhookFailed("MAIN_APP_WEBHOOK_SECRET is not set: refusing to send an unsigned webhook")
    url = settings.MAIN_APP_WEBHOOK_URL
    if not url.startswith(("https://", "http://")):
        raise WebhookFailed("MAIN_APP_WEBHOOK_URL must be an http(s) URL")
    body = json.dumps({
        "type": "account.erased",
        "id": str(erasure.record.uuid),
        "external_id": customer.external_id,
        "occurred_at": erasure.now().isoformat(),
        "held_categories": sorted(set(erasure.held) & set(categories)),
    }, sort_keys=True).encode()
    answer = _post_with_retries(url, body, secret=secret, key=str(erasure.record.uuid))
    removed = answer.get("removed") if isinstance(answer, dict) else None
    if isinstance(removed, dict):
        for what, count in removed.items():
            if isinstance(count, int) and count >= 0:
                erasure.count_removed(f"app.micropim.net: {str(what)[:80]}", count)
    return StepResult(note="app.micropim.net acknowledged the signed erasure webhook")


def _post_with_retries(url: str, body: bytes, *, secret: str, key: str) -> Any:
    pause = conf.webhook_backoff_seconds()
    attempts = conf.webhook_attempts()
    last = ""
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310
            "Content-Type": "application/json",
            "User-Agent": "MicroPIM-Privacy-Ops/1.0",
            "Idempotency-Key": key,
            "X-MicroPIM-Signature": sign(body, secret=secret, timestamp=int(time.time())),
        })
        try:
            # The operator's MAIN_APP_WEBHOOK_URL, whose http(s) scheme erase() checked (bandit B310).
            with urllib.request.urlopen(request, timeout=conf.webhook_timeout_seconds()) as response:  # noqa: S310  # nosec B310
                payload = response.read(65536)
            try:
                return json.loads(payload or b"{}")
            except ValueError:
                return {}
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
            if exc.code < 500 and exc.code not in RETRYABLE:
                raise WebhookFailed(f"app.micropim.net refused the erasure webhook: {last}") from None
        except OSError as exc:  # URLError, timeouts, refused connections
            last = type(exc).__name__
        log.warning("erasure webhook attempt %s/%s failed: %s", attempt, attempts, last)
        if attempt < attempts:
            time.sleep(pause)
            pause *= 2
    raise WebhookFailed(f"app.micropim.net did not acknowledge after {attempts} attempts ({last})")
