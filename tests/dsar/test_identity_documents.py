"""§7.10: a government ID (front side only), uploaded through a single-use link, stored
encrypted, seen only by privacy officers (every view logged), deleted when the request
closes — the deletion recorded — and swept by a job if anything is left."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import call_command
from django.test import Client
from PIL import Image

from accounts.models import AccessLogEntry, Customer
from dsar.links import request_identity_document
from dsar.models import IdentityDocument, RequestEvent
from dsar.services import request_refuse, request_withdraw
from dsar.vault import decrypt
from micropim_privacy.policy import category
from retention.models import LegalHold
from tests.conftest import NOW

from .conftest import days, submit


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _upload(path: str, content: bytes, name: str = "id.png") -> object:
    return Client().post(path, {"document": _file(content, name)})


def _file(content: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


@pytest.fixture
def asked(customer_a: Customer, privacy_officer):  # type: ignore[no-untyped-def]
    dsr = submit("access", customer=customer_a)
    url = request_identity_document(dsr=dsr, actor=privacy_officer, now=NOW, note="")
    return dsr, url.removeprefix("https://privacy.test")


def test_an_uploaded_id_is_stored_encrypted(asked) -> None:  # type: ignore[no-untyped-def]
    dsr, path = asked
    image = png()
    assert Client().get(path).status_code == 200
    assert _upload(path, image).status_code == 200
    doc = IdentityDocument.objects.get(request=dsr)
    assert doc.customer_id == dsr.customer_id and doc.kind == "government_id"
    assert doc.content_type == "image/png" and doc.size_bytes == len(image)
    stored = bytes(doc.ciphertext)
    assert image not in stored and stored[:4] != image[:4]
    assert decrypt(stored) == image
    assert dsr.events.filter(kind="id_uploaded").count() == 1


@pytest.mark.parametrize(("content", "name", "status", "says"), [
    (b"%PDF-1.4 not an ID image", "id.pdf", 400, b'data-error="not_image"'),
    (b"just text pretending to be a png", "id.png", 400, b'data-error="not_image"'),
    (b"GIF89a" + b"\x00" * 20, "id.gif", 400, b'data-error="not_image"'),
    (b"", "empty.png", 400, b'data-error="empty"'),
])
def test_a_file_that_is_not_an_image_is_refused(asked, content: bytes, name: str, status: int,  # type: ignore[no-untyped-def]
                                                says: bytes) -> None:
    dsr, path = asked
    response = _upload(path, content, name)
    assert response.status_code == status
    assert says in response.content
    assert "Fișierul".encode() in response.content  # the requester's language (Romanian)
    assert not IdentityDocument.objects.exists()
    assert Client().get(path).status_code == 200  # the link still works: nothing was used up


def test_an_oversized_image_is_refused(asked, settings) -> None:  # type: ignore[no-untyped-def]
    dsr, path = asked
    over_default = b"\x89PNG\r\n\x1a\n" + os.urandom(5 * 1024 * 1024)  # the default limit is 5 MB
    response = _upload(path, over_default)
    assert response.status_code == 413 and b'data-error="too_large"' in response.content
    settings.DSAR_ID_MAX_BYTES = 2000
    noisy = Image.frombytes("RGB", (60, 60), os.urandom(60 * 60 * 3))
    out = io.BytesIO()
    noisy.save(out, format="PNG")
    assert len(out.getvalue()) > 2000
    assert _upload(path, out.getvalue()).status_code == 413
    assert not IdentityDocument.objects.exists()


def test_the_upload_link_works_once(asked) -> None:  # type: ignore[no-untyped-def]
    dsr, path = asked
    assert _upload(path, png()).status_code == 200
    again = _upload(path, png())
    assert again.status_code == 410
    assert IdentityDocument.objects.count() == 1


def test_only_privacy_officers_see_it_and_every_view_is_logged(asked, staff_client, privacy_officer,  # type: ignore[no-untyped-def]
                                                               support_agent, security_officer) -> None:
    dsr, path = asked
    _upload(path, png())
    doc = IdentityDocument.objects.get()
    url = f"/admin/dsar/datasubjectrequest/document/{doc.pk}/"
    for outsider in (support_agent, security_officer):
        assert staff_client(outsider).get(url).status_code == 403
        assert staff_client(outsider).get(f"/admin/dsar/datasubjectrequest/{dsr.pk}/change/").status_code == 403
    assert not AccessLogEntry.objects.filter(object_type="dsar.identitydocument").exists()
    response = staff_client(privacy_officer).get(url)
    assert response.status_code == 200
    assert response.content == png() and response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    entry = AccessLogEntry.objects.get(object_type="dsar.identitydocument")
    assert (entry.actor_label, entry.action, entry.object_id, entry.subject_ref) == (
        "priya", "view", str(doc.pk), "cus-a")
    assert dsr.events.filter(kind="id_viewed", actor_label="priya").count() == 1


@pytest.mark.parametrize("close", ["refuse", "withdraw"])
def test_closing_the_request_deletes_it_and_records_the_deletion(asked, privacy_officer, close: str) -> None:  # type: ignore[no-untyped-def]
    dsr, path = asked
    _upload(path, png())
    if close == "refuse":
        request_refuse(dsr=dsr, actor=privacy_officer, now=NOW + days(2), reason="Identity not established.")
    else:
        request_withdraw(dsr=dsr, actor=privacy_officer, now=NOW + days(2))
    assert not IdentityDocument.objects.exists()
    deleted = RequestEvent.objects.get(request=dsr, kind="id_deleted")
    assert deleted.at == NOW + days(2) and "§7.10" in deleted.reason
    assert deleted.data["document_kind"] == "government_id"


def test_a_legal_hold_keeps_it_and_the_sweep_deletes_it_once_lifted(asked, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    dsr, path = asked
    _upload(path, png())
    hold = LegalHold.objects.create(customer=dsr.customer, reason="Litigation", placed_by=privacy_officer)
    request_refuse(dsr=dsr, actor=privacy_officer, now=NOW + days(1), reason="Not verified.")
    assert IdentityDocument.objects.count() == 1  # §5.5: held
    call_command("run_privacy_jobs", as_of=NOW + days(2), only=["dsar_identity_documents_sweep"])
    assert IdentityDocument.objects.count() == 1
    hold.lifted_at = NOW + days(3)
    hold.save()
    call_command("run_privacy_jobs", as_of=NOW + days(4), dry_run=True, only=["dsar_identity_documents_sweep"])
    assert IdentityDocument.objects.count() == 1  # a dry run changes nothing
    call_command("run_privacy_jobs", as_of=NOW + days(4), only=["dsar_identity_documents_sweep"])
    assert not IdentityDocument.objects.exists()
    assert RequestEvent.objects.filter(request=dsr, kind="id_deleted", actor_label="system").count() == 1
    call_command("run_privacy_jobs", as_of=NOW + days(5), only=["dsar_identity_documents_sweep"])
    assert RequestEvent.objects.filter(request=dsr, kind="id_deleted").count() == 1  # idempotent


def test_the_registry_names_this_model_and_the_retention_purge_works_on_it(asked, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    from retention.purge import purge_category

    dsr, path = asked
    _upload(path, png())
    assert IdentityDocument.subject_rows(dsr.customer).count() == 1
    assert category("identity_verification").held_in == ("dsar.IdentityDocument",)
    assert purge_category(category=category("identity_verification"), as_of=NOW, dry_run=False)["deleted"] == 0
    # A request closed while its deletion failed half-way (simulated): the purge finishes the job.
    type(dsr).objects.filter(pk=dsr.pk).update(status="refused", refusal_reason="x", closed_at=NOW)
    counts = purge_category(category=category("identity_verification"), as_of=NOW + days(1), dry_run=False)
    assert counts["deleted"] == 1 and not IdentityDocument.objects.exists()
    assert RequestEvent.objects.filter(request=dsr, kind="id_deleted").count() == 1
