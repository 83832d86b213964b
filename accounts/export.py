"""The grace-period export (§5.3 "Self-service export tools available"): JSON, streamed.

One JSON object, written record by record so an account of any size streams in flat
memory: ``{"format", "account", "generated_at", "records": [{"system", "category", "data"}],
"systems_not_included": [{"system", "reason"}]}``. A system that fails mid-way is listed in
``systems_not_included`` instead of breaking the document.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from . import connectors
from .models import Customer

log = logging.getLogger(__name__)
FORMAT = "micropim-account-export/1"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def export_json_chunks(customer: Customer, *, now: datetime) -> Iterator[str]:
    yield (f'{{"format": {_dump(FORMAT)}, "account": {_dump(customer.external_id)}, '
           f'"generated_at": {_dump(now.isoformat())}, "records": [')
    missing: list[dict[str, str]] = []
    first = True
    for system in connectors.SYSTEMS:
        reason = system.unavailable()
        if reason:
            missing.append({"system": system.name, "reason": reason})
            continue
        try:
            for category, data in system.export(customer):
                yield ("" if first else ",\n") + _dump({"system": system.name, "category": category,
                                                        "data": data})
                first = False
        except Exception as exc:  # noqa: BLE001 — the rest of the export still goes out
            log.warning("export from %s failed for customer %s: %s", system.name, customer.pk,
                        type(exc).__name__)
            missing.append({"system": system.name, "reason": f"temporarily unavailable ({type(exc).__name__})"})
    yield f'], "systems_not_included": {_dump(missing)}}}'
