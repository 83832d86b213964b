"""The register and the policy as published on 2025-10-25 (policy 1.0, §4.2, §13.4).

Used by data migration 0002 (with historical models), by ``demo.py`` and by tests that
need the rows back after a transactional test flushed the tables. Idempotent.

Safeguard codes follow §4.2's table *and* §4.4/§12.2, which add to it: SCCs "executed
with AWS, Stripe, Cloudflare, Google, and Meta"; "AWS, Stripe, Cloudflare, Meta are
DPF-certified". ``safeguards_text`` keeps §4.2's own wording. The policy gives no date for
its transfer impact assessments, only that they were done (§4.4, §12.2): the seed records
the policy's effective date; replace it with each TIA's real date in the admin.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from micropim_privacy import policy

POLICY_1_0_DATE = date(2025, 10, 25)
POLICY_1_0_AT = datetime(2025, 10, 25, tzinfo=UTC)
POLICY_1_0_FILE = Path("docs") / "policy" / "privacy-policy-1.0.txt"
US = "United States"

SUBPROCESSORS_4_2: tuple[dict[str, Any], ...] = (
    {"name": policy.AWS_S3, "slug": "aws-s3", "service": "Cloud storage for customer product data",
     "data_shared": "Customer Data (products, images, documents)",
     "location": "EU (Frankfurt, Germany) or US (configurable)", "third_countries": f"{US} (if configured)",
     "safeguards": ["scc_2021", "eu_us_dpf", "encryption"], "scc_module": "module_2", "dpf_certified": True,
     "safeguards_text": "EU Standard Contractual Clauses + EU-US Data Privacy Framework + Encryption"},
    {"name": policy.AWS_COGNITO, "slug": "aws-cognito", "service": "User authentication and management",
     "data_shared": "Account credentials (email, hashed passwords)", "location": "[eu-central-1]",
     "third_countries": f"{US} (US provider, §12.1)",
     "safeguards": ["scc_2021", "eu_us_dpf", "encryption"], "scc_module": "module_2", "dpf_certified": True,
     "safeguards_text": "EU Standard Contractual Clauses + EU-US DPF + Encryption"},
    {"name": policy.STRIPE, "slug": "stripe", "service": "Payment processing",
     "data_shared": "Billing name/address, card information, transaction data",
     "location": "US (EU operations)", "third_countries": US,
     "safeguards": ["pci_dss_l1", "scc_2021", "eu_us_dpf"], "scc_module": "module_2", "dpf_certified": True,
     "safeguards_text": "PCI-DSS Level 1 + EU Standard Contractual Clauses + EU-US DPF"},
    {"name": policy.HETZNER, "slug": "hetzner", "service": "Server hosting", "data_shared": "All platform data",
     "location": "Germany (Frankfurt) and Finland (Helsinki)", "third_countries": "",
     "safeguards": ["eu_only"], "scc_module": "", "dpf_certified": False,
     "safeguards_text": "Data remains in EU, German data protection laws apply"},
    {"name": policy.CLOUDFLARE, "slug": "cloudflare", "service": "CDN, DNS, DDoS protection",
     "data_shared": "IP addresses (minimal data), domain requests",
     "location": "Global network (US headquarters)", "third_countries": f"{US} (global network)",
     "safeguards": ["eu_us_dpf", "minimal_data", "scc_2021"], "scc_module": "module_2", "dpf_certified": True,
     "safeguards_text": "EU-US DPF certified + Minimal data collection"},
    {"name": policy.GOOGLE_ANALYTICS, "slug": "google-analytics", "service": "Website analytics (consent-based)",
     "data_shared": "Anonymized IP, pages visited, browser info", "location": "US", "third_countries": US,
     "safeguards": ["scc_2021", "ip_anonymisation", "dpa", "consent_required"], "scc_module": "module_2",
     "dpf_certified": False,
     "safeguards_text": "EU Standard Contractual Clauses + IP anonymization + Data Processing Amendment "
                        "+ Consent required"},
    {"name": policy.META, "slug": "facebook-meta", "service": "Marketing pixels and advertising (consent-based)",
     "data_shared": "Cookie data, page views", "location": "US", "third_countries": US,
     "safeguards": ["scc_2021", "consent_required", "eu_us_dpf"], "scc_module": "module_2",
     "dpf_certified": True, "safeguards_text": "EU Standard Contractual Clauses + Consent required"},
)


def seed_register(SubProcessor: Any, RegisterChange: Any) -> None:  # noqa: N803 — model classes
    for position, row in enumerate(SUBPROCESSORS_4_2, start=1):
        sp, created = SubProcessor.objects.get_or_create(name=row["name"], defaults={
            **row, "position": position, "status": "active", "starts_on": POLICY_1_0_DATE,
            "tia_date": POLICY_1_0_DATE if row["third_countries"] else None, "created_at": POLICY_1_0_AT})
        if created:
            RegisterChange.objects.create(subprocessor=sp, kind="listed", at=POLICY_1_0_AT,
                                          summary=f"{sp.name} ({sp.service}) is listed in privacy "
                                                  "policy 1.0, §4.2.")


def policy_1_0_text() -> str:
    path = Path(settings.BASE_DIR) / POLICY_1_0_FILE
    if not path.exists():
        raise RuntimeError(f"{path} is needed to seed privacy policy 1.0 (§13.4 history)")
    return path.read_text(encoding="utf-8")


def seed_policy(PolicyVersion: Any) -> None:  # noqa: N803 — a model class
    PolicyVersion.objects.get_or_create(number=policy.POLICY_VERSION, defaults={
        "effective_on": POLICY_1_0_DATE, "material": False, "text": policy_1_0_text(),
        "change_summary": "First published version.", "published_at": POLICY_1_0_AT})


def seed_all(get_model: Any) -> None:
    seed_register(get_model("subprocessors", "SubProcessor"), get_model("subprocessors", "RegisterChange"))
    seed_policy(get_model("subprocessors", "PolicyVersion"))
