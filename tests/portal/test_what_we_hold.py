""""What we hold about you": every registry category with purpose, basis, retention, and the
subject's own next purge where it can be computed."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import Client
from django.utils import timezone

from micropim_privacy.policy import CATEGORIES, category
from portal.selectors import holdings
from portal.session import Subject
from retention.models import LegalHold, SupportTicket


def test_every_category_is_shown_with_its_purpose_basis_and_retention(customer_a, signed_in) -> None:  # type: ignore[no-untyped-def]
    client: Client = signed_in(customer_a.email)
    client.cookies["django_language"] = "en"
    html = client.get("/privacy/data/").content.decode()
    for c in CATEGORIES:
        assert f'id="cat-{c.key}"' in html
        assert c.purpose.replace("'", "&#x27;") in html
        assert c.retention_text in html.replace("&#x27;", "'")


def test_the_next_purge_counts_from_the_subjects_oldest_row(customer_a) -> None:  # type: ignore[no-untyped-def]
    resolved = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
    SupportTicket.objects.create(customer=customer_a, subject="Help", messages=[], opened_at=resolved,
                                 resolved_at=resolved)
    rows = {h.category.key: h for h in holdings(Subject(customer_a.email, customer_a, "email_link"))}
    tickets = rows["support_tickets"]
    assert tickets.records == 1
    assert tickets.next_purge == category("support_tickets").retention.after(resolved)  # type: ignore[union-attr]
    assert rows["account_profile"].after_deletion and rows["account_profile"].next_purge is None


def test_a_pending_deletion_shows_its_stored_due_date(customer_a) -> None:  # type: ignore[no-untyped-def]
    due = timezone.now().replace(microsecond=0) + timezone.timedelta(days=20)
    type(customer_a).objects.filter(pk=customer_a.pk).update(status="pending_deletion", deletion_due_at=due)
    customer_a.refresh_from_db()
    rows = {h.category.key: h for h in holdings(Subject(customer_a.email, customer_a, "password"))}
    assert rows["account_profile"].next_purge == due


def test_a_legal_hold_is_shown_instead_of_a_date(customer_a) -> None:  # type: ignore[no-untyped-def]
    LegalHold.objects.create(customer=customer_a, category_key="support_tickets", reason="dispute")
    rows = {h.category.key: h for h in holdings(Subject(customer_a.email, customer_a, "password"))}
    assert rows["support_tickets"].on_hold and not rows["email_correspondence"].on_hold


def test_romanian_page_translates_the_registry(customer_a, signed_in) -> None:  # type: ignore[no-untyped-def]
    client: Client = signed_in(customer_a.email)
    client.post("/privacy/language/", {"language": "ro", "next": "/privacy/data/"})
    html = client.get("/privacy/data/").content.decode()
    assert 'lang="ro"' in html
    assert "Ce deținem despre dumneavoastră" in html
    assert "Date de cont și de înregistrare" in html
    assert "Account and registration data" not in html
    customer_a.refresh_from_db()
    assert customer_a.language == "ro"  # the account's emails follow the chosen language


def test_the_complaint_authorities_and_contact_are_public(db: None) -> None:
    html = Client().get("/privacy/contact/").content.decode()
    assert "ANSPDCP" in html and "www.dataprotection.ro" in html
    assert "Information Commissioner" in html and "0303 123 1113" in html
    assert "privacy@micropim.net" in html and "Marmureanu Andrei" in html
