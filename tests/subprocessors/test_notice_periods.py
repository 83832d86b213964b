"""§4.2 and §13.2: 30 days' notice — refused below 30 days, accepted at exactly 30, across month ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from subprocessors import rules

# (announced at, earliest allowed start): ordinary, month ends, leap years, year end, late UTC evening.
EDGES = [
    (datetime(2026, 3, 10, 9, 0, tzinfo=UTC), date(2026, 4, 9)),
    (datetime(2026, 1, 31, 12, 0, tzinfo=UTC), date(2026, 3, 2)),
    (datetime(2028, 1, 31, 12, 0, tzinfo=UTC), date(2028, 3, 1)),  # leap year
    (datetime(2026, 2, 28, 23, 59, tzinfo=UTC), date(2026, 3, 30)),
    (datetime(2026, 12, 15, 0, 0, tzinfo=UTC), date(2027, 1, 14)),
    (datetime(2026, 4, 30, 23, 30, tzinfo=UTC), date(2026, 5, 30)),
    # 02:30 in Bucharest is still the previous day in UTC: deadlines are computed in UTC.
    (datetime(2026, 7, 31, 23, 30, tzinfo=UTC), date(2026, 8, 30)),
]


@pytest.mark.parametrize(("announced_at", "earliest"), EDGES)
def test_a_new_subprocessor_may_start_30_days_after_its_announcement(announced_at: datetime, earliest: date) -> None:
    assert rules.earliest_subprocessor_start(announced_at) == earliest
    rules.check_subprocessor_start(earliest, announced_at=announced_at)  # exactly 30 days: accepted
    rules.check_subprocessor_start(earliest + timedelta(days=200), announced_at=announced_at)
    with pytest.raises(ValidationError) as refused:
        rules.check_subprocessor_start(earliest - timedelta(days=1), announced_at=announced_at)
    assert "§4.2" in refused.value.message_dict["starts_on"][0]


@pytest.mark.parametrize(("announced_at", "earliest"), EDGES)
def test_a_material_change_takes_effect_at_least_30_days_after_its_announcement(
    announced_at: datetime, earliest: date,
) -> None:
    rules.check_policy_effective(earliest, material=True, announced_at=announced_at)
    with pytest.raises(ValidationError) as refused:
        rules.check_policy_effective(earliest - timedelta(days=1), material=True, announced_at=announced_at)
    assert "§13.2" in refused.value.message_dict["effective_on"][0]
    # A non-material change needs no notice (§13.2) ...
    rules.check_policy_effective(announced_at.date(), material=False, announced_at=announced_at)


def test_dates_in_the_past_are_refused_with_their_own_message() -> None:
    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    for check in (lambda: rules.check_subprocessor_start(date(2026, 3, 9), announced_at=now),
                  lambda: rules.check_planned_start(date(2026, 3, 9), today=now.date()),
                  lambda: rules.check_policy_effective(date(2026, 3, 9), material=False, announced_at=now)):
        with pytest.raises(ValidationError, match="in the past"):
            check()


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        rules.earliest_subprocessor_start(datetime(2026, 3, 10))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("codes", "third", "module", "tia", "field"),
    [
        (["scc_2021", "teleportation"], "", "module_2", None, "safeguards"),
        (["encryption"], "United States", "", date(2026, 1, 1), "safeguards"),
        (["scc_2021"], "United States", "module_2", None, "tia_date"),
        (["scc_2021"], "", "", None, "scc_module"),
        (["eu_us_dpf"], "", "module_2", None, "scc_module"),
    ],
)
def test_safeguards_are_checked(codes: list[str], third: str, module: str, tia: date | None, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        rules.check_safeguards(codes, third_countries=third, scc_module=module, tia_date=tia)
    assert field in refused.value.message_dict


def test_version_numbers_only_go_up() -> None:
    rules.check_version_number("1.1", latest="1.0")
    rules.check_version_number("1.10", latest="1.9")
    for bad, latest in (("1.0", "1.0"), ("0.9", "1.0"), ("v2", "1.0"), ("1.9", "1.10")):
        with pytest.raises(ValidationError):
            rules.check_version_number(bad, latest=latest)
