"""The erasure engine's one call into the ledger (``accounts/erasure.py``, when an erasure completes).

Light on purpose: the engine imports this inside ``run_erasure``, so it must not pull the
engine back in. The entry is written once the main database has committed the completion
(``on_commit``): a rolled-back completion leaves no ledger entry. If the ledger database is
unreachable right then, the erasure still stands (it already happened in every system);
the job ``ledger_record_erasures`` writes the entry on its next run, and until it does the
watchdog lists the erasure as missing from the ledger.
"""

from __future__ import annotations

import logging

from django.db import transaction

from accounts.models import Erasure

log = logging.getLogger(__name__)


def erasure_completed(erasure: Erasure) -> None:
    erasure_id = erasure.pk
    transaction.on_commit(lambda: record_quietly(erasure_id), using="default")


def record_quietly(erasure_id: int) -> bool:
    from .services import ledger_record

    try:
        ledger_record(erasure=Erasure.objects.get(pk=erasure_id))
    except Exception as exc:  # noqa: BLE001 — caught up by the ledger_record_erasures job
        log.warning("erasure %s not in the ledger yet (%s); ledger_record_erasures will add it",
                    erasure_id, type(exc).__name__)
        return False
    return True
