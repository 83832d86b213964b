"""Delivering a package: an expiring link in the answer email and in the portal, a short-lived
S3 link behind it, every download on the timeline, and the purge when it expires."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core import signing

from micropim_privacy.aws import s3_client

from .. import conf
from ..models import AccessPackage, DataSubjectRequest, RequestEvent
from ..rights import Family
from ..services import request_close
from ..timeline import Actor, record

log = logging.getLogger(__name__)
_SALT = "dsar.package"


class PackageUnavailable(Exception):
    """Unknown, forged, expired or purged (the view answers 404 / 410)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def download_token(package: AccessPackage) -> str:
    return signing.dumps({"p": str(package.public_id)}, salt=_SALT)


def download_url(package: AccessPackage) -> str:
    return f"{conf.public_base_url()}/dsar/packages/{download_token(package)}/"


def package_from_token(token: str, *, now: datetime) -> AccessPackage:
    try:
        data = signing.loads(token, salt=_SALT, max_age=conf.package_ttl_seconds())
    except signing.SignatureExpired:
        raise PackageUnavailable("expired") from None
    except signing.BadSignature:
        raise PackageUnavailable("invalid") from None
    package = AccessPackage.objects.select_related("request", "request__customer").filter(
        public_id=data.get("p") if isinstance(data, dict) else None).first()
    if package is None:
        raise PackageUnavailable("invalid")
    if not package.is_downloadable(now):
        raise PackageUnavailable("expired")
    return package


def presigned_download(*, package: AccessPackage, actor: Actor, now: datetime) -> str:
    """A link to S3 valid for minutes; the download is recorded on the timeline."""
    record(dsr=package.request, kind=RequestEvent.Kind.PACKAGE, actor=actor, now=now,
           reason="package downloaded", package=str(package.public_id))
    filename = f"micropim-data-{str(package.request.public_id)[:8]}.zip"
    return str(s3_client().generate_presigned_url(
        "get_object",
        Params={"Bucket": conf.export_bucket(), "Key": package.s3_key,
                "ResponseContentDisposition": f'attachment; filename="{filename}"'},
        ExpiresIn=conf.presigned_url_seconds(),
    ))


def package_deliver(*, package: AccessPackage, now: datetime) -> DataSubjectRequest:
    """The answer: completed, with the link and the date it stops working."""
    dsr = DataSubjectRequest.objects.select_related("customer").get(pk=package.request_id)
    if not dsr.is_open or dsr.right.family != Family.ACCESS:
        return dsr  # withdrawn or refused while it was building: nothing to send
    total = sum(int(v) for v in (package.counts or {}).values())
    return request_close(
        dsr=dsr, actor="system", now=now,
        answer=f"Access package ready: {total} records in JSON, CSV and XML, with the Art. 15 "
               f"cover letter; link valid until {package.expires_at:%Y-%m-%d %H:%M} UTC.",
        context={"download_url": download_url(package), "expires_at": package.expires_at,
                 "counts": package.counts},
    )


def package_purge(*, package: AccessPackage, now: datetime) -> bool:
    """Delete the zip from S3 and mark the package purged (idempotent)."""
    if package.state == AccessPackage.State.PURGED:
        return False
    if package.s3_key:
        s3: Any = s3_client()
        s3.delete_object(Bucket=conf.export_bucket(), Key=package.s3_key)
    AccessPackage.objects.filter(pk=package.pk).update(state=AccessPackage.State.PURGED, purged_at=now)
    record(dsr=package.request, kind=RequestEvent.Kind.PACKAGE, actor="system", now=now,
           reason="package expired and purged", package=str(package.public_id))
    return True
