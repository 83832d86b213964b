"""The officer's queue: staff enter a request with its real receipt date; badges and filters;
one-click actions that ask for what the law needs; the timeline and messages on one page."""

from __future__ import annotations

import time_machine
from django.core import mail

from accounts.models import AccessLogEntry, Customer
from dsar.models import DataSubjectRequest
from micropim_privacy.policy import Deadlines
from tests.conftest import NOW

from .conftest import confirm_by_link, days, submit

ADMIN = "/admin/dsar/datasubjectrequest/"


def _add_form(customer: Customer, **over: str) -> dict[str, str]:
    received = NOW - days(3)
    return {"type": "access", "jurisdiction": "", "channel": "post", "received_at_0": received.date().isoformat(),
            "received_at_1": received.strftime("%H:%M:%S"), "email": customer.email,
            "full_name": "Ana Popescu", "language": "ro", "customer": str(customer.pk),
            "details": "Letter dated 7 March", "corrections": "{}", "agent_name": "", "agent_email": "",
            **over}


def test_staff_enter_a_postal_request_with_its_real_receipt_date(staff_client, privacy_officer, customer_a) -> None:  # type: ignore[no-untyped-def]
    client = staff_client(privacy_officer)
    assert client.get(f"{ADMIN}add/").status_code == 200
    response = client.post(f"{ADMIN}add/", _add_form(customer_a))
    assert response.status_code == 302, response.content.decode()[:3000]
    dsr = DataSubjectRequest.objects.get()
    assert dsr.channel == "post" and dsr.received_at == NOW - days(3)
    assert dsr.due_at == Deadlines.REQUEST_RESPONSE.after(NOW - days(3))
    assert dsr.events.first().actor_label == "priya"
    assert mail.outbox[0].to == [customer_a.email]  # asked to confirm from the account's address
    assert AccessLogEntry.objects.filter(object_type="dsar.datasubjectrequest", action="add").exists()


def test_a_future_receipt_date_or_unknown_type_is_refused_in_the_form(staff_client, privacy_officer, customer_a) -> None:  # type: ignore[no-untyped-def]
    client = staff_client(privacy_officer)
    future = NOW + days(2)
    response = client.post(f"{ADMIN}add/", _add_form(customer_a, received_at_0=future.date().isoformat()))
    assert response.status_code == 200 and b"cannot be in the future" in response.content
    response = client.post(f"{ADMIN}add/", _add_form(customer_a, type="everything"))
    assert response.status_code == 200
    assert not DataSubjectRequest.objects.exists()


def test_the_list_shows_badges_and_filters(staff_client, privacy_officer, customer_a, customer_b) -> None:  # type: ignore[no-untyped-def]
    late = submit("access", customer=customer_a, received_at=NOW - days(40))
    soon = submit("erasure", customer=customer_b, email=customer_b.email, received_at=NOW - days(25))
    fresh = submit("restriction", customer=customer_a, received_at=NOW - days(1))
    client = staff_client(privacy_officer)
    page = client.get(ADMIN).content.decode()
    assert 'dsar-badge dsar-overdue">Overdue' in page
    assert 'dsar-badge dsar-due_soon">Due this week' in page
    assert 'dsar-badge dsar-on_track">On track' in page

    def listed(query: str) -> set[str]:
        html = client.get(f"{ADMIN}?{query}").content.decode()
        return {str(r.public_id)[:8] for r in (late, soon, fresh) if str(r.public_id)[:8] in html}

    assert listed("deadline=overdue") == {str(late.public_id)[:8]}
    assert listed("deadline=due_soon") == {str(soon.public_id)[:8]}
    assert listed("deadline=on_track") == {str(fresh.public_id)[:8]}
    assert listed("type__exact=erasure") == {str(soon.public_id)[:8]}
    assert listed("status__exact=awaiting_verification") == {str(r.public_id)[:8] for r in (late, soon, fresh)}
    assert listed("jurisdiction__exact=eu") == {str(r.public_id)[:8] for r in (late, soon, fresh)}
    late.assignee = privacy_officer
    late.save()
    assert listed(f"assignee__id__exact={privacy_officer.pk}") == {str(late.public_id)[:8]}


