"""The registry must say what the published policy says (DESIGN.md "One registry")."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from micropim_privacy.policy import (
    CATEGORIES,
    CATEGORIES_BY_KEY,
    RETENTION_TABLE_5_2,
    SUBPROCESSORS,
    AtEnd,
    Deadlines,
    Period,
    categories_for_row,
    days,
    months,
    years,
)

POLICY = Path(__file__).resolve().parent.parent / "docs" / "policy" / "privacy-policy-1.0.txt"


def policy_table(section: str) -> list[list[str]]:
    """Rows of the markdown table that follows the heading '<section> ...' in the policy."""
    lines = POLICY.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{section} "))
    rows: list[list[str]] = []
    for line in lines[start + 1:]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not set("".join(cells)) <= {"-"}:
                rows.append(cells)
        elif rows:
            break
    return rows[1:]  # without the header row


def parse_period(text: str) -> Period | None:
    m = re.match(r"(?:Up to )?(\d+) (day|days|month|months|year|years)", text)
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2)
    return {"day": days, "month": months, "year": years}[unit.rstrip("s")](n)


def test_every_row_of_5_2_is_in_the_registry_with_the_same_period() -> None:
    published = policy_table("5.2")
    assert [r[0] for r in published] == [r[0] for r in RETENTION_TABLE_5_2]
    for (title, period_text, reason), (our_title, our_period, our_reason) in zip(
        published, RETENTION_TABLE_5_2, strict=True
    ):
        assert title == our_title
        assert parse_period(period_text) == our_period, title
        assert reason == our_reason
        claimed_by = categories_for_row("5.2", title)
        assert claimed_by, f"no category answers for §5.2 row {title!r}"
        for category in claimed_by:
            if our_period is not None:
                assert category.retention == our_period, (title, category.key)


@pytest.mark.parametrize("section", ["2.1", "2.2", "2.3", "2.4", "2.5"])
def test_every_row_of_the_section_2_tables_is_in_the_registry(section: str) -> None:
    for row in policy_table(section):
        title, _purpose, _basis, retention_text = row
        claimed = categories_for_row(section, title)
        assert len(claimed) == 1, f"§{section} row {title!r} claimed by {len(claimed)} categories"
        category = claimed[0]
        published = parse_period(retention_text)
        if published is not None and "31 days" not in retention_text:
            assert category.retention == published, (section, title)


def test_section_2_legal_bases_match_the_policy() -> None:
    letters = {"a": "6(1)(a)", "b": "6(1)(b)", "c": "6(1)(c)", "f": "6(1)(f)"}
    for section in ("2.1", "2.2", "2.3", "2.4", "2.5"):
        for title, _purpose, basis_text, _ret in policy_table(section):
            (category,) = categories_for_row(section, title)
            for basis in category.basis:
                named = letters[basis.value] in basis_text or {
                    "b": "Contract performance", "c": "Legal obligation",
                    "f": "Legitimate interest", "a": "Consent"}[basis.value] in basis_text
                if len(category.policy_rows) == 1:
                    assert named, (section, title, basis)


def test_recipients_are_sub_processors_of_4_2() -> None:
    published = {row[0] for row in policy_table("4.2")}
    assert set(SUBPROCESSORS) == published
    for c in CATEGORIES:
        assert set(c.recipients) <= published, c.key


def test_keys_are_unique_and_every_category_is_complete() -> None:
    assert len(CATEGORIES_BY_KEY) == len(CATEGORIES)
    for c in CATEGORIES:
        assert c.name and c.purpose and c.basis and c.section and c.retention_text and c.held_in
        if c.at_end != AtEnd.KEEP:
            assert c.retention is not None, c.key


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (years(7), datetime(2020, 2, 29, tzinfo=UTC), datetime(2027, 2, 28, tzinfo=UTC)),
        (years(7), datetime(2019, 1, 31, tzinfo=UTC), datetime(2026, 1, 31, tzinfo=UTC)),
        (months(12), datetime(2024, 2, 29, tzinfo=UTC), datetime(2025, 2, 28, tzinfo=UTC)),
        (months(12), datetime(2025, 3, 31, 23, 59, tzinfo=UTC), datetime(2026, 3, 31, 23, 59, tzinfo=UTC)),
        (days(90), datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)),
        (days(31), datetime(2026, 1, 31, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC)),
        (days(31), datetime(2028, 2, 1, tzinfo=UTC), datetime(2028, 3, 3, tzinfo=UTC)),
    ],
)
def test_periods_are_calendar_periods(period: Period, start: datetime, end: datetime) -> None:
    assert period.after(start) == end


def test_cutoff_keeps_the_day_before_and_passes_the_day_after() -> None:
    logs = CATEGORIES_BY_KEY["server_logs"]
    as_of = datetime(2026, 5, 31, 12, tzinfo=UTC)
    cutoff = logs.cutoff(as_of)
    assert cutoff == datetime(2026, 3, 2, 12, tzinfo=UTC)


def test_deadlines_read_like_the_policy() -> None:
    assert Deadlines.ACCOUNT_DELETION_GRACE == days(31)  # §5.3
    assert Deadlines.ACCOUNT_DELETION_REMINDERS == (days(7), days(1))  # §5.3
    assert Deadlines.REQUEST_RESPONSE == days(30)  # §7.10
    assert Deadlines.REQUEST_EXTENSION == months(2)  # §7.10
    assert str(Deadlines.BREACH_AUTHORITY) == "72 hours"  # §6.4
    assert Deadlines.SUBPROCESSOR_NOTICE == days(30)  # §4.2
    assert Deadlines.POLICY_CHANGE_NOTICE == days(30)  # §13.2
