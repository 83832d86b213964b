"""Where the erasure ledger lives: its own database, never the main one (docs/ledger.md).

Imported by the settings modules, so it imports nothing from Django's configured state.
``LEDGER_DATABASE_URL`` names it; without it, the ledger gets a sibling of the main database
on the same server (``<name>_ledger``) or, for SQLite (``make run``), its own file. Either
way a restore of the main database (pg_restore, a snapshot of ``db.sqlite3``) leaves it alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ALIAS = "ledger"


def ledger_database(env: Any, default: dict[str, Any], *, sqlite_path: Path) -> dict[str, Any]:
    url = env.str("LEDGER_DATABASE_URL", default="")
    if url:
        config: dict[str, Any] = env.db_url_config(url)
        return config
    config = {k: v for k, v in default.items() if k != "TEST"}
    config["OPTIONS"] = dict(default.get("OPTIONS") or {})
    if str(config.get("ENGINE", "")).endswith("sqlite3"):
        config["NAME"] = str(sqlite_path)
    else:
        config["NAME"] = f"{config['NAME']}_ledger"
    return config
