"""Every write to the breach register: intake, triage, the register entry, reports to ANSPDCP.

Typed keyword-only functions, atomic, with the time as an argument. Bad input raises a Django
``ValidationError`` keyed by field (the API turns it into a 400, the admin into form errors)
before anything is written; a state that forbids the change raises ``Conflict`` (409).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from accounts.models import ApiClient
from micropim_privacy.api_errors import Conflict
from micropim_privacy.policy import CATEGORIES_BY_KEY

from . import clock, conf
from .document import art33_content
from .models import AuthorityReport, Breach, SecurityReport

# The register entry's editable facts (Art. 33(5)); everything else is derived or recorded.
BREACH_FIELDS = (
    "title", "occurred_at", "discovered_at", "detected_by", "nature", "confidentiality",
    "integrity", "availability", "data_categories", "data_categories_note", "subject_categories",
    "approx_subjects", "approx_records", "likely_consequences", "measures_taken",
    "measures_proposed", "contact_point", "risk_level", "risk_reasoning",
)
# Art. 33(3): what a notification to ANSPDCP must describe, at least as far as known.
ART_33_3_FIELDS = ("nature", "subject_categories", "likely_consequences", "measures_taken",
                   "contact_point")
_NULLABLE = ("occurred_at", "approx_subjects", "approx_records")
_INTAKE_LOCK = 0x4D50534552  # "MPSER": serialises the public intake's rate-limit check


class RateLimited(Exception):
    """Too many public reports; ``retry_after`` seconds until one more is accepted."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many reports; please try again later.")
        self.retry_after = retry_after


# ---------------------------------------------------------------------------
# Rules shared by the API and the admin (they call these before anything is written)
# ---------------------------------------------------------------------------


def breach_errors(values: Mapping[str, Any], *, now: datetime) -> dict[str, list[str]]:
    """What is wrong with these register facts as of ``now`` (empty when all is well)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    discovered, occurred = values.get("discovered_at"), values.get("occurred_at")
    if discovered is not None and discovered > now:
        add("discovered_at", "A breach cannot be discovered in the future.")
    if occurred is not None:
        if occurred > now:
            add("occurred_at", "A breach cannot occur in the future.")
        elif discovered is not None and occurred > discovered:
            add("occurred_at", "A breach cannot occur after it was discovered.")
    for name in ("approx_subjects", "approx_records"):
        count = values.get(name)
        if count is not None and count < 0:
            add(name, "A number of people or records cannot be negative.")
    unknown = [k for k in values.get("data_categories") or [] if k not in CATEGORIES_BY_KEY]
    if unknown:
        add("data_categories", f"Not a data category of the policy registry: {', '.join(map(str, unknown))}.")
    risk = values.get("risk_level", Breach.Risk.UNASSESSED)
    if risk != Breach.Risk.UNASSESSED and not str(values.get("risk_reasoning") or "").strip():
        add("risk_reasoning", "A risk assessment needs its reasoning.")
    return errors


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------------------
# Security reports (§14.4)
# ---------------------------------------------------------------------------


def source_hash(ip: str | None) -> str:
    """A keyed hash of the sender's address: enough to rate-limit, useless to identify."""
    if not ip:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()


def _check_public_rate(*, source: str, now: datetime) -> None:
    window = now - timedelta(hours=1)
    recent = SecurityReport.objects.filter(channel=SecurityReport.Channel.PUBLIC, received_at__gt=window)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_INTAKE_LOCK])
    full = recent.count() >= conf.PUBLIC_REPORTS_PER_HOUR
    mine = recent.filter(source_hash=source)
    if full or (source and mine.count() >= conf.PUBLIC_REPORTS_PER_SOURCE_PER_HOUR):
        oldest = (recent if full else mine).order_by("received_at").values_list("received_at", flat=True).first()
        wait = (oldest + timedelta(hours=1) - now).total_seconds() if oldest else 3600
        raise RateLimited(retry_after=max(1, int(wait) + 1))


def _new_reference(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5).upper()}"


