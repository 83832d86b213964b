"""The Art. 15 cover letter: generated from the registry (``micropim_privacy.policy``), so a
changed purpose, period or recipient reaches every letter without touching this code.

Art. 15(1): confirmation; (a) purposes; (b) categories; (c) recipients; (d) retention;
(e) rights to rectification, erasure, restriction, objection; (f) the right to complain;
(g) sources; (h) automated decision-making (§7.7: none). Art. 15(2): transfer safeguards.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from micropim_privacy.documents import render_pdf
from micropim_privacy.policy import (
    CATEGORIES,
    CONTROLLER,
    POLICY_VERSION,
    SUBPROCESSORS,
    SUPERVISORY_AUTHORITY,
    UK_AUTHORITY,
)

from ..models import DataSubjectRequest
from ..rights import RIGHTS, Jurisdiction, Law

LABELS = {
    "en": {
        "title": "Your personal data: answer to your access request",
        "confirmation": "Confirmation",
        "contents": "What this package contains",
        "purposes": "Purposes of processing and legal basis",
        "categories": "Categories of personal data",
        "recipients": "Recipients",
        "retention": "Retention periods",
        "sources": "Sources of the data",
        "rights": "Your rights",
        "automated": "Automated decision-making",
        "transfers": "Transfers outside the EEA",
        "authority": "Supervisory authority",
    },
    "ro": {
        "title": "Datele dumneavoastră personale: răspuns la cererea de acces",
        "confirmation": "Confirmare",
        "contents": "Ce conține acest pachet",
        "purposes": "Scopurile prelucrării și temeiul juridic",
        "categories": "Categorii de date cu caracter personal",
        "recipients": "Destinatari",
        "retention": "Perioade de păstrare",
        "sources": "Sursele datelor",
        "rights": "Drepturile dumneavoastră",
        "automated": "Decizii automatizate",
        "transfers": "Transferuri în afara SEE",
        "authority": "Autoritatea de supraveghere",
    },
}


def _recipients() -> list[dict[str, str]]:
    """The live §4.2 register when it has rows, else the registry's names."""
    try:
        from subprocessors.models import SubProcessor

        rows = [{"name": s.name, "service": s.service, "data": s.data_shared, "location": s.location,
                 "safeguards": s.safeguards_text}
                for s in SubProcessor.objects.filter(status=SubProcessor.Status.ACTIVE)]
    except Exception:  # noqa: BLE001 — the register is optional for the letter
        rows = []
    if rows:
        return rows
    by_name: dict[str, list[str]] = {}
    for c in CATEGORIES:
        for name in c.recipients:
            by_name.setdefault(name, []).append(c.name)
    return [{"name": n, "service": "", "data": ", ".join(by_name.get(n, [])), "location": "",
             "safeguards": ""} for n in SUBPROCESSORS]


def cover_context(*, dsr: DataSubjectRequest, counts: Mapping[str, int], files: list[str],
                  now: datetime) -> dict[str, Any]:
    language = dsr.language if dsr.language in LABELS else "en"
    authorities = [SUPERVISORY_AUTHORITY] + ([UK_AUTHORITY] if dsr.jurisdiction == Jurisdiction.UK else [])
    law = Law.US if Jurisdiction(dsr.jurisdiction).is_us else Law.GDPR
    return {
        "language": language,
        "t": LABELS[language],
        "dsr": dsr,
        "name": dsr.full_name or (dsr.customer.full_name if dsr.customer else ""),
        "now": now,
        "counts": [(c, counts.get(c.key, 0)) for c in CATEGORIES],
        "held_counts": {k: v for k, v in counts.items() if v},
        "files": files,
        "categories": CATEGORIES,
        "recipients": _recipients(),
        "rights": [r for r in RIGHTS if r.law == law or r.law == Law.GDPR],
        "controller": CONTROLLER,
        "authorities": authorities,
        "policy_version": POLICY_VERSION,
    }


def cover_letter_pdf(*, dsr: DataSubjectRequest, counts: Mapping[str, int], files: list[str],
                     now: datetime) -> bytes:
    return render_pdf("documents/access_cover.html",
                      cover_context(dsr=dsr, counts=counts, files=files, now=now))
