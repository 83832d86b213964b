#!/usr/bin/env python3
"""Load test: a steady mix of API traffic on loopback, zero errors, worker memory sampled.

Starts the web tier as in production (gunicorn, production settings, PostgreSQL, Redis cache and
broker) on its own database, then sends an open-loop stream of requests at a fixed rate — each
request is started on schedule whether or not earlier ones have answered, so a slow server shows
up as latency, not as a slower test. Every answer must have the status its operation expects;
anything else (another status, a timeout, a refused connection) is an error. The resident memory
(RSS) of every gunicorn worker is read from /proc every few seconds.

Bounded in time (``--seconds``) and count (rate × seconds); loopback only; stops by itself.
See bench/load/README.md for the mix, how to run it and the last figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv" / "bin"


def env(db_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "micropim_privacy.settings.production",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "FIELD_ENCRYPTION_KEY": "YmVuY2gtb25seS1rZXktMzItYnl0ZXMtbG9uZy0wMDA=",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_URL": "dummymail://",  # notifications are rendered, recorded, and dropped
        "LOG_LEVEL": "WARNING",
    }


def prepare(db_url: str, redis_url: str) -> str:
    """A fresh database (and its ledger sibling), migrated; returns a new API token."""
    name = db_url.rsplit("/", 1)[1]
    for db in (name, f"{name}_ledger"):
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    e = env(db_url, redis_url)
    for database in ("default", "ledger"):
        subprocess.run([VENV / "python", "manage.py", "migrate", "--database", database, "--noinput", "-v0"],
                       cwd=ROOT, env=e, check=True)
    out = subprocess.run([VENV / "python", "manage.py", "create_api_client", "load-test"], cwd=ROOT, env=e,
                         check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("gunicorn exited during start-up")
        try:
            urllib.request.urlopen(f"{base}/.well-known/gpc.json", timeout=5)  # noqa: S310 — loopback
            return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not come up in 60 s")


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(c) for c in children)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- the traffic mix -----------------------------------------------------------------------------


@dataclass
class Mix:
    token: str
    customers: int
    rng: random.Random = field(default_factory=lambda: random.Random(1))  # noqa: S311 — not crypto
    toggles: int = 0

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}

    def cid(self) -> str:
        return f"load-{self.rng.randrange(self.customers):05d}"

    def email(self, cid: str) -> str:
        return f"{cid}@load.example.com"

    def pick(self) -> tuple[str, list[tuple[str, str, dict[str, Any] | None, dict[str, str], set[int]]]]:
        """One operation: a name and its request(s) (method, path, json, headers, expected statuses)."""
        r = self.rng.random()
        cid = self.cid()
        now = datetime.now(UTC)
        if r < 0.35:
            body = {"visitor_id": f"v{self.rng.getrandbits(64):016x}", "analytics": self.rng.random() < 0.5,
                    "marketing": self.rng.random() < 0.3, "policy_version": "1.0", "banner_version": "1"}
            return "consent POST", [("POST", "/api/v1/consent/", body, {}, {201})]
        if r < 0.50:
            return "account GET", [("GET", f"/api/v1/accounts/{cid}/", None, self.auth(), {200})]
        if r < 0.60:
            body = {"external_id": cid, "email": self.email(cid), "full_name": f"Load {cid}",
                    "job_title": self.rng.choice(["Buyer", "Editor", "Owner"])}
            return "account upsert", [("POST", "/api/v1/accounts/", body, self.auth(), {200})]
        if r < 0.70:
            events = [{"type": "usage", "kind": "feature", "name": "products.export",
                       "occurred_at": (now - timedelta(seconds=i)).isoformat(), "ip": "203.0.113.77",
                       "browser": "Firefox"} for i in range(4)]
            events.append({"type": "login", "outcome": "success", "occurred_at": now.isoformat(),
                           "ip": "198.51.100.23"})
            return "events POST", [("POST", "/api/v1/events/", {"external_id": cid, "events": events},
                                    self.auth(), {201})]
        if r < 0.75:
            return "notifications GET", [("GET", f"/api/v1/accounts/{cid}/notifications/", None, self.auth(),
                                          {200})]
        if r < 0.80:
            return "eligibility GET", [("GET", f"/api/v1/marketing/eligibility/?email={cid}%40load.example.com",
                                        None, self.auth(), {200})]
        if r < 0.85:
            return "subprocessors GET", [("GET", "/api/v1/subprocessors/", None, {}, {200})]
        if r < 0.90:
            return "retention-schedule GET", [("GET", "/api/v1/retention-schedule/", None, {}, {200})]
        if r < 0.93:
            return "policy-versions GET", [("GET", "/api/v1/policy-versions/", None, {}, {200})]
        if r < 0.97:
            body = {"type": self.rng.choice(["access", "portability", "rectification", "objection"]),
                    "email": self.email(cid), "external_id": cid, "jurisdiction": "eu"}
            return "request POST", [("POST", "/api/v1/requests/", body, self.auth(), {201})]
        # Deletion started, then cancelled (reactivation), on a pool of accounts used in turn.
        self.toggles += 1
        toggled = f"load-{self.toggles % 50:05d}"
        return "deletion start+cancel", [
            ("POST", f"/api/v1/accounts/{toggled}/deletion/", None, self.auth(), {201}),
            ("DELETE", f"/api/v1/accounts/{toggled}/deletion/", None, self.auth(), {200}),
        ]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    per_minute: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    per_minute_errors: Counter[int] = field(default_factory=Counter)


async def run_op(session: aiohttp.ClientSession, base: str, name: str, steps: list[Any], tally: Tally,
                 minute: int) -> None:
    for method, path, body, headers, expected in steps:
        started = time.monotonic()
        try:
            async with session.request(method, base + path, json=body, headers=headers) as response:
                await response.read()
                status = response.status
        except Exception as exc:  # noqa: BLE001 — every failure is counted, none stops the run
            tally.errors.append(f"{name} {method} {path}: {type(exc).__name__}")
            tally.per_minute_errors[minute] += 1
            return
        elapsed = (time.monotonic() - started) * 1000
        tally.latencies[name].append(elapsed)
        tally.per_minute[minute].append(elapsed)
        tally.statuses[f"{name} {status}"] += 1
        if status not in expected:
            tally.errors.append(f"{name} {method} {path}: {status}")
            tally.per_minute_errors[minute] += 1
            return


async def seed(session: aiohttp.ClientSession, base: str, mix: Mix) -> None:
    """Every account the mix names exists before the clock starts (through the API itself)."""
    sem = asyncio.Semaphore(8)

    async def one(i: int) -> None:
        cid = f"load-{i:05d}"
        async with sem, session.post(f"{base}/api/v1/accounts/", headers=mix.auth(), json={
                "external_id": cid, "email": mix.email(cid), "full_name": f"Load {cid}"}) as r:
            if r.status not in (200, 201):
                sys.exit(f"seeding {cid}: {r.status} {await r.text()}")

    await asyncio.gather(*(one(i) for i in range(mix.customers)))


async def drive(base: str, mix: Mix, *, rate: float, seconds: int, master: int, sample_every: float,
                tally: Tally, rss: list[dict[str, Any]]) -> int:
    timeout = aiohttp.ClientTimeout(total=10)
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await seed(session, base, mix)
        start = time.monotonic()
        total = int(rate * seconds)
        tasks: set[asyncio.Task[None]] = set()
        next_sample = 0.0
        for i in range(total):
            due = start + i / rate
            while True:
                now = time.monotonic()
                if now - start >= next_sample:
                    rss.append({"t": round(now - start, 1),
                                "workers": {str(p): round(rss_mb(p), 1) for p in workers_of(master)}})
                    next_sample += sample_every
                if now >= due:
                    break
                await asyncio.sleep(min(due - now, 0.05))
            name, steps = mix.pick()
            task = asyncio.create_task(run_op(session, base, name, steps, tally, int((due - start) // 60)))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
        rss.append({"t": round(time.monotonic() - start, 1),
                    "workers": {str(p): round(rss_mb(p), 1) for p in workers_of(master)}})
        return total


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def slope_mb_per_min(points: list[tuple[float, float]]) -> float:
    if len(points) < 2:
        return 0.0
    xs, ys = [p[0] / 60 for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return round(sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den, 3) if den else 0.0


def rss_trend(rss: list[dict[str, Any]], pids: list[str], *, warmup: float) -> dict[str, dict[str, Any]]:
    """Per worker: RSS at start, in the first minute after warm-up, in the last minute, and the
    least-squares slope after warm-up (MB per minute)."""
    trend = {}
    for pid in pids:
        points = [(s["t"], s["workers"][pid]) for s in rss if pid in s["workers"]]
        after = [p for p in points if p[0] >= warmup]
        first_min = [y for t, y in after if t < warmup + 60]
        last_min = [y for t, y in after if t >= after[-1][0] - 60] if after else []
        trend[pid] = {"warmup_seconds": warmup, "rss_mb_at_start": points[0][1] if points else None,
                      "rss_mb_after_warmup": round(statistics.fmean(first_min), 1) if first_min else None,
                      "rss_mb_last_minute": round(statistics.fmean(last_min), 1) if last_min else None,
                      "rss_mb_max": max((y for _, y in points), default=None),
                      "slope_mb_per_min_after_warmup": slope_mb_per_min(after)}
    return trend


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/mp_load_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--rate", type=float, default=40, help="requests started per second")
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--warmup-seconds", type=int, default=240, help="excluded from the memory trend")
    parser.add_argument("--sample-every", type=float, default=5.0)
    parser.add_argument("--json", type=Path, default=Path(__file__).with_name("last_results.json"))
    parser.add_argument("--summarize", action="store_true",
                        help="only recompute the memory trend of --json with --warmup-seconds")
    args = parser.parse_args()
    if args.summarize:
        summary = json.loads(args.json.read_text())
        summary["rss_trend"] = rss_trend(summary["rss_samples"], list(summary["rss_trend"]),
                                         warmup=args.warmup_seconds)
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
        print(json.dumps(summary["rss_trend"], indent=2))
        return
    base = f"http://127.0.0.1:{args.port}"

    load_before = os.getloadavg()
    token = prepare(args.db, args.redis)
    server = subprocess.Popen(
        [VENV / "gunicorn", "micropim_privacy.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{args.port}",
         "--access-logfile", "/dev/null", "--error-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=env(args.db, args.redis))
    tally, rss = Tally(), []
    try:
        wait_up(base, server)
        workers_at_start = workers_of(server.pid)
        started = time.time()
        total = asyncio.run(drive(base, Mix(token=token, customers=args.customers), rate=args.rate,
                                  seconds=args.seconds, master=server.pid, sample_every=args.sample_every,
                                  tally=tally, rss=rss))
        wall = time.time() - started
        workers_at_end = workers_of(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    answered = sum(len(v) for v in tally.latencies.values())
    trend = rss_trend(rss, [str(p) for p in workers_at_start], warmup=args.warmup_seconds)
    minutes = [{"minute": m, "requests": len(v), "p50_ms": pct(v, 0.5), "p95_ms": pct(v, 0.95),
                "p99_ms": pct(v, 0.99), "errors": tally.per_minute_errors[m]}
               for m, v in sorted(tally.per_minute.items())]
    summary = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"), "rate_per_s": args.rate,
        "seconds": args.seconds, "wall_seconds": round(wall, 1), "gunicorn_workers": args.workers,
        "requests_scheduled": total, "http_requests_answered": answered, "errors": len(tally.errors),
        "error_samples": tally.errors[:20], "workers_restarted": workers_at_start != workers_at_end,
        "load_avg_before": load_before, "load_avg_after": os.getloadavg(),
        "latency_ms": {name: {"n": len(v), "p50": pct(v, 0.5), "p95": pct(v, 0.95), "p99": pct(v, 0.99)}
                       for name, v in sorted(tally.latencies.items())},
        "statuses": dict(sorted(tally.statuses.items())), "per_minute": minutes, "rss_trend": trend,
        "rss_samples": rss,
    }
    args.json.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"{answered} answers to {total} scheduled operations in {wall:.0f} s at {args.rate}/s: "
          f"{len(tally.errors)} errors; workers restarted: {summary['workers_restarted']}")
    for m in minutes:
        print(f"  minute {m['minute']:2}: {m['requests']:5} req  p50 {m['p50_ms']:6.1f}  p95 {m['p95_ms']:6.1f}  "
              f"p99 {m['p99_ms']:7.1f} ms  errors {m['errors']}")
    for pid, t in trend.items():
        print(f"  worker {pid}: RSS {t['rss_mb_at_start']} MB at start, {t['rss_mb_after_warmup']} after warm-up, "
              f"{t['rss_mb_last_minute']} in the last minute (max {t['rss_mb_max']}), "
              f"trend {t['slope_mb_per_min_after_warmup']} MB/min")
    sys.exit(1 if tally.errors else 0)


if __name__ == "__main__":
    main()