@transaction.atomic
def security_report_submit(
    *,
    channel: str,
    summary: str,
    details: str,
    now: datetime,
    reporter_name: str = "",
    reporter_email: str = "",
    occurred_at: datetime | None = None,
    personal_data_involved: bool | None = None,
    api_client: ApiClient | None = None,
    entered_by: AbstractBaseUser | None = None,
    source_ip: str | None = None,
) -> SecurityReport:
    """Take in a report. Officers are alerted after commit (and by the job, should that fail)."""
    if occurred_at is not None and occurred_at > now:
        raise ValidationError({"occurred_at": ["Cannot be in the future."]})
    source = source_hash(source_ip) if channel == SecurityReport.Channel.PUBLIC else ""
    if channel == SecurityReport.Channel.PUBLIC:
        _check_public_rate(source=source, now=now)
    report = SecurityReport(
        channel=channel, summary=summary, details=details, received_at=now,
        reporter_name=reporter_name, reporter_email=reporter_email, occurred_at=occurred_at,
        personal_data_involved=personal_data_involved, api_client=api_client,
        entered_by=entered_by, source_hash=source,
    )
    for _attempt in range(5):
        report.reference = _new_reference("SR")
        try:
            with transaction.atomic():
                report.full_clean()
                report.save()
            break
        except IntegrityError:  # a reference collision: draw again
            report.pk = None
    else:  # pragma: no cover — 5 collisions in 2**40
        raise RuntimeError("could not allocate a report reference")

    from .alerts import alert_officers_of_report  # late: alerts renders emails via accounts

    transaction.on_commit(lambda: alert_officers_of_report(report_id=report.pk, now=now))
    return report


@transaction.atomic
def security_report_triage(
    *, report: SecurityReport, status: str, note: str, actor: AbstractBaseUser, now: datetime
) -> SecurityReport:
    """Close a report as not a breach or a duplicate (a breach is recorded with ``breach_create``)."""
    report = SecurityReport.objects.select_for_update().get(pk=report.pk)
    if status not in (SecurityReport.Status.NOT_A_BREACH, SecurityReport.Status.DUPLICATE,
                      SecurityReport.Status.NEW):
        raise ValidationError({"status": ["Record the breach from the report instead."]})
    if report.status == SecurityReport.Status.BREACH:
        raise Conflict("This report is already recorded as a breach.")
    if status != SecurityReport.Status.NEW and not note.strip():
        raise ValidationError({"triage_note": ["Say why (it is kept as Art. 33(5) documentation)."]})
    report.status, report.triage_note = status, note
    report.triaged_by, report.triaged_at = actor, now  # type: ignore[assignment]
    report.save(update_fields=["status", "triage_note", "triaged_by", "triaged_at"])
    return report


# ---------------------------------------------------------------------------
# The register entry
# ---------------------------------------------------------------------------


def _apply(breach: Breach, fields: Mapping[str, Any], *, actor: AbstractBaseUser | None,
           now: datetime) -> None:
    unknown = sorted(set(fields) - set(BREACH_FIELDS))
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in unknown})
    risk_before = (breach.risk_level, breach.risk_reasoning)
    for name, value in fields.items():
        setattr(breach, name, "" if value is None and name not in _NULLABLE else value)
    values = {name: getattr(breach, name) for name in BREACH_FIELDS}
    _raise_if(breach_errors(values, now=now))
    breach.authority_deadline_at = clock.authority_deadline(breach.discovered_at)
    if (breach.risk_level, breach.risk_reasoning) != risk_before:
        breach.risk_assessed_at, breach.risk_assessed_by = now, actor  # type: ignore[assignment]
    if breach.risk_level == Breach.Risk.UNASSESSED:
        breach.risk_assessed_at, breach.risk_assessed_by = None, None
    breach.full_clean(exclude=["reference"])


