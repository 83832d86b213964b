"""Signed links in emails: newsletter confirmation (expiring) and one-click unsubscribe.

Both are signed with SECRET_KEY (``django.core.signing``) and carry no address in clear.
A confirmation link names a subscription and the nonce of one signup, and expires
(``conf.confirmation_max_age_seconds``). An unsubscribe link never expires: it must keep
working for as long as anyone may still read the email (CAN-SPAM asks at least 30 days).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from . import conf

_CONFIRM_SALT = "consent.newsletter.confirm"
_UNSUBSCRIBE_SALT = "consent.marketing.unsubscribe"


class InvalidLink(Exception):
    """Forged, altered or expired. ``expired`` tells which, for a helpful page."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def confirmation_token(*, subscription_id: int, nonce: str) -> str:
    return signing.TimestampSigner(salt=_CONFIRM_SALT).sign(f"{subscription_id}.{nonce}")


def read_confirmation_token(token: str) -> tuple[int, str]:
    signer = signing.TimestampSigner(salt=_CONFIRM_SALT)
    try:
        value = signer.unsign(token, max_age=conf.confirmation_max_age_seconds())
    except signing.SignatureExpired as exc:
        raise InvalidLink(expired=True) from exc
    except signing.BadSignature as exc:
        raise InvalidLink(expired=False) from exc
    pk, _, nonce = value.partition(".")
    if not pk.isdigit() or not nonce:
        raise InvalidLink(expired=False)
    return int(pk), nonce


@dataclass(frozen=True)
class Recipient:
    email_hash: str
    customer_id: int | None


def unsubscribe_token(*, email_hash: str, customer_id: int | None) -> str:
    return signing.dumps({"h": email_hash, "c": customer_id}, salt=_UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> Recipient:
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise InvalidLink(expired=False) from exc
    if not isinstance(data, dict) or not isinstance(data.get("h"), str):
        raise InvalidLink(expired=False)
    customer_id = data.get("c")
    return Recipient(email_hash=data["h"], customer_id=customer_id if isinstance(customer_id, int) else None)


def unsubscribe_url(token: str) -> str:
    return f"{conf.public_base_url()}/newsletter/unsubscribe/{token}/"


def confirmation_url(token: str) -> str:
    return f"{conf.public_base_url()}/newsletter/confirm/{token}/"
