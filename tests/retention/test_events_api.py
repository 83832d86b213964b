"""`POST /api/v1/events/`: batched intake; IPs truncated on arrival (§2.3); a bad batch is
refused whole with every problem listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Customer
from retention.fields import truncate_ip
from retention.models import ErrorReport, LoginEvent, ServerLogLine, UsageEvent

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
URL = "/api/v1/events/"


def _usage(**over: object) -> dict[str, object]:
    return {"type": "usage", "occurred_at": "2026-03-10T08:59:00Z", "kind": "feature",
            "name": "export.csv", "browser": "Firefox", "browser_version": "128", "os": "Linux",
            "device_type": "desktop", "device_id": "d-42", "ip": "203.0.113.77", **over}


def _stored() -> tuple[int, int, int, int]:
    return (UsageEvent.objects.count(), LoginEvent.objects.count(), ErrorReport.objects.count(),
            ServerLogLine.objects.count())


@pytest.mark.parametrize(("given", "stored"), [
    ("203.0.113.77", "203.0.113.0"),
    ("10.1.2.255", "10.1.2.0"),
    ("2001:db8:abcd:12:34:56:78:9", "2001:db8:abcd::"),
    ("2001:0db8:abcd:ffff::1", "2001:db8:abcd::"),
    ("::ffff:198.51.100.23", "198.51.100.0"),  # an IPv4 address written as IPv6
    (" 192.0.2.1 ", "192.0.2.0"),
])
def test_ip_addresses_lose_their_host_part(given: str, stored: str) -> None:
    assert truncate_ip(given) == stored


@pytest.mark.parametrize("bad", ["300.1.2.3", "1.2.3", "example.com", "fe80::1%eth0", "10.0.0.0/8", ""])
def test_what_is_not_an_address_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        truncate_ip(bad)


@time_machine.travel(NOW, tick=False)
def test_a_batch_of_each_kind_is_stored_with_truncated_ips(api: APIClient, customer_a: Customer) -> None:
    response = api.post(URL, {"external_id": "cus-a", "events": [
        _usage(),
        {"type": "login", "occurred_at": "2026-03-10T08:00:00Z", "outcome": "success",
         "method": "password", "ip": "2001:db8:abcd:12::1", "user_agent": "Firefox/128"},
        {"type": "error", "occurred_at": "2026-03-10T08:30:00+02:00", "message": "TypeError",
         "release": "4.2.0", "duration_ms": 1200},
        {"type": "server_log", "occurred_at": "2026-03-10T08:58:00Z", "method": "GET",
         "path": "/products", "status": 200, "ip": "192.0.2.44", "external_id": "cus-a"},
    ]}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {"stored": {"usage": 1, "login": 1, "error": 1, "server_log": 1}}
    usage = UsageEvent.objects.get()
    assert (usage.customer, str(usage.ip), usage.device_id) == (customer_a, "203.0.113.0", "d-42")
    assert str(LoginEvent.objects.get().ip) == "2001:db8:abcd::"
    assert ErrorReport.objects.get().occurred_at == datetime(2026, 3, 10, 6, 30, tzinfo=UTC)
    assert str(ServerLogLine.objects.get().ip) == "192.0.2.0"
    # Nowhere in the database is the whole address.
    with connection.cursor() as cursor:
        cursor.execute("SELECT ip::text FROM retention_usageevent UNION ALL "
                       "SELECT ip::text FROM retention_serverlogline")
        assert {r[0] for r in cursor.fetchall()} == {"203.0.113.0/32", "192.0.2.0/32"}


@time_machine.travel(NOW, tick=False)
def test_events_without_an_account_are_accepted(api: APIClient, db: None) -> None:
    response = api.post(URL, {"events": [{"type": "server_log", "occurred_at": "2026-03-10T08:00:00Z",
                                          "path": "/healthz", "status": 200}]}, format="json")
    assert response.status_code == 201
    assert ServerLogLine.objects.get().customer is None


@time_machine.travel(NOW, tick=False)
def test_a_bad_batch_lists_every_problem_and_stores_nothing(api: APIClient, customer_a: Customer) -> None:
    response = api.post(URL, {"external_id": "cus-a", "events": [
        _usage(),                                                  # 0: fine
        _usage(occurred_at=None),                                  # 1: no timestamp
        {k: v for k, v in _usage().items() if k != "occurred_at"},  # 2: no timestamp at all
        _usage(occurred_at="2031-01-01T00:00:00Z"),                # 3: far future
        _usage(ip="999.1.2.3"),                                    # 4: malformed IP
        {"type": "login", "occurred_at": "2026-03-10T08:00:00Z", "outcome": "maybe", "x": 1},  # 5
        {"type": "telemetry"},                                     # 6: unknown type
        {"type": "server_log", "occurred_at": "2025-11-01T00:00:00Z"},  # 7: past its 90 days
        _usage(external_id="cus-nobody"),                          # 8: unknown account
    ]}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid batch: nothing was stored."
    errors = body["errors"]["events"]
    assert sorted(errors, key=int) == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert "null" in errors["1"]["occurred_at"][0]
    assert "required" in errors["2"]["occurred_at"][0]
    assert "future" in errors["3"]["occurred_at"][0]
    assert errors["4"]["ip"] == ["Not a valid IPv4 or IPv6 address."]
    assert set(errors["5"]) == {"outcome", "x"}
    assert "type" in errors["6"]
    assert "90 days" in errors["7"]["occurred_at"][0]
    assert "external_id" in errors["8"]
    assert _stored() == (0, 0, 0, 0)


@time_machine.travel(NOW, tick=False)
def test_a_batch_over_the_size_limit_is_refused_whole(api: APIClient, db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RETENTION_EVENTS_MAX_BATCH = 5
    response = api.post(URL, {"events": [_usage() for _ in range(6)]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["events"] == ["At most 5 events per batch; this one has 6."]
    assert _stored() == (0, 0, 0, 0)
    assert api.post(URL, {"events": [_usage() for _ in range(5)]}, format="json").status_code == 201


@time_machine.travel(NOW, tick=False)
def test_a_body_too_large_is_refused_with_413(api: APIClient, db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RETENTION_EVENTS_MAX_BODY_BYTES = 2000
    response = api.post(URL, {"events": [_usage(name="x" * 200) for _ in range(10)]}, format="json")
    assert response.status_code == 413 and "Nothing was stored" in response.json()["detail"]
    assert _stored() == (0, 0, 0, 0)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("body", [[], "events", {"events": []}, {"events": "x"}, {"events": [1]},
                                  {"events": [_usage()], "extra": 1}])
def test_malformed_bodies_get_a_400_never_a_500(api: APIClient, db: None, body: object) -> None:
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_only_api_clients_may_post_events(anon_api: APIClient, db: None) -> None:
    response = anon_api.post(URL, {"events": [_usage()]}, format="json")
    assert response.status_code in (401, 403)
    assert _stored() == (0, 0, 0, 0)


@time_machine.travel(NOW, tick=False)
def test_a_little_clock_skew_is_allowed(api: APIClient, db: None) -> None:
    ahead = (NOW + timedelta(minutes=4)).isoformat()
    assert api.post(URL, {"events": [_usage(occurred_at=ahead)]}, format="json").status_code == 201
