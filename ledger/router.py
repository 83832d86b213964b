"""Sends the ledger's own tables to the ledger database, and nothing else there.

The erasure ledger (``LedgerEntry``, ``LedgerIdentifier``, ``ReplayRun``) must survive a
restore of the main database, so it lives in the ``ledger`` alias. The watchdog's findings
are ordinary operational rows and stay in ``default`` with everything else.
"""

from __future__ import annotations

from typing import Any

from . import conf

LEDGER_MODELS = frozenset({"ledgerentry", "ledgeridentifier", "replayrun"})


def is_ledger_model(model: Any) -> bool:
    meta = model._meta
    return bool(meta.app_label == "ledger" and meta.model_name in LEDGER_MODELS)


class LedgerRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return conf.ledger_alias() if is_ledger_model(model) else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return conf.ledger_alias() if is_ledger_model(model) else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        if is_ledger_model(obj1) or is_ledger_model(obj2):
            return is_ledger_model(obj1) and is_ledger_model(obj2)
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None,
                      **hints: Any) -> bool | None:
        alias = conf.ledger_alias()
        if hints.get("ledger_tables"):  # the ledger's own RunPython (append-only triggers)
            return db == alias
        if app_label == "ledger" and model_name in LEDGER_MODELS:
            return db == alias
        if db == alias and alias != "default":
            return False  # the ledger database holds the ledger and nothing else
        return None
