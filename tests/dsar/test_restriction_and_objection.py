"""§7.4: restriction is a flag the main app reads before processing; the subject is told
before it is lifted. §7.6: a legitimate-interest objection gets a staff decision with grounds."""

from __future__ import annotations

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import Customer
from dsar.fulfilment import request_fulfil, restriction_announce_lift, restriction_lift
from dsar.services import WorkflowError
from tests.conftest import NOW

from .conftest import confirm_by_link, days


def test_restriction_end_to_end_through_the_api(api: APIClient, customer_a: Customer, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    from dsar.models import DataSubjectRequest

    created = api.post("/api/v1/requests/", {"type": "restriction", "email": customer_a.email,
                                             "external_id": "cus-a", "details": "I contest my job title."},
                       format="json").json()
    confirm_by_link()
    dsr = DataSubjectRequest.objects.get(public_id=created["id"])
    assert request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW + days(1)).completed
    assert api.get("/api/v1/accounts/cus-a/").json()["processing_restricted"] is True
    assert api.get(f"/api/v1/requests/{created['id']}/").json()["status"] == "completed"

    mail.outbox.clear()
    with pytest.raises(WorkflowError, match="Tell the subject first"):
        restriction_lift(dsr=dsr, actor=privacy_officer, now=NOW + days(5))
    assert api.get("/api/v1/accounts/cus-a/").json()["processing_restricted"] is True
    with pytest.raises(WorkflowError, match="needs a reason"):
        restriction_announce_lift(dsr=dsr, actor=privacy_officer, now=NOW + days(5), reason="")
    restriction_announce_lift(dsr=dsr, actor=privacy_officer, now=NOW + days(5),
                              reason="We verified the job title with your employer.")
    [notice] = mail.outbox
    assert "verified the job title" in notice.body and notice.to == [customer_a.email]
    restriction_lift(dsr=dsr, actor=privacy_officer, now=NOW + days(12))
    assert api.get("/api/v1/accounts/cus-a/").json()["processing_restricted"] is False
    kinds = list(dsr.events.values_list("kind", flat=True))
    assert kinds.index("email", kinds.index("note")) < len(kinds) - 1  # told, then lifted


@pytest.mark.parametrize(("decision", "says"), [("upheld", "am oprit prelucrarea"), ("rejected", "motive legitime")])
def test_an_objection_needs_a_decision_and_its_grounds(customer_a: Customer, verified, privacy_officer,  # type: ignore[no-untyped-def]
                                                       decision: str, says: str) -> None:
    dsr = verified("objection", customer=customer_a, details="Stop analysing my usage.")
    with pytest.raises(WorkflowError, match="Record the decision"):
        request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW)
    with pytest.raises(WorkflowError, match="grounds"):
        request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW, decision=decision, grounds=" ")
    grounds = "Usage analytics are aggregated and needed for security monitoring."
    assert request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW + days(3), decision=decision,
                          grounds=grounds).completed
    dsr.refresh_from_db()
    assert dsr.decision == decision and dsr.decision_grounds == grounds
    body = mail.outbox[-1].body
    assert grounds in body
    assert says in body and "ANSPDCP" in body
    assert dsr.events.get(kind="decision").actor_label == "priya"


def test_an_upheld_objection_unlinks_the_subjects_analytics(customer_a: Customer, customer_b: Customer,  # type: ignore[no-untyped-def]
                                                            verified, privacy_officer) -> None:
    from retention.models_events import UsageEvent

    for who in (customer_a, customer_b):
        UsageEvent.objects.create(occurred_at=NOW - days(3), customer=who, kind="feature", name="import",
                                  ip="192.0.2.0", device_id="dev-1")
    dsr = verified("objection", customer=customer_a)
    request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW, decision="upheld",
                   grounds="No compelling grounds: analytics are not needed for the service.")
    assert not UsageEvent.objects.filter(customer=customer_a).exists()
    assert UsageEvent.objects.filter(customer=customer_b).count() == 1  # only hers
    assert UsageEvent.objects.filter(customer=None, anonymised=True, ip=None, device_id="").count() == 1
    assert dsr.events.get(kind="effect").data == {"usage_analytics": 1}
