"""Erasure benchmark: one account with many S3 objects and usage events, at two sizes.

    .venv/bin/python bench/erasure/run.py                 # small (10k / 100k) and full (100k / 1M)
    .venv/bin/python bench/erasure/run.py --sizes 2000:20000

Needs PostgreSQL (DATABASE_URL's server; the database ``mp_bench_erasure`` is created and
migrated). Prints one line per size and writes ``last_results.json`` next to this file (``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PY = sys.executable
BUCKET = "mp-bench-customer-data"
DB = "mp_bench_erasure"
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env(moto_url: str = "") -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "micropim_privacy.settings.test",
            "DATABASE_URL": f"{SERVER}/{DB}", "S3_ENDPOINT_URL": moto_url, "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "S3_CUSTOMER_DATA_BUCKET": BUCKET, "LOG_LEVEL": "WARNING",
            "COGNITO_USER_POOL_ID": "", "STRIPE_API_KEY": "", "MAIN_APP_WEBHOOK_URL": ""}


def prepare_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB}"')
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env(), check=True)  # noqa: S603


def run_size(objects: int, events: int) -> dict[str, object]:
    port = free_port()
    seeded = [PY, str(HERE / "moto_seeded.py"), str(port), BUCKET, "customers/bench-account/", str(objects)]
    moto = subprocess.Popen(seeded, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        assert moto.stdout is not None and moto.stdout.readline().strip() == b"ready"
        url = f"http://127.0.0.1:{port}"
        urllib.request.urlopen(f"{url}/moto-api/", timeout=5)  # noqa: S310 — loopback
        seed = [PY, str(HERE / "job.py"), "seed", str(events)]
        subprocess.run(seed, cwd=ROOT, env=env(url), check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        erase = [PY, str(HERE / "job.py"), "erase"]
        out = subprocess.run(erase, cwd=ROOT, env=env(url), check=True,  # noqa: S603
                             capture_output=True, text=True).stdout
        return {"objects": objects, "events": events, **json.loads(out.strip().splitlines()[-1])}
    finally:
        moto.kill()
        moto.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000:100000,100000:1000000",
                        help="comma-separated OBJECTS:EVENTS pairs")
    parser.add_argument("--out", default=str(HERE / "last_results.json"), help="where to write the results")
    args = parser.parse_args()
    prepare_database()
    results = []
    for pair in args.sizes.split(","):
        objects, events = (int(x) for x in pair.split(":"))
        started = time.monotonic()
        result = run_size(objects, events)
        results.append(result)
        print(f"{objects:>7} objects {events:>8} events: erasure {result['seconds']} s, "
              f"peak RSS {result['peak_rss_mib']} MiB, status {result['status']}, "
              f"S3 left {result['s3_objects_left']}, events still linked {result['events_still_linked']} "
              f"(whole run incl. seeding {time.monotonic() - started:.0f} s)", flush=True)
        print("   steps:", json.dumps(result["steps"]), flush=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
