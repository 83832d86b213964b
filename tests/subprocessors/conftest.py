"""Fixtures of the subprocessors tests: the seeded register, time, bulk customers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.apps import apps

from accounts.models import Customer
from subprocessors.seed import seed_all

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def register(db: None) -> None:
    """The register and policy 1.0 as migration 0002 seeds them (again, if a transactional
    test elsewhere flushed the tables)."""
    seed_all(apps.get_model)


@pytest.fixture
def many_customers(db: None) -> Callable[[int], list[Customer]]:
    def make(n: int, *, prefix: str = "bulk") -> list[Customer]:
        return Customer.objects.bulk_create(
            Customer(external_id=f"{prefix}-{i}", email=f"{prefix}{i}@example.com",
                     language="ro" if i % 3 == 0 else "en")
            for i in range(n)
        )

    return make
