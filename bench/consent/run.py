#!/usr/bin/env python3
"""Benchmark: POST /api/v1/consent/ vs a bare-INSERT baseline, same gunicorn, same run.

See bench/consent/README.md. Loopback only (127.0.0.1); bounded in time; stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VENV = ROOT / ".venv" / "bin"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
TARGETS = {"baseline": "/bench/consent-baseline/", "consent": "/api/v1/consent/"}


def env(db_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "micropim_privacy.settings.production",
        "DATABASE_URL": db_url,
        "SECRET_KEY": "bench-only-not-secret",
        "FIELD_ENCRYPTION_KEY": "YmVuY2gtb25seS1rZXktMzItYnl0ZXMtbG9uZy0wMDA=",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "BENCH_BASELINE": "1",
        "LOG_LEVEL": "WARNING",
    }


def prepare_database(db_url: str) -> None:
    name = db_url.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run([VENV / "python", "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT,
                   env=env(db_url), check=True)


def wait_up(proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("gunicorn exited during start-up")
        try:
            urllib.request.urlopen(f"{BASE}/.well-known/gpc.json", timeout=5)  # noqa: S310 — loopback
            return
        except OSError:  # refused, reset, timed out (URLError is one too)
            time.sleep(0.3)
    sys.exit("gunicorn did not come up in 30 s")


def wrk(path: str, *, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(HERE / "post.lua"),
         BASE + path], capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    fields = dict(re.findall(r"(\w+)=(\d+)", out.split("BENCH", 1)[1]))
    errors = int(fields["non2xx_errors"]) + sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return {"rps": rps, "p50_ms": int(fields["p50_us"]) / 1000, "p99_ms": int(fields["p99_us"]) / 1000,
            "requests": int(fields["requests"]), "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/mp_consent_bench")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=15, help="per round and target")
    parser.add_argument("--rounds", type=int, default=3, help="baseline/consent alternations")
    parser.add_argument("--synchronous-commit", choices=["on", "off"], default="on",
                        help="PostgreSQL synchronous_commit for the web's connections; 'off' takes the "
                        "WAL flush out of each request so the Python side of the two views is compared")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")

    load_before = os.getloadavg()
    prepare_database(args.db)
    web_db = args.db + ("?options=-c%20synchronous_commit%3Doff" if args.synchronous_commit == "off" else "")
    server = subprocess.Popen(
        [VENV / "gunicorn", "micropim_privacy.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{PORT}",
         "--access-logfile", "/dev/null", "--error-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=env(web_db))
    try:
        wait_up(server)
        for path in TARGETS.values():  # warm up every worker's connection and code paths
            wrk(path, seconds=3, connections=args.connections)
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in TARGETS}
        for _ in range(args.rounds):  # alternate so drift hits both alike
            for name, path in TARGETS.items():
                runs[name].append(wrk(path, seconds=args.seconds, connections=args.connections))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    summary: dict[str, object] = {"load_avg_before": load_before, "load_avg_after": os.getloadavg(),
                                  "synchronous_commit": args.synchronous_commit,
                                  "workers": args.workers, "connections": args.connections,
                                  "seconds": args.seconds, "rounds": args.rounds}
    for name, results in runs.items():
        summary[name] = {
            "rps_median": statistics.median(r["rps"] for r in results),
            "p50_ms_median": statistics.median(r["p50_ms"] for r in results),
            "p99_ms_median": statistics.median(r["p99_ms"] for r in results),
            "p99_ms_worst": max(r["p99_ms"] for r in results),
            "errors": sum(r["errors"] for r in results),
            "rounds": results,
        }
    ratio = summary["consent"]["rps_median"] / summary["baseline"]["rps_median"]  # type: ignore[index]
    summary["throughput_ratio"] = round(ratio, 3)
    for name in TARGETS:
        s = summary[name]
        print(f"{name:9} {s['rps_median']:8.0f} req/s  p50 {s['p50_ms_median']:6.2f} ms  "  # type: ignore[index]
              f"p99 {s['p99_ms_median']:6.2f} ms (worst {s['p99_ms_worst']:.2f})  errors {s['errors']}")  # type: ignore[index]
    print(f"throughput ratio consent/baseline = {ratio:.3f} (target >= 0.7); "
          f"1-min load average before/after: {load_before[0]:.1f}/{os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
