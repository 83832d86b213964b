#!/usr/bin/env python3
"""CPU time per request of the two views, in-process through Django's WSGI handler.

A complement to run.py that a busy machine disturbs much less: it counts this process's
CPU time (``time.process_time``), not wall time, so other jobs on the box change little.
It covers Django, DRF, our code and the psycopg client side — not gunicorn or PostgreSQL.
Needs the database run.py prepares (or any migrated one): --db.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PATHS = {"baseline": "/bench/consent-baseline/", "consent": "/api/v1/consent/"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/mp_consent_bench")
    parser.add_argument("-n", type=int, default=1000, help="requests per round and view")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "micropim_privacy.settings.production", "DATABASE_URL": args.db,
        "SECRET_KEY": "bench-only-not-secret", "FIELD_ENCRYPTION_KEY": "YmVuY2gtb25seS1rZXktMzItYnl0ZXMtbG9uZy0wMDA=",
        "SECURE_SSL_REDIRECT": "false", "ALLOWED_HOSTS": "127.0.0.1", "BENCH_BASELINE": "1", "LOG_LEVEL": "WARNING",
    })
    import django
    from django.core.handlers.wsgi import WSGIHandler

    django.setup()
    app = WSGIHandler()

    def call(path: str) -> None:
        body = json.dumps({"visitor_id": uuid.uuid4().hex, "necessary": True, "analytics": True,
                           "marketing": False, "policy_version": "1.0", "banner_version": "1",
                           "gpc": False}).encode()
        status: list[str] = []
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": path, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1", "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "text/plain;charset=UTF-8", "HTTP_ORIGIN": "https://micropim.net",
            "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        }
        b"".join(app(environ, lambda s, h: status.append(s)))
        assert status[0].startswith("201"), status

    cpu: dict[str, list[float]] = {name: [] for name in PATHS}
    for name, path in PATHS.items():  # warm-up
        for _ in range(200):
            call(path)
    for _ in range(args.rounds):
        for name, path in PATHS.items():
            started = time.process_time()
            for _ in range(args.n):
                call(path)
            cpu[name].append((time.process_time() - started) / args.n * 1000)
    for name, values in cpu.items():
        print(f"{name:9} CPU per request: median {statistics.median(values):.3f} ms "
              f"(rounds: {', '.join(f'{v:.3f}' for v in values)})")
    ratio = statistics.median(cpu["baseline"]) / statistics.median(cpu["consent"])
    print(f"CPU-bound throughput ratio estimate consent/baseline = {ratio:.3f}")


if __name__ == "__main__":
    main()
