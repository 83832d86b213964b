"""Every write to customer accounts goes through here (views, admin and jobs stay thin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from micropim_privacy.policy import Deadlines

from .models import Customer
from .selectors import was_erased

PROFILE_FIELDS = ("email", "full_name", "company_name", "job_title", "phone", "date_of_birth", "language")


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_minimum_age(born: date | None, *, today: date) -> None:
    """§9.1/§9.2: we do not knowingly collect data from children under 16."""
    if born is not None and age_on(born, today) < Deadlines.MINIMUM_AGE_YEARS:
        raise ValidationError(
            {"date_of_birth": f"Account holders must be at least {Deadlines.MINIMUM_AGE_YEARS} "
             "years old (privacy policy §9)."}
        )


@dataclass(frozen=True)
class UpsertResult:
    customer: Customer
    created: bool


@transaction.atomic
def customer_upsert(*, external_id: str, fields: dict[str, Any], today: date) -> UpsertResult:
    """Create or update an account by the main app's id. A deleted account is never revived."""
    check_minimum_age(fields.get("date_of_birth"), today=today)
    customer = Customer.objects.select_for_update().filter(external_id=external_id).first()
    if customer is None and (external_id.startswith("erased-") or was_erased(external_id)):
        # The id of an erased account (its tombstone keeps only a keyed hash) stays retired.
        raise ValidationError("This account was erased; its id cannot be reused.", code="deleted")
    if customer is None:
        customer = Customer(external_id=external_id)
        created = True
    else:
        created = False
        if customer.status == Customer.Status.DELETED:
            raise ValidationError("This account was erased; its id cannot be reused.", code="deleted")
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(customer, name, fields[name] if fields[name] is not None else _empty(name))
    customer.full_clean()
    customer.save()
    return UpsertResult(customer=customer, created=created)


def _empty(name: str) -> Any:
    return None if name == "date_of_birth" else ""
