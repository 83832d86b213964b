"""§6.4: ANSPDCP within 72 hours of discovery — the pure rules, no database.

The clock runs in UTC, so 72 hours are 72 real hours even when Romania changes its clocks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from breaches import clock
from micropim_privacy.policy import Deadlines, timedelta_of

from .conftest import BUCHAREST, DISCOVERED_DST, utc


def test_the_window_comes_from_the_policy_registry() -> None:
    assert clock.AUTHORITY_WINDOW == timedelta_of(Deadlines.BREACH_AUTHORITY) == timedelta(hours=72)
    assert [s.key for s in clock.STAGES] == ["24h", "48h", "60h", "overdue"]


def test_72_hours_across_the_spring_dst_change_are_72_real_hours() -> None:
    deadline = clock.authority_deadline(DISCOVERED_DST)
    assert deadline == utc(2026, 3, 31, 8, 0)
    assert deadline - DISCOVERED_DST == timedelta(hours=72)
    # On the wall clock in Bucharest that is 11:00, not 10:00: the clocks went forward an hour.
    assert deadline.astimezone(BUCHAREST) == datetime(2026, 3, 31, 11, 0, tzinfo=BUCHAREST)
    # The trap this avoids: wall-clock arithmetic on the zoned time is an hour short.
    assert (DISCOVERED_DST + timedelta(hours=72)).astimezone(UTC) == utc(2026, 3, 31, 7, 0)


def test_72_hours_across_the_autumn_dst_change() -> None:
    discovered = datetime(2026, 10, 24, 10, 0, tzinfo=BUCHAREST)  # EEST; back to EET on 25 Oct
    deadline = clock.authority_deadline(discovered)
    assert deadline - discovered == timedelta(hours=72)
    assert deadline.astimezone(BUCHAREST).hour == 9


def test_local_display_names_the_zone_and_the_utc_instant() -> None:
    assert clock.format_local(DISCOVERED_DST) == "2026-03-28 10:00 EET (08:00 UTC)"
    assert clock.format_local(clock.authority_deadline(DISCOVERED_DST)) == "2026-03-31 11:00 EEST (08:00 UTC)"
    assert clock.format_local(utc(2026, 3, 30, 22, 30)) == "2026-03-31 01:30 EEST (2026-03-30 22:30 UTC)"


@pytest.mark.parametrize(("hours_after", "reached"), [
    (0, []), (23.99, []), (24, ["24h"]), (47.99, ["24h"]), (48, ["24h", "48h"]),
    (60, ["24h", "48h", "60h"]), (71.99, ["24h", "48h", "60h"]),
    (72, ["24h", "48h", "60h", "overdue"]), (500, ["24h", "48h", "60h", "overdue"]),
])
def test_alert_stages_reached(hours_after: float, reached: list[str]) -> None:
    as_of = DISCOVERED_DST.astimezone(UTC) + timedelta(hours=hours_after)  # real hours
    assert [s.key for s in clock.reached_stages(DISCOVERED_DST, as_of)] == reached


def test_a_local_day_later_is_not_24_hours_on_the_dst_night() -> None:
    wall_clock_day_later = DISCOVERED_DST + timedelta(hours=24)  # 29 March 10:00 EEST = 23 real hours
    assert clock.reached_stages(DISCOVERED_DST, wall_clock_day_later) == []


@pytest.mark.parametrize(("minutes_after_deadline", "late"), [(-1, False), (0, False), (1, True)])
def test_late_means_after_the_deadline(minutes_after_deadline: int, late: bool) -> None:
    deadline = clock.authority_deadline(DISCOVERED_DST)
    assert clock.is_late(deadline, deadline + timedelta(minutes=minutes_after_deadline)) is late


def test_remaining_time_text() -> None:
    deadline = utc(2026, 3, 31, 8, 0)
    assert clock.format_remaining(deadline, utc(2026, 3, 29, 14, 48)) == "41 h 12 min left"
    assert clock.format_remaining(deadline, utc(2026, 3, 31, 11, 5)) == "overdue by 3 h 05 min"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        clock.authority_deadline(datetime(2026, 3, 28, 10, 0))  # noqa: DTZ001
