"""The notification to ANSPDCP: its content (GDPR Art. 33(3)) and the PDF made from it.

``art33_content`` is a plain, JSON-safe dict: an ``AuthorityReport`` keeps it as the snapshot
of what was sent, and the PDF is rendered from it, so a report's document can be produced
again, unchanged, after the register entry has moved on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from micropim_privacy.documents import render_pdf
from micropim_privacy.policy import CATEGORIES_BY_KEY, CONTROLLER, SUPERVISORY_AUTHORITY

from . import clock

if TYPE_CHECKING:
    from .models import AuthorityReport, Breach

TEMPLATE = "documents/breach_authority_notification.html"


def _count(value: int | None) -> str:
    return "not known yet" if value is None else f"approximately {value:,}".replace(",", " ")


def _report(report: AuthorityReport) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "kind_text": report.get_kind_display(),
        "notified_at": report.notified_at.isoformat(),
        "notified_at_text": clock.format_local(report.notified_at),
        "method": report.get_method_display(),
        "reference": report.reference,
        "late": clock.is_late(report.breach.authority_deadline_at, report.notified_at),
        "late_reason": report.late_reason,
        "notes": report.notes,
    }


def art33_content(breach: Breach, *, report: AuthorityReport | None = None) -> dict[str, Any]:
    """Everything Art. 33(3) asks for, plus the facts and the timing of this report."""
    types = [label for flag, label in ((breach.confidentiality, "Confidentiality breach"),
                                       (breach.integrity, "Integrity breach"),
                                       (breach.availability, "Availability breach")) if flag]
    categories = [
        f"{CATEGORIES_BY_KEY[k].name} (§{CATEGORIES_BY_KEY[k].section})" if k in CATEGORIES_BY_KEY else k
        for k in breach.data_categories
    ]
    earlier = [_report(r) for r in breach.authority_reports.order_by("notified_at", "id")
               if report is None or r.pk != report.pk]
    return {
        "breach_reference": breach.reference,
        "title": breach.title,
        "controller": f"{CONTROLLER['name']}, {CONTROLLER['address']}",
        "authority": SUPERVISORY_AUTHORITY["name"],
        "occurred_at_text": clock.format_local(breach.occurred_at) if breach.occurred_at else "not known yet",
        "discovered_at": breach.discovered_at.isoformat(),
        "discovered_at_text": clock.format_local(breach.discovered_at),
        "deadline_text": clock.format_local(breach.authority_deadline_at),
        "detected_by": breach.detected_by,
        # Art. 33(3)(a)
        "nature": breach.nature,
        "breach_types": types,
        "data_categories": categories,
        "data_categories_note": breach.data_categories_note,
        "subject_categories": breach.subject_categories,
        "approx_subjects": _count(breach.approx_subjects),
        "approx_records": _count(breach.approx_records),
        # Art. 33(3)(b)
        "contact_point": breach.contact_point,
        # Art. 33(3)(c)
        "likely_consequences": breach.likely_consequences,
        # Art. 33(3)(d)
        "measures_taken": breach.measures_taken,
        "measures_proposed": breach.measures_proposed,
        "risk_level": breach.get_risk_level_display(),
        "risk_reasoning": breach.risk_reasoning,
        "report": _report(report) if report is not None else None,
        "earlier_reports": earlier,
    }


def authority_notification_pdf(breach: Breach, *, report: AuthorityReport | None = None) -> bytes:
    """A report's document as it was sent, or a draft from the register entry as it stands."""
    content = report.snapshot if report is not None and report.snapshot else art33_content(breach)
    return render_pdf(TEMPLATE, {"c": content, "draft": report is None, "language": "en"})
