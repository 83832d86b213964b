"""ID documents are encrypted at rest (§6.1, §7.10): the raw database column, read with SQL
and not through the model, holds a Fernet token — never the image — that only
FIELD_ENCRYPTION_KEY opens.

Fernet is AES-128-CBC with HMAC-SHA256; §6.1 says "AES-256 encryption for stored data", which
for the database as a whole is the storage's encryption (SECURITY.md, "what remains
organisational")."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Customer
from dsar.intake import Submission, request_submit
from dsar.links import request_identity_document
from dsar.models import IdentityDocument

from .conftest import png


@pytest.fixture(autouse=True)
def _links(settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://privacy.test"


def test_an_uploaded_id_is_a_fernet_token_in_the_raw_column(customer_a: Customer, privacy_officer: Any,
                                                           settings: Any) -> None:
    now = timezone.now()
    dsr = request_submit(submission=Submission(type="access", email=customer_a.email, channel="api",
                                               received_at=now, customer=customer_a), actor="test", now=now)
    path = request_identity_document(dsr=dsr, actor=privacy_officer, now=now).removeprefix("https://privacy.test")
    image = png()
    upload = Client().post(path, {"document": _named(image, "passport.png")})
    assert upload.status_code == 200, upload.content[:300]

    doc = IdentityDocument.objects.get(request=dsr)
    with connection.cursor() as cursor:
        cursor.execute("SELECT ciphertext FROM dsar_identitydocument WHERE id = %s", [doc.pk])
        (raw,) = cursor.fetchone()
    raw = bytes(raw)
    assert image not in raw and b"\x89PNG" not in raw and b"IHDR" not in raw
    token = base64.urlsafe_b64decode(raw)
    assert token[0] == 0x80, "a Fernet token (version byte 0x80)"
    assert Fernet(settings.FIELD_ENCRYPTION_KEY.encode()).decrypt(raw) == image
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(raw)
    # Nothing else in the row (or the request's timeline) carries the picture or its file name.
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(d)::text FROM dsar_identitydocument d WHERE id = %s", [doc.pk])
        (row,) = cursor.fetchone()
        cursor.execute("SELECT string_agg(data::text, ' ') FROM dsar_requestevent WHERE request_id = %s", [dsr.pk])
        (events,) = cursor.fetchone()
    assert "passport.png" not in row and "passport.png" not in (events or "")


def _named(content: bytes, name: str) -> Any:
    f = io.BytesIO(content)
    f.name = name
    return f
