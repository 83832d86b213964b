"""The 72-hour clock (§6.4; GDPR Art. 33(1)) as pure rules: time is always an argument.

The clock runs in UTC. ``discovered_at + 72 h`` is computed on the UTC instant, never on a
local wall clock: 72 hours after 2026-03-28 10:00 in Bucharest is 2026-03-31 11:00 local
time, because the clocks go forward on 29 March (the real interval is still exactly 72 h).
Python adds a ``timedelta`` to a zoned datetime on the wall clock, which would be an hour
off across that change — hence the ``astimezone(UTC)`` below. Local time is for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from micropim_privacy.policy import Deadlines, timedelta_of

from . import conf

# §6.4: "Within 72 hours of discovery" → ANSPDCP.
AUTHORITY_WINDOW = timedelta_of(Deadlines.BREACH_AUTHORITY)


@dataclass(frozen=True)
class Stage:
    """One alert to the officers, ``after`` the discovery."""

    key: str
    after: timedelta

    @property
    def is_overdue(self) -> bool:
        return self.after >= AUTHORITY_WINDOW


def _hours_key(delta: timedelta) -> str:
    return f"{int(delta.total_seconds() // 3600)}h"


# Alerts at 24, 48 and 60 hours (policy registry), and one when the 72 hours have run out.
STAGES: tuple[Stage, ...] = (
    *(Stage(_hours_key(timedelta_of(p)), timedelta_of(p)) for p in Deadlines.BREACH_ALERTS),
    Stage("overdue", AUTHORITY_WINDOW),
)
STAGES_BY_KEY = {s.key: s for s in STAGES}


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    return moment.astimezone(UTC)


def authority_deadline(discovered_at: datetime) -> datetime:
    """When ANSPDCP must have been told: 72 real hours after discovery."""
    return _utc(discovered_at) + AUTHORITY_WINDOW


def stage_due_at(discovered_at: datetime, stage: Stage) -> datetime:
    return _utc(discovered_at) + stage.after


def reached_stages(discovered_at: datetime, as_of: datetime) -> list[Stage]:
    """Every alert whose moment has come by ``as_of``, earliest first."""
    return [s for s in STAGES if stage_due_at(discovered_at, s) <= _utc(as_of)]


def is_late(deadline: datetime, notified_at: datetime) -> bool:
    """Notified after the deadline (at the deadline itself is still in time)."""
    return _utc(notified_at) > _utc(deadline)


def remaining(deadline: datetime, now: datetime) -> timedelta:
    return _utc(deadline) - _utc(now)


def format_duration(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours} h {mins:02d} min"


def format_remaining(deadline: datetime, now: datetime) -> str:
    left = remaining(deadline, now)
    if left >= timedelta(0):
        return f"{format_duration(left)} left"
    return f"overdue by {format_duration(left)}"


def local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(conf.TIME_ZONE))


def format_local(moment: datetime | None) -> str:
    """``2026-03-31 11:00 EEST (08:00 UTC)``: the officers' local time, and the instant in UTC."""
    if moment is None:
        return "—"
    here, utc = local(moment), _utc(moment)
    same_day = here.date() == utc.date()
    utc_text = f"{utc:%H:%M} UTC" if same_day else f"{utc:%Y-%m-%d %H:%M} UTC"
    return f"{here:%Y-%m-%d %H:%M %Z} ({utc_text})"
