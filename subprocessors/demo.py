"""Demo rows for `make run`: the §4.2 register and policy 1.0 (as migrated), and one open
objection for the privacy officer to answer. Idempotent."""

from __future__ import annotations

from typing import TextIO

from django.apps import apps
from django.utils import timezone

from accounts.models import Customer

from .models import SubProcessor, SubProcessorObjection
from .seed import seed_all


def seed(out: TextIO) -> None:
    seed_all(apps.get_model)
    customer = Customer.objects.filter(external_id="cus-1002").first()
    analytics = SubProcessor.objects.filter(slug="google-analytics").first()
    if customer is not None and analytics is not None:
        SubProcessorObjection.objects.get_or_create(
            subprocessor=analytics, customer=customer,
            defaults={"reason": "Please do not send my data to the US.", "channel": "portal",
                      "received_at": timezone.now()})
    out.write("Sub-processors: register at /subprocessors/ (feed /subprocessors/feed/), policy history at "
              "/privacy-policy/, one open objection in the admin.\n")
