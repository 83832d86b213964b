"""Reads of the registry for the API, the admin page and (later) the portal."""

from __future__ import annotations

from typing import Any

from micropim_privacy.policy import CATEGORIES, Category


def schedule_row(c: Category) -> dict[str, Any]:
    return {
        "key": c.key,
        "name": c.name,
        "section": c.section,
        "data": c.data,
        "purpose": c.purpose,
        "legal_basis": [f"Art. 6(1)({b.value})" for b in c.basis],
        "legal_basis_text": c.basis_text,
        "retention": c.retention_text,
        "retention_period": str(c.retention) if c.retention is not None else None,
        "counts_from": c.counts_from.value,
        "at_end": c.at_end.value,
        "recipients": list(c.recipients),
        "held_in": list(c.held_in),
        "source": c.source,
    }


def retention_schedule() -> list[dict[str, Any]]:
    return [schedule_row(c) for c in CATEGORIES]
