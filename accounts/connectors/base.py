"""The shapes every system module shares: what export yields, what erase returns, and the
context an erase gets to record progress that survives a crash."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from accounts.models import Customer, Erasure, ErasureStep

# One exported item: (registry category key, JSON-able dict).
Record = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Kept:
    """Something deliberately not erased: what, how much (if countable), and why, with the §."""

    what: str
    reason: str
    count: int | None = None
    category: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StepResult:
    """What ``erase`` returns. Removed/anonymised counts are recorded on the way through the
    context (so they survive a crash); the result adds what was kept and why."""

    kept: list[Kept] = field(default_factory=list)
    note: str = ""
    skipped: bool = False  # nothing was done, ``note`` says why (e.g. not configured)
    # Why anonymised rows were anonymised rather than deleted, by the label they were counted under.
    anonymised_reasons: dict[str, str] = field(default_factory=dict)


class ErasureContext:
    """Given to ``erase(customer, *, erasure=...)``: the erasure being run and its step row.

    ``count_removed`` / ``count_anonymised`` / ``save_progress`` write the step row at once —
    call them inside the same ``transaction.atomic()`` as the change they count, and a crash
    can never count a batch twice or lose one. ``progress`` is the connector's own resume
    bookkeeping (cleared when the step finishes). ``held`` maps registry category keys under
    a §5.5 legal hold for this subject to the reason to quote: keep those.
    """

    def __init__(self, *, record: Erasure, step: ErasureStep, held: dict[str, str],
                 clock: Callable[[], datetime]) -> None:
        self.record = record
        self.step = step
        self.held = held
        self.now = clock

    @property
    def progress(self) -> dict[str, Any]:
        return self.step.progress

    def count_removed(self, what: str, n: int) -> None:
        self._add("removed", what, n)

    def count_anonymised(self, what: str, n: int) -> None:
        self._add("anonymised", what, n)

    def save_progress(self, **values: Any) -> None:
        self.step.progress = {**self.step.progress, **values}
        self.step.save(update_fields=["progress"])

    def _add(self, field_name: str, what: str, n: int) -> None:
        counts = dict(getattr(self.step, field_name))
        counts[what] = int(counts.get(what, 0)) + int(n)
        setattr(self.step, field_name, counts)
        self.step.save(update_fields=[field_name])


class System(Protocol):
    """A system that holds a customer's data (each connector module satisfies this)."""

    name: str
    title: str
    categories: tuple[str, ...]

    def unavailable(self) -> str | None: ...

    def export(self, customer: Customer) -> Iterator[Record]: ...

    def erase(self, customer: Customer, *, erasure: ErasureContext) -> StepResult: ...


def held_reason(erasure: ErasureContext, *categories: str) -> str | None:
    """The §5.5 reason to keep data of these categories, if any of them is held."""
    for key in categories:
        if key in erasure.held:
            return erasure.held[key]
    return None


def scrub(message: str, customer: Customer) -> str:
    """An error message without the subject's identifiers (errors are stored and logged)."""
    for value in (customer.email, customer.external_id, customer.full_name, customer.cognito_sub,
                  customer.stripe_customer_id, customer.profile_photo_key, customer.phone):
        if value and len(value) >= 3:
            message = message.replace(value, "[subject]")
    return message
