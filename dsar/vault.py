"""Identity-verification material (§7.10): encrypted at rest, shown only to privacy officers,
every view logged, deleted when the request closes — and the deletion recorded.

Encryption is Fernet (AES-128-CBC + HMAC-SHA256) with ``settings.FIELD_ENCRYPTION_KEY``
(a url-safe base64 32-byte key). A document is at most a few MB (``conf``), so it is
encrypted in memory and kept in the database, never on a disk or in S3 in the clear.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.access_log import record_access
from accounts.models import AccessLogEntry
from accounts.selectors import active_legal_holds
from retention.models import LegalHold

from . import conf
from .models import DataSubjectRequest, IdentityDocument, RequestEvent
from .timeline import Actor, record

log = logging.getLogger(__name__)

CATEGORY_KEY = "identity_verification"
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class UploadRefused(Exception):
    """The file is not acceptable; nothing was stored. ``code``: too_large, not_image, empty."""

    MESSAGES = {
        "en": {"too_large": "The file is too large: at most {mb} MB.",
               "not_image": "The file is not an image (JPEG, PNG or WebP).",
               "empty": "The file is empty. Choose a file to upload."},
        "ro": {"too_large": "Fișierul este prea mare: cel mult {mb} MB.",
               "not_image": "Fișierul nu este o imagine (JPEG, PNG sau WebP).",
               "empty": "Fișierul este gol. Alegeți un fișier de încărcat."},
    }

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def message(self, language: str = "en") -> str:
        table = self.MESSAGES.get(language, self.MESSAGES["en"])
        return table[self.code].format(mb=conf.identity_document_max_bytes() // (1024 * 1024))


def _fernet() -> Fernet:
    return Fernet(settings.FIELD_ENCRYPTION_KEY.encode())


def encrypt(plain: bytes) -> bytes:
    return _fernet().encrypt(plain)


def decrypt(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken as exc:  # a wrong key, or tampered bytes
        raise ValueError("identity document cannot be decrypted with FIELD_ENCRYPTION_KEY") from exc


@dataclass(frozen=True)
class Checked:
    content: bytes
    content_type: str


def check_upload(upload: Any, *, kind: str) -> Checked:
    """An image (JPEG/PNG/WebP) of at most ``conf.identity_document_max_bytes``; a signed
    permission may also be a PDF. The content decides, never the file name or its header."""
    limit = conf.identity_document_max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UploadRefused("too_large")
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise UploadRefused("too_large")
    if not content:
        raise UploadRefused("empty")
    if kind == IdentityDocument.Kind.AGENT_PERMISSION and content.startswith(b"%PDF-"):
        return Checked(content, "application/pdf")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            fmt = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRefused("not_image") from None
    if fmt not in IMAGE_FORMATS:
        raise UploadRefused("not_image")
    return Checked(content, IMAGE_FORMATS[fmt])


def document_store(*, dsr: DataSubjectRequest, kind: str, checked: Checked, actor: Actor,
                   now: datetime) -> IdentityDocument:
    with transaction.atomic():
        doc = IdentityDocument.objects.create(
            request=dsr, customer=dsr.customer, kind=kind, content_type=checked.content_type,
            size_bytes=len(checked.content), ciphertext=encrypt(checked.content), uploaded_at=now,
        )
        record(dsr=dsr, kind=RequestEvent.Kind.ID_UPLOADED, actor=actor, now=now,
               document=doc.pk, document_kind=kind, size_bytes=doc.size_bytes)
    return doc


def document_read(*, doc: IdentityDocument, viewer: Any, now: datetime,
                  request: HttpRequest | None = None) -> bytes:
    """The plaintext, for a privacy officer's eyes; the view goes to the access log and timeline."""
    if not viewer.has_perm("dsar.view_identitydocument"):
        raise PermissionError("only privacy officers may see identity documents")
    plain = decrypt(doc.ciphertext)
    record_access(actor=viewer, action=AccessLogEntry.Action.VIEW, object_type="dsar.identitydocument",
                  object_id=str(doc.pk), subject_ref=doc.request.subject_ref, request=request)
    record(dsr=doc.request, kind=RequestEvent.Kind.ID_VIEWED, actor=viewer, now=now, document=doc.pk)
    return plain


def is_held(dsr: DataSubjectRequest) -> bool:
    """§5.5: a legal hold on the subject (all categories or this one) keeps the material."""
    scope = Q(category_key="") | Q(category_key=CATEGORY_KEY)
    if dsr.customer is None:
        return LegalHold.objects.filter(scope, lifted_at__isnull=True, customer__isnull=True).exists()
    return active_legal_holds(dsr.customer).filter(scope).exists()


def documents_delete(*, dsr: DataSubjectRequest, actor: Actor, now: datetime, why: str) -> int:
    """Delete a closed request's identity material, recording each deletion. Returns the count."""
    if is_held(dsr):
        return 0
    return documents_delete_rows(IdentityDocument.objects.filter(request=dsr), actor=actor, why=why,
                                 now=now)


def documents_delete_rows(queryset: QuerySet[IdentityDocument], *, actor: Actor, why: str,
                          now: datetime | None = None) -> int:
    """Delete these documents, one timeline line each, in one transaction."""
    when = now or timezone.now()
    deleted = 0
    with transaction.atomic():
        for doc in queryset.select_for_update().select_related("request").order_by("pk"):
            record(dsr=doc.request, kind=RequestEvent.Kind.ID_DELETED, actor=actor, now=when, reason=why,
                   document=doc.pk, document_kind=doc.kind, size_bytes=doc.size_bytes)
            IdentityDocument.objects.filter(pk=doc.pk).delete()
            deleted += 1
    if deleted:
        log.info("deleted %s identity document(s)", deleted)
    return deleted
