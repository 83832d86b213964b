from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = "Erasure ledger and watchdog"

    def ready(self) -> None:
        checks.register(ledger_database_check)


def ledger_database_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The ledger must not share the main database, or a restore rolls it back (issue 11)."""
    from django.conf import settings

    from .dbconfig import ALIAS

    found: list[checks.CheckMessage] = []
    if ALIAS not in settings.DATABASES:
        found.append(checks.Warning(
            "The erasure ledger has no database of its own: it falls back to 'default', and a "
            "restore of the main database would roll it back.",
            hint="Set DATABASES['ledger'] (LEDGER_DATABASE_URL); see docs/ledger.md.", id="ledger.W001"))
    elif settings.DATABASES[ALIAS].get("NAME") == settings.DATABASES.get("default", {}).get("NAME") \
            and settings.DATABASES[ALIAS].get("HOST") == settings.DATABASES.get("default", {}).get("HOST"):
        found.append(checks.Warning(
            "LEDGER_DATABASE_URL names the main database: a restore of it would roll the ledger back.",
            hint="Give the ledger its own database; see docs/ledger.md.", id="ledger.W002"))
    if "ledger.router.LedgerRouter" not in getattr(settings, "DATABASE_ROUTERS", []):
        found.append(checks.Error("ledger.router.LedgerRouter is not in DATABASE_ROUTERS.",
                                  id="ledger.E001"))
    return found
