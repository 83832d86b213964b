"""Creates the erasure ledger's database if it is missing (PostgreSQL) and migrates it."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from psycopg import sql

from ledger import conf


class Command(BaseCommand):
    help = "Create (PostgreSQL, if missing) and migrate the erasure ledger's own database; idempotent."

    def handle(self, *args: Any, **opts: Any) -> None:
        alias = conf.ledger_alias()
        if alias == "default":
            self.stdout.write("No ledger database configured: the ledger shares 'default' (see ledger.W001).")
            return
        target = connections[alias]
        main = connections["default"]
        same_server = all(target.settings_dict.get(k) == main.settings_dict.get(k) for k in ("HOST", "PORT"))
        if target.vendor == "postgresql" and main.vendor == "postgresql" and same_server:
            self._create_if_missing(target.settings_dict["NAME"])
        call_command("migrate", database=alias, interactive=False, verbosity=opts.get("verbosity", 1))

    def _create_if_missing(self, name: str) -> None:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)).as_string(cursor.connection))
        self.stdout.write(f"Created the ledger database {name}.")
