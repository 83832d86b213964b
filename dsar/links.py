"""Single-use signed email links (§7.10): "confirmation from the email address associated
with your account", and the links to upload a government ID or an agent's signed permission.

A link carries a random nonce signed with ``django.core.signing`` (timestamped, so it
expires); the nonce's row has ``used_at``, claimed by a conditional UPDATE, so a second use
fails even if two clicks race. A forged, expired or reused link changes nothing.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db import transaction

from . import conf
from .models import DataSubjectRequest, IdentityDocument, RequestEvent, Status, VerificationToken
from .services import (
    WorkflowError,
    request_mark_identity_verified,
    request_move,
)
from .timeline import Actor, record, subject_address, tell
from .vault import Checked, document_store

Purpose = VerificationToken.Purpose
_SALT = "dsar.link"


class LinkInvalid(Exception):
    """Forged, unknown, expired or already used (``reason`` says which)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    MESSAGES = {
        "en": {"invalid": "This link is not valid.",
               "expired": "This link has expired. Ask us for a new one.",
               "used": "This link has already been used.",
               "closed": "This request is closed."},
        "ro": {"invalid": "Acest link nu este valid.",
               "expired": "Acest link a expirat. Cereți-ne unul nou.",
               "used": "Acest link a fost deja folosit.",
               "closed": "Această cerere este închisă."},
    }

    def message(self, language: str = "en") -> str:
        return self.MESSAGES.get(language, self.MESSAGES["en"])[self.reason]


def _max_age(purpose: str) -> int:
    if purpose == Purpose.CONFIRM_EMAIL:
        return conf.verification_link_max_age_seconds()
    return conf.upload_link_max_age_seconds()


def link_issue(*, dsr: DataSubjectRequest, purpose: str, now: datetime) -> str:
    nonce = secrets.token_urlsafe(24)
    VerificationToken.objects.create(request=dsr, purpose=purpose, nonce=nonce, created_at=now,
                                     expires_at=now + timedelta(seconds=_max_age(purpose)))
    return signing.dumps({"n": nonce, "p": purpose}, salt=_SALT)


def link_url(token: str, purpose: str) -> str:
    path = "confirm" if purpose == Purpose.CONFIRM_EMAIL else "upload"
    return f"{conf.public_base_url()}/dsar/{path}/{token}/"


def link_check(*, token: str, purpose: str, now: datetime) -> VerificationToken:
    """The link's row if it is genuine, unexpired, unused and its request open; else LinkInvalid."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=_max_age(purpose))
    except signing.SignatureExpired:
        raise LinkInvalid("expired") from None
    except signing.BadSignature:
        raise LinkInvalid("invalid") from None
    if not isinstance(data, dict) or data.get("p") != purpose or not isinstance(data.get("n"), str):
        raise LinkInvalid("invalid")
    row = VerificationToken.objects.select_related("request", "request__customer").filter(
        nonce=data["n"], purpose=purpose).first()
    if row is None:
        raise LinkInvalid("invalid")
    if row.used_at is not None:
        raise LinkInvalid("used")
    if row.expires_at <= now:
        raise LinkInvalid("expired")
    if not row.request.is_open:
        raise LinkInvalid("closed")
    return row


def _claim(row: VerificationToken, now: datetime) -> None:
    if not VerificationToken.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
        raise LinkInvalid("used")


def confirm_identity(*, token: str, now: datetime) -> DataSubjectRequest:
    """The requester clicked the link sent to the account's address: identity confirmed."""
    with transaction.atomic():
        row = link_check(token=token, purpose=Purpose.CONFIRM_EMAIL, now=now)
        _claim(row, now)
        return request_mark_identity_verified(
            dsr=row.request, method=DataSubjectRequest.VerificationMethod.EMAIL_LINK,
            actor="requester (email link)", now=now)


def upload_document(*, token: str, checked: Checked, now: datetime) -> IdentityDocument:
    """An ID (or an agent's signed permission) arrives through its single-use link."""
    with transaction.atomic():
        purpose = _purpose_of(token)
        row = link_check(token=token, purpose=purpose, now=now)
        _claim(row, now)
        kind = (IdentityDocument.Kind.GOVERNMENT_ID if purpose == Purpose.UPLOAD_ID
                else IdentityDocument.Kind.AGENT_PERMISSION)
        who = "requester (upload link)" if kind == IdentityDocument.Kind.GOVERNMENT_ID else "agent (upload link)"
        return document_store(dsr=row.request, kind=kind, checked=checked, actor=who, now=now)


def _purpose_of(token: str) -> str:
    try:
        data: Any = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        raise LinkInvalid("invalid") from None
    purpose = data.get("p") if isinstance(data, dict) else None
    if purpose not in (Purpose.UPLOAD_ID, Purpose.UPLOAD_AGENT_PERMISSION):
        raise LinkInvalid("invalid")
    return str(purpose)


def upload_purpose(token: str) -> str:
    return _purpose_of(token)


def send_confirmation_link(*, dsr: DataSubjectRequest, actor: Actor, now: datetime,
                           kind: str = "request_received") -> None:
    """Ask the subject to confirm from the account's address; the request awaits it."""
    if dsr.status == Status.RECEIVED:
        request_move(dsr=dsr, to=Status.AWAITING_VERIFICATION, actor=actor, now=now,
                     reason="confirmation link sent to the account's email address")
    token = link_issue(dsr=dsr, purpose=Purpose.CONFIRM_EMAIL, now=now)
    tell(dsr=dsr, kind=kind, now=now, actor=actor, to_email=subject_address(dsr),
         dedupe=f"{kind}:{now.isoformat()}", context={"confirm_url": link_url(token, Purpose.CONFIRM_EMAIL),
                                                     "needs_confirmation": True})


def request_identity_document(*, dsr: DataSubjectRequest, actor: Actor, now: datetime,
                              note: str = "") -> str:
    """Staff ask for a government ID, front side only (§7.10)."""
    if not dsr.is_open:
        raise WorkflowError("This request is closed.")
    if dsr.status == Status.RECEIVED:
        request_move(dsr=dsr, to=Status.AWAITING_VERIFICATION, actor=actor, now=now,
                     reason="government ID requested")
    token = link_issue(dsr=dsr, purpose=Purpose.UPLOAD_ID, now=now)
    url = link_url(token, Purpose.UPLOAD_ID)
    record(dsr=dsr, kind=RequestEvent.Kind.ID_REQUESTED, actor=actor, now=now, reason=note)
    tell(dsr=dsr, kind="request_identity_document", now=now, actor=actor,
         to_email=subject_address(dsr), dedupe=f"id:{now.isoformat()}",
         context={"upload_url": url, "note": note,
                  "max_mb": conf.identity_document_max_bytes() // (1024 * 1024)})
    return url


def send_agent_permission_link(*, dsr: DataSubjectRequest, actor: Actor, now: datetime) -> str:
    """§8.1: the authorized agent uploads the subject's signed permission."""
    token = link_issue(dsr=dsr, purpose=Purpose.UPLOAD_AGENT_PERMISSION, now=now)
    url = link_url(token, Purpose.UPLOAD_AGENT_PERMISSION)
    tell(dsr=dsr, kind="request_agent_received", now=now, actor=actor, to_email=dsr.agent_email,
         dedupe=f"agent:{now.isoformat()}",
         context={"upload_url": url, "max_mb": conf.identity_document_max_bytes() // (1024 * 1024)})
    return url