def test_support_agents_and_security_officers_see_no_requests(staff_client, support_agent, security_officer, customer_a) -> None:  # type: ignore[no-untyped-def]
    dsr = submit("access", customer=customer_a)
    for user in (support_agent, security_officer):
        client = staff_client(user)
        assert client.get(ADMIN).status_code == 403
        assert client.get(f"{ADMIN}{dsr.pk}/change/").status_code == 403
        assert client.get(f"{ADMIN}{dsr.pk}/act/refuse/").status_code == 403


def test_extend_through_the_admin_asks_for_a_reason_and_is_refused_after_day_30(staff_client, privacy_officer, customer_a) -> None:  # type: ignore[no-untyped-def]
    dsr = submit("access", customer=customer_a)
    url = f"{ADMIN}{dsr.pk}/act/extend/"
    with time_machine.travel(NOW + days(31), tick=False):
        client = staff_client(privacy_officer)  # signed in on day 31 (sessions do not last a month)
        page = client.get(url)
        assert page.status_code == 200 and b"reason" in page.content
        late = client.post(url, {"reason": "complex"})
        assert late.status_code == 409 and b"Too late to extend" in late.content
    dsr.refresh_from_db()
    assert not dsr.extended
    with time_machine.travel(NOW + days(29), tick=False):
        client = staff_client(privacy_officer)
        assert client.post(url, {"reason": ""}).status_code == 400  # the law needs a reason
        ok = client.post(url, {"reason": "Four systems to search"})
        assert ok.status_code == 302
    dsr.refresh_from_db()
    assert dsr.extended and dsr.due_at == Deadlines.REQUEST_EXTENSION.after(dsr.original_due_at)


def test_the_changelist_actions_ask_for_the_reason_first(staff_client, privacy_officer, customer_a) -> None:  # type: ignore[no-untyped-def]
    a = submit("access", customer=customer_a)
    b = submit("restriction", customer=customer_a)
    client = staff_client(privacy_officer)
    form = client.post(ADMIN, {"action": "refuse_action", "_selected_action": [a.pk, b.pk]})
    assert form.status_code == 200 and b"The requester is told this reason" in form.content
    a.refresh_from_db()
    assert a.status == "awaiting_verification"
    done = client.post(ADMIN, {"action": "refuse_action", "_selected_action": [a.pk, b.pk], "apply": "1",
                               "reason": "Manifestly unfounded: the same letter, sent 40 times."})
    assert done.status_code == 302
    assert set(DataSubjectRequest.objects.values_list("status", flat=True)) == {"refused"}
    one = submit("access", customer=customer_a)
    single = client.post(ADMIN, {"action": "verify_action", "_selected_action": [one.pk]})
    assert single.status_code == 302 and single["Location"].endswith(f"/{one.pk}/act/verify/")


def test_verify_then_complete_and_the_page_shows_the_whole_story(staff_client, privacy_officer, customer_a) -> None:  # type: ignore[no-untyped-def]
    dsr = submit("restriction", customer=customer_a, received_at=NOW - days(2))
    client = staff_client(privacy_officer)
    assert client.post(f"{ADMIN}{dsr.pk}/act/complete/", {"note": ""}).status_code == 409  # not verified
    response = client.post(f"{ADMIN}{dsr.pk}/act/verify/", {"method": "government_id",
                                                            "note": "ID front side matched the account name"})
    assert response.status_code == 302
    assert client.post(f"{ADMIN}{dsr.pk}/act/complete/", {"note": ""}).status_code == 302
    dsr.refresh_from_db()
    customer_a.refresh_from_db()
    assert dsr.status == "completed" and customer_a.processing_restricted
    page = client.get(f"{ADMIN}{dsr.pk}/change/").content.decode()
    for expected in ("Timeline", "received", "awaiting_verification → verified", "verified → completed",
                     "Communications", "ID front side matched", "request_completed"):
        assert expected in page, expected
    assert AccessLogEntry.objects.filter(object_type="dsar.datasubjectrequest", action="view",
                                         subject_ref="cus-a").exists()


def test_the_requester_confirmation_link_then_the_officer_completes(staff_client, privacy_officer, customer_a) -> None:  # type: ignore[no-untyped-def]
    dsr = submit("limit_sensitive", customer=customer_a, jurisdiction="us-ca")
    confirm_by_link()
    client = staff_client(privacy_officer)
    assert client.post(f"{ADMIN}{dsr.pk}/act/complete/", {"note": "We hold no sensitive data."}).status_code == 302
    dsr.refresh_from_db()
    assert dsr.status == "completed"
    assert "We hold no sensitive data." in mail.outbox[-1].body
