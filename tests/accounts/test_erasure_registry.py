"""This service's own tables are erased as the registry says (DESIGN "One registry"): the
tables come from each category's ``held_in``, the action from its ``on_erasure``."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from accounts.connectors import SYSTEMS, privacy_db
from accounts.erasure import erase_customer
from accounts.models import Customer
from micropim_privacy.policy import CATEGORIES, AtEnd, category
from retention.models import SupportTicket

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def test_every_installed_model_the_registry_names_can_find_its_subjects_rows() -> None:
    for holding in privacy_db.holdings():
        assert hasattr(holding.model, "subject_rows") or any(
            f.name == "customer" for f in holding.model._meta.get_fields()), holding.label


def test_actions_come_from_the_registry() -> None:
    actions = {h.label: h.category.on_erasure for h in privacy_db.holdings()}
    assert actions["retention.UsageEvent"] == AtEnd.ANONYMISE
    assert actions["retention.BillingRecord"] == actions["retention.Invoice"] == AtEnd.KEEP
    assert actions["retention.SupportTicket"] == AtEnd.DELETE
    if "consent.ConsentRecord" in actions:
        assert actions["consent.ConsentRecord"] == AtEnd.KEEP
    # Every category this service holds is covered by a model or named as not installed yet.
    labels = {label for c in CATEGORIES if c.held_by_this_service for label in c.held_in}
    assert set(actions) <= labels


def test_the_most_protective_action_wins_for_a_shared_model(monkeypatch: pytest.MonkeyPatch) -> None:
    keep_tickets = dataclasses.replace(category("chat_transcripts"), key="x_keep",
                                       held_in=("retention.SupportTicket",), on_erasure=AtEnd.KEEP,
                                       erasure_reason="§0: test")
    monkeypatch.setattr(privacy_db, "CATEGORIES", (*CATEGORIES, keep_tickets))
    [ticket] = [h for h in privacy_db.holdings() if h.label == "retention.SupportTicket"]
    assert ticket.category.key == "x_keep" and ticket.categories == ("support_tickets", "x_keep")


def test_changing_the_registry_changes_what_erasure_does(customer_a: Customer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    SupportTicket.objects.create(customer=customer_a, reference="T-1", subject="s", opened_at=NOW)
    changed = tuple(dataclasses.replace(c, on_erasure=AtEnd.KEEP, erasure_reason="§9.9: kept for a test")
                    if c.key == "support_tickets" else c for c in CATEGORIES)
    monkeypatch.setattr(privacy_db, "CATEGORIES", changed)
    erasure = erase_customer(customer=customer_a, reason="immediate", now=NOW)
    assert SupportTicket.objects.filter(customer=customer_a).count() == 1
    assert {"what": "Support tickets and messages [retention.SupportTicket]", "reason": "§9.9: kept for a test",
            "count": 1, "category": "support_tickets", "system": "privacy-db"} in erasure.certificate["kept"]


def test_the_systems_list_is_the_erasure_order() -> None:
    assert [s.name for s in SYSTEMS] == ["main-app", "s3", "cognito", "stripe", "backups", "privacy-db"]
    for system in SYSTEMS:
        assert {"name", "title", "categories", "unavailable", "export", "erase"} <= set(dir(system))
        assert set(system.categories) <= {c.key for c in CATEGORIES}
