"""Local stand-ins for outside systems, started by the tests themselves (real wire protocols).

- ``moto_server``: a moto server (S3, Cognito) on a free loopback port; boto3 reaches it
  through ``settings.S3_ENDPOINT_URL`` / ``COGNITO_ENDPOINT_URL``.
- ``FakeStripe``: a tiny HTTP server speaking Stripe's wire format for the calls we make,
  reached through the real ``stripe`` library (``STRIPE_API_BASE``). Extend ``routes``.
- ``Receiver``: a local HTTP endpoint that records what it was sent (webhooks).

Use them from a conftest: ``from tests.servers import *  # noqa`` or import the fixtures.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    port = free_port()
    moto = Path(sys.executable).with_name("moto_server")
    proc = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)  # noqa: S310 — loopback
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("moto_server did not start") from None
            time.sleep(0.2)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def moto_server(moto_endpoint: str, settings: Any) -> Iterator[str]:
    """Points the project's boto3 clients at moto, and resets moto's state after the test."""
    settings.S3_ENDPOINT_URL = moto_endpoint
    settings.COGNITO_ENDPOINT_URL = moto_endpoint
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"  # noqa: S105
    yield moto_endpoint
    req = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(req, timeout=5)  # noqa: S310 — loopback


Handler = Callable[[str, str, dict[str, Any]], tuple[int, dict[str, Any]]]


class _Server:
    def __init__(self, handle: Callable[[BaseHTTPRequestHandler, str, bytes], tuple[int, bytes]]) -> None:
        outer = self

        class H(BaseHTTPRequestHandler):
            def _do(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, payload = outer.handle(self, self.command, body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = do_PUT = _do  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.handle = handle
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class FakeStripe:
    """Stripe's wire format for customers (create, retrieve, update, delete), in memory.

    Errors come back Stripe-shaped, so the real library raises ``InvalidRequestError``
    with ``code == "resource_missing"``. ``fail_next`` makes the next N calls answer 500.
    """

    def __init__(self) -> None:
        self.customers: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self.fail_next = 0
        self._n = 0
        self._server = _Server(self._handle)
        self.url = self._server.url

    def add_customer(self, **fields: Any) -> str:
        self._n += 1
        cid = f"cus_fake{self._n:06d}"
        self.customers[cid] = {"id": cid, "object": "customer", "deleted": False, **fields}
        return cid

    def _handle(self, req: BaseHTTPRequestHandler, method: str, body: bytes) -> tuple[int, bytes]:
        path = req.path.split("?")[0]
        self.calls.append((method, path))
        if self.fail_next > 0:
            self.fail_next -= 1
            return 500, json.dumps({"error": {"type": "api_error", "message": "fake outage"}}).encode()
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        parts = path.strip("/").split("/")  # v1/customers[/id]
        if parts[:2] != ["v1", "customers"]:
            return 404, self._missing(f"Unrecognized request URL ({method}: {path})", None)
        if len(parts) == 2 and method == "POST":
            cid = self.add_customer(**form)
            return 200, json.dumps(self.customers[cid]).encode()
        cid = parts[2] if len(parts) > 2 else ""
        customer = self.customers.get(cid)
        if customer is None or customer.get("deleted"):
            return 404, self._missing(f"No such customer: '{cid}'", "id")
        if method == "GET":
            return 200, json.dumps(customer).encode()
        if method == "POST":
            customer.update(form)
            return 200, json.dumps(customer).encode()
        if method == "DELETE":
            customer["deleted"] = True
            return 200, json.dumps({"id": cid, "object": "customer", "deleted": True}).encode()
        return 405, self._missing("method not allowed", None)

    @staticmethod
    def _missing(message: str, param: str | None) -> bytes:
        return json.dumps({"error": {"type": "invalid_request_error", "code": "resource_missing",
                                     "message": message, "param": param}}).encode()

    def close(self) -> None:
        self._server.close()


@pytest.fixture
def fake_stripe(settings: Any) -> Iterator[FakeStripe]:
    fake = FakeStripe()
    settings.STRIPE_API_KEY = "sk_test_fake"
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.close()


class Receiver:
    """Records every request it gets; ``status`` decides the answer (e.g. 500 to test retries)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self._server = _Server(self._handle)
        self.url = self._server.url

    def _handle(self, req: BaseHTTPRequestHandler, method: str, body: bytes) -> tuple[int, bytes]:
        self.requests.append({"method": method, "path": req.path, "headers": dict(req.headers),
                              "body": body})
        return self.status, b"{}"

    def close(self) -> None:
        self._server.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def no_outside_systems(settings: Any) -> None:
    """Unconfigure every outside system: a test opts back in to the ones it starts."""
    settings.AWS_ACCESS_KEY_ID = ""
    settings.S3_ENDPOINT_URL = None
    settings.COGNITO_ENDPOINT_URL = None
    settings.COGNITO_USER_POOL_ID = ""
    settings.STRIPE_API_KEY = ""
    settings.STRIPE_API_BASE = None
    settings.MAIN_APP_WEBHOOK_URL = ""
    settings.MAIN_APP_WEBHOOK_SECRET = ""
    settings.ERASURE_STRIPE_MAX_NETWORK_RETRIES = 0
