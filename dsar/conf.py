"""Settings of the dsar app, read at call time so tests can override them.

None of these is a legal period (those live only in ``micropim_privacy.policy.Deadlines``):
they are link lifetimes, size limits and operational windows.
"""

from __future__ import annotations

from django.conf import settings


def public_base_url() -> str:
    """Absolute base for links in emails (verification, ID upload, package download)."""
    return str(getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def verification_link_max_age_seconds() -> int:
    """How long an emailed identity-confirmation link works (single use)."""
    return int(getattr(settings, "DSAR_VERIFICATION_LINK_MAX_AGE_SECONDS", 7 * 24 * 3600))


def upload_link_max_age_seconds() -> int:
    """How long a link to upload an ID (or an agent's signed permission) works (single use)."""
    return int(getattr(settings, "DSAR_UPLOAD_LINK_MAX_AGE_SECONDS", 14 * 24 * 3600))


def identity_document_max_bytes() -> int:
    """Largest accepted ID image (front side only, §7.10)."""
    return int(getattr(settings, "DSAR_ID_MAX_BYTES", 5 * 1024 * 1024))


def package_ttl_seconds() -> int:
    """How long an access package stays downloadable before the purge job removes it."""
    return int(getattr(settings, "DSAR_PACKAGE_TTL_SECONDS", 30 * 24 * 3600))


def presigned_url_seconds() -> int:
    """Life of the S3 link a download redirects to (the emailed link is ours, not S3's)."""
    return int(getattr(settings, "DSAR_PRESIGNED_URL_SECONDS", 300))


def package_include_objects() -> bool:
    """Copy the customer's uploaded files into the package (not only their listing)."""
    return bool(getattr(settings, "DSAR_PACKAGE_INCLUDE_OBJECTS", True))


def package_max_object_bytes() -> int:
    """Above this total the uploaded files are listed but not copied (the listing says so)."""
    return int(getattr(settings, "DSAR_PACKAGE_MAX_OBJECT_BYTES", 10 * 1024**3))


def package_stuck_after_seconds() -> int:
    """A package still "building" this long after it started belongs to a dead worker."""
    return int(getattr(settings, "DSAR_PACKAGE_STUCK_AFTER_SECONDS", 3600))


def due_soon_days() -> int:
    """The officer's badge and digest: "due this week" means due within this many days."""
    return int(getattr(settings, "DSAR_DUE_SOON_DAYS", 7))


def export_bucket() -> str:
    return str(settings.S3_EXPORT_BUCKET)
