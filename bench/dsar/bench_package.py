"""Access-package benchmark (issue 4): build the Art. 15 / Art. 20 package of an account with
N usage events and M uploaded S3 objects, at two sizes; report time and peak memory.

Run from the repository root (PostgreSQL on localhost; the database is dropped and recreated;
a moto server is started on a free loopback port for S3):

    .venv/bin/python bench/dsar/bench_package.py --events 1000000 --objects 10000

The small size is a tenth of the large one. Each build runs in a fresh process (`_build`
sub-command), so its peak RSS (ru_maxrss) is its own: flat memory means the two peaks match.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
CUSTOMER_BUCKET = "bench-customer-data"
EXPORT_BUCKET = "bench-exports"
OBJECT_BYTES = 2048


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(db: str, moto: str) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "micropim_privacy.settings.test",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}", "S3_ENDPOINT_URL": moto,
            "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",  # noqa: S105 — moto
            "S3_CUSTOMER_DATA_BUCKET": CUSTOMER_BUCKET, "S3_EXPORT_BUCKET": EXPORT_BUCKET,
            "COGNITO_USER_POOL_ID": "", "STRIPE_API_KEY": "", "MAIN_APP_WEBHOOK_URL": ""}


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1",
                             "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)  # noqa: S310 — loopback
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("moto_server did not start")


# -- data ------------------------------------------------------------------------------------


def load_customer(external_id: str, events: int, objects: int) -> dict[str, float]:
    from django.db import connection

    from accounts.models import Customer
    from micropim_privacy.aws import s3_client

    customer = Customer.objects.create(external_id=external_id, email=f"{external_id}@example.com",
                                       full_name="Ștefania Țăranu-Îonescu", language="ro")
    started = time.perf_counter()
    span = 330 * 86400  # inside the 12 months, so nothing is due for anonymisation
    start = (NOW - timedelta(days=331)).timestamp()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO retention_usageevent (occurred_at, customer_id, kind, name, browser, "
            "browser_version, os, device_type, device_id, session_id, ip, anonymised) "
            f"SELECT to_timestamp({start} + i * {span / max(events, 1)}), %s, "
            "CASE WHEN i %% 3 = 0 THEN 'navigation' ELSE 'feature' END, "
            "'/products/' || (i %% 500) || '/edit', 'Firefox', '128.0', 'Linux', 'desktop', "
            "md5((i / 1000)::text), md5((i / 50)::text), '192.0.2.0'::inet, false "
            f"FROM generate_series(0, {events - 1}) AS i", [customer.pk])
        cursor.execute("ANALYZE retention_usageevent")
    loaded_events = time.perf_counter() - started

    started = time.perf_counter()
    s3 = s3_client()
    body = os.urandom(OBJECT_BYTES)

    def put(i: int) -> None:
        s3.put_object(Bucket=CUSTOMER_BUCKET, Key=f"customers/{external_id}/products/{i:06d}.bin", Body=body)

    with ThreadPoolExecutor(8) as pool:  # boto3 keeps 10 connections per client
        list(pool.map(put, range(objects)))
    return {"events_load_s": round(loaded_events, 1), "objects_load_s": round(time.perf_counter() - started, 1)}


# -- the measured build, in its own process ------------------------------------------------------


def _build_main(env: dict[str, str], external_id: str) -> None:
    setup_django(env)
    from accounts.models import Customer
    from dsar.intake import Submission, request_submit
    from dsar.models import AccessPackage
    from dsar.package.builder import package_build
    from dsar.services import request_mark_identity_verified

    customer = Customer.objects.get(external_id=external_id)
    dsr = request_submit(submission=Submission(type="access", email=customer.email, channel="email",
                                               received_at=NOW, customer=customer), actor="bench", now=NOW)
    request_mark_identity_verified(dsr=dsr, method="government_id", actor="bench", now=NOW)
    package = AccessPackage.objects.create(request=dsr, started_at=NOW)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    built = package_build(package_id=package.pk, now=NOW)
    seconds = time.perf_counter() - started
    assert built is not None and built.state == "ready"
    print(json.dumps({
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_build_mb": round(rss_before / 1024, 1),
        "zip_mb": round((built.size_bytes or 0) / 1024 / 1024, 1),
        "records": built.counts,
    }))


def build(env: dict[str, str], external_id: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "_build", external_id], check=True,
                         capture_output=True, text=True, cwd=ROOT, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="mp_dsar_bench")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--objects", type=int, default=10_000)
    args = parser.parse_args()

    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c",
                    f"DROP DATABASE IF EXISTS {args.db}", "-c", f"CREATE DATABASE {args.db}"], check=True)
    moto, url = start_moto()
    try:
        env = environment(args.db, url)
        setup_django(env)
        from django.core.management import call_command

        from micropim_privacy.aws import s3_client

        call_command("migrate", verbosity=0)
        for bucket in (CUSTOMER_BUCKET, EXPORT_BUCKET):
            s3_client().create_bucket(Bucket=bucket, CreateBucketConfiguration={
                "LocationConstraint": os.environ.get("AWS_DEFAULT_REGION", "eu-central-1")})
        results: dict[str, object] = {"object_bytes": OBJECT_BYTES}
        sizes = (("small", args.events // 10, args.objects // 10), ("large", args.events, args.objects))
        for label, events, objects in sizes:
            external_id = f"bench-{label}"
            results[label] = {"events": events, "objects": objects,
                              **load_customer(external_id, events, objects)}
            results[label].update(build(env, external_id))  # type: ignore[union-attr]
            print(json.dumps({label: results[label]}), flush=True)
        print(json.dumps(results, indent=2))
    finally:
        moto.terminate()
        moto.wait(timeout=10)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_build":
        _build_main(dict(os.environ), sys.argv[2])
    else:
        main()