@transaction.atomic
def breach_create(
    *,
    fields: Mapping[str, Any],
    actor: AbstractBaseUser | None,
    now: datetime,
    source_report: SecurityReport | None = None,
) -> Breach:
    """Record a breach in the register (Art. 33(5)); the 72-hour deadline is stored with it."""
    breach = Breach(recorded_at=now, recorded_by=actor, contact_point=conf.CONTACT_POINT)
    _apply(breach, fields, actor=actor, now=now)
    report = None
    if source_report is not None:
        report = SecurityReport.objects.select_for_update().get(pk=source_report.pk)
        if report.status != SecurityReport.Status.NEW:
            raise Conflict(f"Report {report.reference} is already triaged ({report.get_status_display()}).")
    breach.reference = _new_reference("TMP")
    breach.save()
    # A readable, gap-tolerant reference: the year of discovery and the row number.
    breach.reference = f"BR-{clock.local(breach.discovered_at):%Y}-{breach.pk:04d}"
    breach.save(update_fields=["reference"])
    if report is not None:
        report.status, report.breach = SecurityReport.Status.BREACH, breach
        report.triaged_by, report.triaged_at = actor, now  # type: ignore[assignment]
        report.save(update_fields=["status", "breach", "triaged_by", "triaged_at"])
    return breach


@transaction.atomic
def breach_update(
    *, breach: Breach, fields: Mapping[str, Any], actor: AbstractBaseUser | None, now: datetime
) -> Breach:
    """Correct or complete the register entry; a new risk assessment records who and when."""
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if ("discovered_at" in fields and fields["discovered_at"] != breach.discovered_at
            and breach.authority_notified_at is not None):
        raise Conflict("ANSPDCP was already notified: the discovery time cannot change now. "
                       "Record a follow-up report with the correction instead.")
    _apply(breach, fields, actor=actor, now=now)
    breach.save()
    return breach


# ---------------------------------------------------------------------------
# Reports to the supervisory authority (§6.4; Art. 33(1), 33(4))
# ---------------------------------------------------------------------------


def authority_report_errors(
    breach: Breach, *, notified_at: datetime, late_reason: str, now: datetime
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    missing = [name for name in ART_33_3_FIELDS if not str(getattr(breach, name) or "").strip()]
    if missing:
        errors["breach"] = ["Complete the register entry first; Art. 33(3) asks for: "
                            f"{', '.join(missing)} (write what is known so far — Art. 33(4))."]
    if notified_at > now:
        errors["notified_at"] = ["Cannot be in the future: record a report once it is made."]
    elif notified_at < breach.discovered_at:
        errors["notified_at"] = ["Cannot be before the breach was discovered."]
    initial = breach.authority_reports.filter(kind=AuthorityReport.Kind.INITIAL).first()
    if initial is None:
        if clock.is_late(breach.authority_deadline_at, notified_at) and not late_reason.strip():
            errors["late_reason"] = [
                "ANSPDCP was notified after the 72-hour deadline "
                f"({clock.format_local(breach.authority_deadline_at)}): the reasons for the "
                "delay are required (GDPR Art. 33(1))."
            ]
    elif notified_at < initial.notified_at:
        errors["notified_at"] = ["A follow-up cannot precede the initial notification."]
    return errors


@transaction.atomic
def authority_report_record(
    *,
    breach: Breach,
    notified_at: datetime,
    method: str,
    reference: str,
    actor: AbstractBaseUser | None,
    now: datetime,
    late_reason: str = "",
    notes: str = "",
) -> AuthorityReport:
    """Record that ANSPDCP was told: the first report is the initial one and stops the clock."""
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    errors = authority_report_errors(breach, notified_at=notified_at, late_reason=late_reason, now=now)
    if not reference.strip():
        errors["reference"] = ["ANSPDCP's registration number is required."]
    _raise_if(errors)
    initial = not breach.authority_reports.filter(kind=AuthorityReport.Kind.INITIAL).exists()
    report = AuthorityReport(
        breach=breach,
        kind=AuthorityReport.Kind.INITIAL if initial else AuthorityReport.Kind.FOLLOW_UP,
        notified_at=notified_at, method=method, reference=reference.strip(),
        late_reason=late_reason.strip(), notes=notes.strip(), recorded_at=now, recorded_by=actor,
    )
    report.full_clean(exclude=["snapshot"])
    report.snapshot = art33_content(breach, report=report)
    report.save()
    if initial:
        breach.authority_notified_at = notified_at
        breach.save(update_fields=["authority_notified_at", "updated_at"])
    return report

