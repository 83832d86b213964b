"""Settings of the ledger app, read at call time so tests can override them.

None of these is a legal period: how long ledger entries are kept comes from the registry
(``micropim_privacy.policy``: as long as billing records, §5.2), and the watchdog's
thresholds are named constants in ``ledger/rules.py``.
"""

from __future__ import annotations

from django.conf import settings

from .dbconfig import ALIAS


def ledger_alias() -> str:
    """The database alias of the ledger: ``ledger`` when configured (it always is in the
    project's settings), else ``default`` — and then ``manage.py check`` warns (ledger.W001)."""
    return ALIAS if ALIAS in settings.DATABASES else "default"


def public_base_url() -> str:
    """Absolute base for the admin link in the watchdog's alert email."""
    return str(getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def replay_batch_size() -> int:
    """Customers hashed and looked up in the ledger per query during a replay."""
    return int(getattr(settings, "LEDGER_REPLAY_BATCH_SIZE", 1000))
