"""`make run`'s process trio on the embedded broker: web answers, beat's task reaches the
worker (a job run appears), and Ctrl-C stops all three. No PostgreSQL, no Redis."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 — loopback
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _wait(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


@pytest.mark.slow
def test_web_worker_and_beat_run_on_sqlite_and_stop_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(PRIVACY_VAR_DIR=str(tmp_path), PRIVACY_JOBS_INTERVAL_SECONDS="2",
               RUN_ADDR=f"127.0.0.1:{port}", DJANGO_SETTINGS_MODULE="micropim_privacy.settings.local")
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
    subprocess.run([py, "manage.py", "ledger_setup", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
    seeded = subprocess.run([py, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True, timeout=120)
    for role in ("Privacy Officer", "Support Agent", "Security Officer", "Customer"):
        assert role in seeded.stdout
    again = subprocess.run([py, "manage.py", "seed_demo"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr  # idempotent

    proc = subprocess.Popen(["bin/run-local"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: _get(f"{base}/healthz") == 200, 120, "/healthz")
        assert _get(f"{base}/admin/login/") == 200
        assert _get(f"{base}/api/docs/") == 200

        def beat_ran() -> bool:
            with sqlite3.connect(tmp_path / "db.sqlite3", timeout=10) as db:
                return bool(db.execute(
                    "SELECT count(*) FROM retention_jobrun WHERE trigger = 'beat' AND outcome = 'ok'"
                ).fetchone()[0])

        _wait(beat_ran, 90, "a job run triggered by beat")
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        proc.wait(timeout=60)

    def group_gone() -> bool:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return True
        return False

    _wait(group_gone, 30, "web, worker and beat to exit")
    assert _get(f"{base}/healthz") == 0
