"""Fixtures of the ledger and watchdog tests.

``outside`` configures S3 and Cognito against moto and Stripe against the fake server (the
main app's webhook stays unconfigured: its step is recorded as skipped). ``restore``-style
tests use real ``pg_dump``/``pg_restore`` on the test PostgreSQL database.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from micropim_privacy.aws import cognito_client, s3_client
from tests.servers import (  # noqa: F401
    FakeStripe,
    fake_stripe,
    moto_endpoint,
    moto_server,
    no_outside_systems,
)

BUCKET = "mp-ledger-test"
BOTH = ["default", "ledger"]


@pytest.fixture(autouse=True)
def _quiet_outside(settings: Any) -> None:
    """No outside system unless a test asks for ``outside``; the main app is never configured."""
    no_outside_systems(settings)


@dataclass
class Outside:
    s3: Any
    cognito: Any
    pool_id: str
    stripe: FakeStripe

    def put(self, key: str, body: bytes = b"x") -> None:
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body)

    def keys(self, prefix: str = "") -> list[str]:
        found = self.s3.list_object_versions(Bucket=BUCKET, Prefix=prefix)
        return [v["Key"] for v in found.get("Versions", []) + found.get("DeleteMarkers", [])]

    def add_cognito_user(self, email: str) -> str:
        user = self.cognito.admin_create_user(UserPoolId=self.pool_id, Username=email)["User"]
        return next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")

    def cognito_emails(self) -> list[str]:
        users = self.cognito.list_users(UserPoolId=self.pool_id)["Users"]
        return sorted(a["Value"] for u in users for a in u["Attributes"] if a["Name"] == "email")


@pytest.fixture
def outside(moto_server: str, fake_stripe: FakeStripe, settings: Any) -> Outside:  # noqa: F811
    settings.S3_CUSTOMER_DATA_BUCKET = BUCKET
    s3 = s3_client()
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": settings.AWS_REGION})
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    cognito = cognito_client()
    pool_id = cognito.create_user_pool(PoolName="micropim-ledger-test", UsernameAttributes=["email"])["UserPool"]["Id"]
    settings.COGNITO_USER_POOL_ID = pool_id
    return Outside(s3=s3, cognito=cognito, pool_id=pool_id, stripe=fake_stripe)


def _pg_args(alias: str) -> tuple[list[str], str]:
    conf = connections[alias].settings_dict
    args = ["-h", conf.get("HOST") or "127.0.0.1", "-p", str(conf.get("PORT") or 5432),
            "-U", conf.get("USER") or "postgres"]
    return args, conf["NAME"]


class Backups:
    """The main database dumped and restored with the real PostgreSQL tools."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def dump(self, name: str, alias: str = "default") -> Path:
        args, db = _pg_args(alias)
        target = self.folder / f"{name}.dump"
        subprocess.run(["pg_dump", *args, "-Fc", "-f", str(target), db], check=True, timeout=120)
        return target

    def restore(self, dump: Path, alias: str = "default") -> None:
        """What an operator does: the database dropped, created again, and the backup restored
        into it (``pg_restore --clean`` cannot drop the partitioned event tables in place)."""
        connections[alias].close()
        args, db = _pg_args(alias)
        subprocess.run(["dropdb", *args, "--force", db], check=True, timeout=60)
        subprocess.run(["createdb", *args, db], check=True, timeout=60)
        subprocess.run(["pg_restore", *args, "--single-transaction", "--no-owner", "-d", db, str(dump)],
                       check=True, timeout=120)

    def text_dump(self, alias: str) -> str:
        """Every row of the database as text (``COPY`` blocks), to search for any trace."""
        args, db = _pg_args(alias)
        return subprocess.run(["pg_dump", *args, "--data-only", db], check=True, timeout=120,
                              capture_output=True, text=True).stdout


@pytest.fixture
def backups(tmp_path: Path) -> Iterator[Backups]:
    yield Backups(tmp_path)


def tables_mentioning(text_dump: str, needles: list[str]) -> dict[str, list[str]]:
    """``{table: [needle, ...]}`` for every table whose rows contain a needle (case-insensitive)."""
    found: dict[str, list[str]] = {}
    table = ""
    for line in text_dump.splitlines():
        if line.startswith("COPY "):
            table = line.split()[1].split(".")[-1]
            continue
        if line == "\\.":
            table = ""
            continue
        if table:
            lower = line.lower()
            for needle in needles:
                if needle.lower() in lower and needle not in found.get(table, []):
                    found.setdefault(table, []).append(needle)
    return found
