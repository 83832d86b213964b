"""The record of processing activities (GDPR Art. 30(1)), generated, never typed by hand.

Built from the policy registry (``micropim_privacy.policy.CATEGORIES``: purposes, legal
bases, data, retention) and the sub-processor register (recipients, third-country
transfers and their safeguards), plus the §6.1 security measures. One structure, two
formats: a PDF (``documents/art30_record.html`` via WeasyPrint) and a CSV.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from micropim_privacy.documents import render_pdf
from micropim_privacy.policy import (
    CATEGORIES,
    CONTROLLER,
    POLICY_EFFECTIVE,
    POLICY_VERSION,
    SUPERVISORY_AUTHORITY,
    Category,
)

from .models import SubProcessor
from .selectors import public_register

# §6.1 as the policy words it (Art. 30(1)(g): "a general description of the technical and
# organisational security measures").
SECURITY_MEASURES_6_1: tuple[tuple[str, str], ...] = (
    ("Technical", "Encryption in transit: TLS 1.2+ for all data transmissions"),
    ("Technical", "Encryption at rest: AES-256 encryption for stored data"),
    ("Technical", "Password security: Bcrypt hashing with salts"),
    ("Technical", "Access controls: role-based access, principle of least privilege"),
    ("Technical", "Multi-factor authentication: available for user accounts (required for staff)"),
    ("Technical", "Firewall protection: network-level security"),
    ("Technical", "Intrusion detection: real-time monitoring for threats"),
    ("Technical", "DDoS protection: via Cloudflare"),
    ("Technical", "Regular security updates: patching and vulnerability management"),
    ("Technical", "Secure development practices"),
    ("Organisational", "Staff training: regular security and privacy training"),
    ("Organisational", "Background checks for employees with data access"),
    ("Organisational", "Confidentiality agreements: all staff sign NDAs"),
    ("Organisational", "Access logging: all data access is logged and monitored"),
    ("Organisational", "Security policies: comprehensive information security policies"),
    ("Organisational", "Incident response plan: documented procedures for security breaches"),
    ("Organisational", "Vendor security: due diligence on all processors and service providers"),
    ("Organisational", "Physical security: secure data centers (Hetzner) with 24/7 monitoring"),
)

# Art. 30(1)(c) categories of data subjects; the registry does not declare them (yet).
_CUSTOMERS = "Customers (account holders and their users)"
DATA_SUBJECTS: dict[str, str] = {
    "customer_product_data": f"{_CUSTOMERS}; people in data customers upload (we are processor, §1.3)",
    "website_analytics": "Visitors of micropim.net and docs.micropim.net who consented to cookies",
    "facebook_pixel": "Visitors of micropim.net who consented to marketing cookies",
    "server_logs": f"{_CUSTOMERS}; website visitors",
    "support_tickets": f"{_CUSTOMERS}; prospects who contact support",
    "email_correspondence": f"{_CUSTOMERS}; prospects and others who write to us",
    "newsletter_subscription": "Newsletter subscribers (customers and prospects)",
    "marketing_after_unsubscribe": "Former newsletter subscribers",
    "marketing_preferences": "Newsletter subscribers (customers and prospects)",
    "marketing_consent_records": "People who gave or withdrew marketing consent",
    "event_attendance": "Event registrants and attendees",
    "identity_verification": "People making a privacy request (§7.10)",
}


@dataclass(frozen=True)
class Activity:
    category: Category
    data_subjects: str
    recipients: list[SubProcessor]
    transfers: list[SubProcessor]

    @property
    def retention(self) -> str:
        period = f" ({self.category.retention})" if self.category.retention is not None else ""
        return f"{self.category.retention_text}{period}; at the end: {self.category.at_end.value}"


def transfer_safeguards(sp: SubProcessor) -> str:
    parts = list(sp.safeguard_labels)
    if sp.scc_module:
        parts = [p + f", {sp.get_scc_module_display()}" if p.startswith("EU Standard") else p for p in parts]
    if sp.tia_date:
        parts.append(f"Transfer impact assessment {sp.tia_date.isoformat()}")
    return "; ".join(parts)


def build_record(*, now: datetime) -> dict[str, Any]:
    register = list(public_register())
    by_name = {sp.name: sp for sp in register}
    activities = []
    for c in CATEGORIES:
        recipients = [by_name[name] for name in c.recipients if name in by_name]
        activities.append(Activity(
            category=c, data_subjects=DATA_SUBJECTS.get(c.key, _CUSTOMERS), recipients=recipients,
            transfers=[sp for sp in recipients if sp.transfers_outside_eea]))
    return {
        "generated_at": now, "policy_version": POLICY_VERSION, "policy_effective": POLICY_EFFECTIVE,
        "controller": CONTROLLER, "authority": SUPERVISORY_AUTHORITY, "activities": activities,
        "processors": register, "transfers": [sp for sp in register if sp.transfers_outside_eea],
        "security_measures": SECURITY_MEASURES_6_1,
    }


def record_pdf(*, now: datetime) -> bytes:
    return render_pdf("documents/art30_record.html", {**build_record(now=now), "transfer_safeguards": {
        sp.pk: transfer_safeguards(sp) for sp in public_register()}})


CSV_COLUMNS = ("part", "key", "name", "section", "purpose", "legal_basis", "data_subjects", "personal_data",
               "recipients", "third_country_transfers", "safeguards", "retention", "held_in")


def record_csv(*, now: datetime) -> str:
    """One CSV: processing activities, then sub-processors, then security measures (``part``)."""
    record = build_record(now=now)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for a in record["activities"]:
        c = a.category
        writer.writerow({
            "part": "activity", "key": c.key, "name": c.name, "section": f"§{c.section}", "purpose": c.purpose,
            "legal_basis": c.basis_text, "data_subjects": a.data_subjects, "personal_data": c.data,
            "recipients": "; ".join(f"{sp.name} ({sp.location})" for sp in a.recipients)
                          or "; ".join(c.recipients) or "None outside Marmix SOFT SRL",
            "third_country_transfers": "; ".join(f"{sp.name}: {sp.third_countries}" for sp in a.transfers) or "None",
            "safeguards": " | ".join(f"{sp.name}: {transfer_safeguards(sp)}" for sp in a.transfers),
            "retention": a.retention, "held_in": "; ".join(c.held_in),
        })
    for sp in record["processors"]:
        writer.writerow({
            "part": "sub-processor", "key": sp.slug, "name": sp.name, "section": "§4.2",
            "purpose": sp.service, "personal_data": sp.data_shared, "recipients": sp.location,
            "third_country_transfers": sp.third_countries or "None (EU/EEA)",
            "safeguards": transfer_safeguards(sp), "retention": sp.get_status_display(),
        })
    for kind, measure in record["security_measures"]:
        writer.writerow({"part": "security measure", "section": "§6.1", "name": kind, "purpose": measure})
    return out.getvalue()
