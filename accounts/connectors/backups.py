"""Backups: nothing is edited in a backup; copies expire within 31 days (§5.2 "Backup Data").

Recorded on the certificate as kept, with the reason, so the proof says what the policy
says: the subject's data leaves the backup systems when the last copy taken before the
erasure expires. (Restores re-apply erasures: the erasure ledger, issue 11.)
"""

from __future__ import annotations

from collections.abc import Iterator

from accounts.models import Customer
from micropim_privacy.policy import category

from .base import ErasureContext, Kept, Record, StepResult

name = "backups"
title = "Backup systems"
categories = ("backups",)


def unavailable() -> str | None:
    return None


def export(customer: Customer) -> Iterator[Record]:
    return iter(())  # copies of the data the other systems export


def erase(customer: Customer, *, erasure: ErasureContext) -> StepResult:
    period = category("backups").retention_text.lower()
    return StepResult(kept=[Kept(
        "Copies in backups taken before this erasure",
        f"§5.2 Backup Data, §5.3: backups are never edited; they are deleted {period} after "
        "they were taken, so these copies are gone by then",
        category="backups",
    )])
