"""Purges are generated from the registry: one job per category this service holds, each
reading its period, its start event and its end action from `micropim_privacy.policy`."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from django.apps import apps

from micropim_privacy.jobs import JOBS
from micropim_privacy.policy import CATEGORIES, AtEnd, category, days
from retention.models import PurgeRun, SupportTicket
from retention.purge import purge_category

from .conftest import make_row


def test_one_purge_job_per_category_held_by_this_service() -> None:
    held = {c.key for c in CATEGORIES if c.held_by_this_service}
    assert {n.removeprefix("purge_") for n in JOBS if n.startswith("purge_")} >= held
    for key in held:
        job = JOBS[f"purge_{key}"]
        assert job.description.startswith(f"§{category(key).section}:")


def test_every_retention_model_the_registry_names_follows_the_conventions() -> None:
    """Subject rows, a nullable customer link, a timestamp the period counts from."""
    labels = {label for c in CATEGORIES for label in c.held_in if label.startswith("retention.")}
    assert len(labels) == 12
    for label in labels:
        model = apps.get_model(label)
        customer = model._meta.get_field("customer")
        assert customer.null and customer.related_model._meta.label == "accounts.Customer"
        assert callable(model.subject_rows)
        keys = [c.key for c in CATEGORIES if label in c.held_in]
        assert all(model.timestamp_field_for(k) for k in keys), label


def test_a_period_changed_in_the_registry_changes_what_the_purge_selects(db: None) -> None:
    make_row("support_tickets", datetime(2026, 1, 1, tzinfo=UTC))
    as_of = datetime(2026, 3, 1, tzinfo=UTC)
    assert purge_category(category=category("support_tickets"), as_of=as_of, dry_run=True)["counted"] == 0
    shorter = dataclasses.replace(category("support_tickets"), retention=days(30))
    assert purge_category(category=shorter, as_of=as_of, dry_run=True)["counted"] == 1
    kept = dataclasses.replace(shorter, at_end=AtEnd.KEEP)
    assert purge_category(category=kept, as_of=as_of, dry_run=False)["counted"] == 0
    assert SupportTicket.objects.count() == 1


def test_categories_held_in_other_apps_or_outside_systems_are_skipped_with_a_note(db: None) -> None:
    ghost = dataclasses.replace(category("identity_verification"),
                                held_in=("dsar.NoSuchModel", "accounts.Customer", "Some SaaS"))
    counts = purge_category(category=ghost, as_of=datetime(2026, 3, 1, tzinfo=UTC), dry_run=False)
    assert counts == {"counted": 0, "deleted": 0, "anonymised": 0, "held": 0}
    notes = PurgeRun.objects.get().notes
    assert "dsar.NoSuchModel: model not installed yet" in notes
    assert "accounts.Customer: declares no retention timestamp" in notes
    assert "Some SaaS: outside system" in notes
