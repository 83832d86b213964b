"""Production settings: secrets from the environment, refusal without them, check --deploy clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "micropim_privacy.settings.production",
    "SECRET_KEY": "x" * 64 + "-A1b2C3d4E5f6G7h8",
    "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWtleS0zMi1ieXRlcy1sb25nLTAwMDA=",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "ALLOWED_HOSTS": "privacy.micropim.net",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for the live server; production never has it.
    leaks = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in PROD_ENV and k not in leaks}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_secret(missing: str) -> None:
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_bcrypt_is_the_first_password_hasher_outside_tests() -> None:
    # §6.1 "Bcrypt hashing with salts". The test settings swap in a fast hasher for speed.
    from micropim_privacy.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("BCryptSHA256PasswordHasher")
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])",
                     env=PROD_ENV)
    assert result.stdout.strip().splitlines()[-1].endswith("BCryptSHA256PasswordHasher"), result.stderr


def test_a_password_hashed_with_the_real_settings_is_bcrypt(settings) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.hashers import make_password

    from micropim_privacy.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    assert make_password("a-long-enough-password").startswith("bcrypt_sha256$")


def test_time_travel_is_never_on_in_production() -> None:
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.PRIVACY_ALLOW_TIME_TRAVEL)",
                     env={**PROD_ENV, "PRIVACY_ALLOW_TIME_TRAVEL": "1"})
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
