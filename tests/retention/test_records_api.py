"""`POST /api/v1/records/`: batched intake of tickets, chats, emails, surveys, call recordings and
event attendance; each stored record is purged at its registry edge by the existing purge jobs;
a bad batch is refused whole with every problem listed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import Customer
from retention.models import (
    CallRecording,
    ChatTranscript,
    EmailMessage,
    EventAttendance,
    SupportTicket,
    SurveyResponse,
)
from tests.retention.conftest import period_end

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
AT = NOW - timedelta(hours=1)  # the instant every record's period counts from
URL = "/api/v1/records/"
MODELS = (SupportTicket, ChatTranscript, EmailMessage, SurveyResponse, CallRecording, EventAttendance)

# record type -> (its registry category, the record)
RECORDS: dict[str, tuple[str, dict[str, object]]] = {
    "support_ticket": ("support_tickets", {
        "reference": "T-100", "subject": "Import fails", "opened_at": "2026-03-01T10:00:00Z",
        "resolved_at": AT.isoformat(),
        "messages": [{"from": "customer", "at": "2026-03-01T10:00:00Z", "body": "CSV import fails"},
                     {"from": "staff", "at": "2026-03-02T10:00:00Z", "body": "Fixed"}]}),
    "chat_transcript": ("chat_transcripts", {
        "started_at": "2026-03-10T07:30:00Z", "resolved_at": AT.isoformat(), "transcript": "hi"}),
    "email": ("email_correspondence", {
        "direction": "in", "sent_at": AT.isoformat(), "from_address": "ana@example.com",
        "to_address": "support@micropim.net", "subject": "Help", "body": "Hello"}),
    "survey_response": ("survey_responses", {
        "survey": "nps-2026", "responded_at": AT.isoformat(), "answers": {"score": 9}}),
    "call_recording": ("call_recordings", {
        "recorded_at": AT.isoformat(), "recording_ref": "rec://1", "duration_seconds": 120}),
    "event_attendance": ("event_attendance", {
        "event_name": "PIM Day", "event_at": AT.isoformat(), "email": "ana@example.com",
        "full_name": "Ana Popescu", "attended": True}),
}


def _record(kind: str, **over: object) -> dict[str, object]:
    return {"type": kind, **RECORDS[kind][1], **over}


def _counts() -> list[int]:
    return [m.objects.count() for m in MODELS]


def _purge(key: str, as_of: datetime) -> dict[str, int]:
    out = StringIO()
    call_command("run_privacy_jobs", "--as-of", as_of.isoformat(), "--only", f"purge_{key}",
                 "--json", stdout=out)
    report = json.loads(out.getvalue())
    return report["jobs"][f"purge_{key}"]["counts"]  # type: ignore[no-any-return]


def test_each_type_is_stored_and_purged_at_its_registry_edge(
        api: APIClient, customer_a: Customer, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVACY_ALLOW_TIME_TRAVEL = True
    with time_machine.travel(NOW, tick=False):
        response = api.post(URL, {"external_id": "cus-a",
                                  "records": [_record(kind) for kind in RECORDS]}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {"stored": dict.fromkeys(RECORDS, 1)}
    assert _counts() == [1] * 6
    ticket = SupportTicket.objects.get()
    assert (ticket.customer, ticket.status, ticket.resolved_at) == (customer_a, "resolved", AT)
    assert ticket.messages[1] == {"from": "staff", "at": "2026-03-02T10:00:00+00:00", "body": "Fixed"}
    assert EventAttendance.objects.get().customer == customer_a

    for kind, (key, _) in RECORDS.items():
        model = MODELS[list(RECORDS).index(kind)]
        end = period_end(key, AT)
        assert _purge(key, end - timedelta(days=1))["deleted"] == 0
        assert model.objects.count() == 1, kind
        assert _purge(key, end + timedelta(days=1))["deleted"] == 1, kind
        assert model.objects.count() == 0, kind


@time_machine.travel(NOW, tick=False)
def test_a_ticket_is_updated_by_its_reference_and_open_tickets_are_kept(
        api: APIClient, customer_a: Customer) -> None:
    opened = {"type": "support_ticket", "reference": "T-7", "subject": "Export",
              "opened_at": "2026-03-09T10:00:00Z"}
    assert api.post(URL, {"records": [opened]}, format="json").status_code == 201
    assert SupportTicket.objects.get().status == "open"
    assert SupportTicket.objects.get().customer is None
    resolved = {**opened, "resolved_at": AT.isoformat(), "external_id": "cus-a"}
    assert api.post(URL, {"records": [resolved]}, format="json").status_code == 201
    ticket = SupportTicket.objects.get()
    assert (ticket.status, ticket.resolved_at, ticket.customer) == ("resolved", AT, customer_a)


def test_consent_withdrawn_goes_at_the_next_purge(api: APIClient, db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVACY_ALLOW_TIME_TRAVEL = True
    withdrawn = (NOW - timedelta(minutes=10)).isoformat()
    with time_machine.travel(NOW, tick=False):
        response = api.post(URL, {"records": [
            _record("survey_response", consent_withdrawn_at=withdrawn),
            _record("call_recording", consent_withdrawn_at=withdrawn)]}, format="json")
    assert response.status_code == 201, response.json()
    assert _purge("survey_responses", NOW)["deleted"] == 1
    assert _purge("call_recordings", NOW)["deleted"] == 1


@time_machine.travel(NOW, tick=False)
def test_a_bad_batch_lists_every_problem_and_stores_nothing(api: APIClient, customer_a: Customer) -> None:
    email_without_time = {k: v for k, v in _record("email").items() if k != "sent_at"}
    response = api.post(URL, {"external_id": "cus-a", "records": [
        _record("chat_transcript"),                                     # 0: fine
        {"type": "fax", "sent_at": AT.isoformat()},                     # 1: unknown type
        email_without_time,                                             # 2: missing timestamp
        _record("survey_response", responded_at="2031-01-01T00:00:00Z"),  # 3: far future
        _record("call_recording", colour="red"),                        # 4: unknown field
        _record("event_attendance", event_at="2020-01-01T00:00:00Z"),   # 5: past its 2 years
        _record("support_ticket", external_id="cus-nobody"),            # 6: unknown account
        _record("support_ticket", status="open"),                       # 7: open but resolved_at
        _record("event_attendance", event_at="2030-01-01T00:00:00Z", bogus=1),  # 8: both
    ]}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid batch: nothing was stored."
    errors = body["errors"]["records"]
    assert sorted(errors, key=int) == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert "type" in errors["1"]
    assert "required" in errors["2"]["sent_at"][0]
    assert "future" in errors["3"]["responded_at"][0]
    assert errors["4"] == {"colour": ["Unknown field."]}
    assert "2 years" in errors["5"]["event_at"][0]
    assert "external_id" in errors["6"]
    assert "resolved_at" in errors["7"]
    assert set(errors["8"]) == {"bogus", "event_at"}
    assert _counts() == [0] * 6


@time_machine.travel(NOW, tick=False)
def test_an_upcoming_event_is_accepted_a_far_one_is_not(api: APIClient, db: None) -> None:
    soon = (NOW + timedelta(days=60)).isoformat()
    assert api.post(URL, {"records": [_record("event_attendance", event_at=soon)]},
                    format="json").status_code == 201
    response = api.post(URL, {"records": [_record("event_attendance", event_at="2030-01-01T00:00:00Z")]},
                        format="json")
    assert response.status_code == 400 and "future" in response.json()["errors"]["records"]["0"]["event_at"][0]


@time_machine.travel(NOW, tick=False)
def test_a_batch_over_the_size_limit_is_refused_whole(api: APIClient, db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RETENTION_EVENTS_MAX_BATCH = 3
    response = api.post(URL, {"records": [_record("email") for _ in range(4)]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["records"] == ["At most 3 records per batch; this one has 4."]
    settings.RETENTION_EVENTS_MAX_BODY_BYTES = 500
    response = api.post(URL, {"records": [_record("email", body="x" * 600)]}, format="json")
    assert response.status_code == 413 and "Nothing was stored" in response.json()["detail"]
    assert _counts() == [0] * 6


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("body", [[], {"records": []}, {"records": "x"}, {"records": [1]},
                                  {"records": [_record("email")], "extra": 1},
                                  {"records": [_record("support_ticket"), _record("support_ticket")]}])
def test_malformed_bodies_get_a_400_never_a_500(api: APIClient, db: None, body: object) -> None:
    response = api.post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    assert "detail" in response.json()
    assert _counts() == [0] * 6


def test_no_token_is_401(anon_api: APIClient, db: None) -> None:
    response = anon_api.post(URL, {"records": [_record("email")]}, format="json")
    assert response.status_code == 401
    assert _counts() == [0] * 6
