"""The deletion certificate (DESIGN "Proof"): JSON and PDF, with no personal data.

It names the subject only by a keyed hash of the account id (``accounts.identifiers``) and
lists each system: when its step started and finished, what was removed (counts), what was
anonymised and what was kept, each with the reason and the policy §. The JSON is stored on
the Erasure with its SHA-256; the PDF (WeasyPrint) is rendered from the same dictionary.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.db import transaction

from micropim_privacy.documents import render_pdf
from micropim_privacy.policy import CONTROLLER, POLICY_VERSION

from . import connectors
from .models import Customer, Erasure, ErasureStep

TEMPLATE = "documents/deletion_certificate.html"
FORMAT_VERSION = 1


class CertificateNotReady(Exception):
    pass


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _title(system: str) -> str:
    if system == "confirmation-email":
        return "Final confirmation email to the account holder"
    try:
        return str(connectors.system(system).title)
    except KeyError:
        return system


def system_entry(step: ErasureStep) -> dict[str, Any]:
    reasons = step.anonymised_reasons or {}
    return {
        "system": step.system,
        "title": _title(step.system),
        "status": step.status,
        "started_at": _iso(step.started_at),
        "finished_at": _iso(step.finished_at),
        "attempts": step.attempts,
        "removed": [{"what": what, "count": n} for what, n in sorted(step.removed.items())],
        "anonymised": [{"what": what, "count": n, "reason": reasons.get(what, "")}
                       for what, n in sorted(step.anonymised.items())],
        "kept": list(step.kept),
        "note": step.note,
    }


def build(erasure: Erasure, steps: list[ErasureStep], *, finished_at: datetime) -> dict[str, Any]:
    systems = [system_entry(s) for s in steps]
    return {
        "document": "MicroPIM deletion certificate",
        "format_version": FORMAT_VERSION,
        "erasure_id": str(erasure.uuid),
        "controller": CONTROLLER["name"],
        "policy_version": POLICY_VERSION,
        "subject": {
            "identifier": "MicroPIM account id",
            "keyed_hash": erasure.subject_hash,
            "algorithm": "HMAC-SHA256 with a key held by the controller",
        },
        "reason": {"code": erasure.reason, "text": erasure.get_reason_display()},
        "requested_at": _iso(erasure.requested_at),
        "started_at": _iso(erasure.started_at),
        "completed_at": _iso(finished_at),
        "systems": systems,
        "totals": {
            "removed": sum(r["count"] for s in systems for r in s["removed"]),
            "anonymised": sum(a["count"] for s in systems for a in s["anonymised"]),
        },
        "kept": [{"system": s["system"], **k} for s in systems for k in s["kept"]],
    }


def canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def render(document: dict[str, Any], *, digest: str) -> bytes:
    return render_pdf(TEMPLATE, {"cert": document, "sha256": digest, "language": "en"})


def issue(erasure: Erasure, *, finished_at: datetime) -> None:
    """Finish the erasure: certificate stored, customer marked deleted, in one transaction."""
    steps = list(erasure.steps.order_by("position"))
    unfinished = [s.system for s in steps if not s.is_finished]
    if unfinished:
        raise CertificateNotReady(f"steps not finished: {', '.join(unfinished)}")
    document = build(erasure, steps, finished_at=finished_at)
    digest = hashlib.sha256(canonical(document)).hexdigest()
    pdf = render(document, digest=digest)
    with transaction.atomic():
        erasure.certificate = document
        erasure.certificate_sha256 = digest
        erasure.certificate_pdf = pdf
        erasure.status = Erasure.Status.COMPLETED
        erasure.finished_at = finished_at
        erasure.failure_reason = ""
        erasure.save(update_fields=["certificate", "certificate_sha256", "certificate_pdf", "status",
                                    "finished_at", "failure_reason"])
        Customer.objects.filter(pk=erasure.customer_id).update(
            status=Customer.Status.DELETED, deleted_at=finished_at)
