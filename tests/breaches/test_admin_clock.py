"""The 72-hour countdown in the admin: list column and change view, in Bucharest local time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta

import time_machine
from django.test import Client

from breaches.models import Breach
from breaches.services import authority_report_record

from .conftest import DISCOVERED_DST

START = DISCOVERED_DST.astimezone(UTC)


def test_the_list_and_the_change_view_count_down_in_local_time(
    officer_client: Client, make_breach: Callable[..., Breach]
) -> None:
    breach = make_breach(discovered_at=DISCOVERED_DST)
    now = START + timedelta(hours=30, minutes=48)
    with time_machine.travel(now, tick=False):
        listing = officer_client.get("/admin/breaches/breach/").content.decode()
        change = officer_client.get(f"/admin/breaches/breach/{breach.pk}/change/").content.decode()
    clock = ('<span class="breach-clock" data-deadline="2026-03-31T08:00:00+00:00" '
             f'data-server-now="{now.isoformat()}">41 h 12 min left</span>')
    for page in (listing, change):
        assert clock in page
        assert "breaches/clock.js" in page
        assert "2026-03-31 11:00 EEST (08:00 UTC)" in page  # the deadline, after the clocks went forward
        assert "2026-03-28 10:00 EET (08:00 UTC)" in page or "2026-03-28" in page
    # The form shows and reads local time (EET before the change).
    assert 'name="discovered_at_0" value="2026-03-28"' in change
    assert 'name="discovered_at_1" value="10:00:00"' in change


def test_the_countdown_stops_when_anspdcp_is_notified(officer_client: Client, make_breach: Callable[..., Breach]) -> None:
    breach = make_breach(discovered_at=DISCOVERED_DST)
    authority_report_record(breach=breach, notified_at=START + timedelta(hours=80), method="email",
                            reference="R-1", late_reason="Weekend.", actor=None, now=START + timedelta(hours=80))
    with time_machine.travel(START + timedelta(hours=90), tick=False):
        page = officer_client.get("/admin/breaches/breach/").content.decode()
    assert "notified (late)" in page and 'class="breach-clock"' not in page

