"""The pure rules of this app: notice periods and the safeguard vocabulary (no database).

§4.2: "notify you 30 days before adding new subprocessors"; §13.2: material changes are
notified "at least 30 days before changes take effect". Both periods come from
``micropim_privacy.policy.Deadlines``; dates are UTC calendar dates (DESIGN.md "Deadlines").
A start announced on 31 January 2026 may start on 2 March 2026, not on 1 March.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError

from micropim_privacy.policy import Deadlines, Period

# §4.2, §4.4, §12.2: the transfer safeguards a sub-processor can rely on, code → label.
SAFEGUARDS: dict[str, str] = {
    "scc_2021": "EU Standard Contractual Clauses (2021)",
    "eu_us_dpf": "EU-US Data Privacy Framework",
    "uk_addendum": "UK Addendum to the SCCs",
    "encryption": "Encryption (TLS 1.2+ in transit, AES-256 at rest)",
    "pci_dss_l1": "PCI-DSS Level 1",
    "eu_only": "Data remains in the EU",
    "minimal_data": "Minimal data collection",
    "ip_anonymisation": "IP anonymisation",
    "dpa": "Data Processing Amendment",
    "consent_required": "Consent required",
}
# What makes a transfer outside the EEA lawful here (§4.4, §12.2): SCCs first, DPF as a supplement.
TRANSFER_MECHANISMS = {"scc_2021", "eu_us_dpf"}

_VERSION_NUMBER = re.compile(r"^\d{1,3}(\.\d{1,3}){1,2}$")


def utc_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    return moment.astimezone(UTC).date()


def earliest_after_notice(notice: Period, announced_at: datetime) -> date:
    """The first UTC date that is at least ``notice`` after the announcement."""
    return utc_date(notice.after(announced_at))


def earliest_subprocessor_start(announced_at: datetime) -> date:
    return earliest_after_notice(Deadlines.SUBPROCESSOR_NOTICE, announced_at)


def earliest_material_change(announced_at: datetime) -> date:
    return earliest_after_notice(Deadlines.POLICY_CHANGE_NOTICE, announced_at)


def check_subprocessor_start(starts_on: date | None, *, announced_at: datetime) -> None:
    """§4.2: refused below 30 days' notice, accepted at exactly 30."""
    if starts_on is None:
        raise ValidationError({"starts_on": "A start date is needed to announce a sub-processor."})
    if starts_on < utc_date(announced_at):
        raise ValidationError({"starts_on": f"The start date {starts_on} is in the past."})
    earliest = earliest_subprocessor_start(announced_at)
    if starts_on < earliest:
        raise ValidationError({"starts_on": (
            f"Customers must be told {Deadlines.SUBPROCESSOR_NOTICE} before a new sub-processor "
            f"starts (policy §4.2): announced today, the earliest start date is {earliest}.")})


def check_planned_start(starts_on: date | None, *, today: date) -> None:
    if starts_on is not None and starts_on < today:
        raise ValidationError({"starts_on": f"The start date {starts_on} is in the past."})


def check_policy_effective(effective_on: date, *, material: bool, announced_at: datetime) -> None:
    """§13.2: a material change at least 30 days ahead; a non-material one not in the past."""
    today = utc_date(announced_at)
    if effective_on < today:
        raise ValidationError({"effective_on": f"The effective date {effective_on} is in the past."})
    if material:
        earliest = earliest_material_change(announced_at)
        if effective_on < earliest:
            raise ValidationError({"effective_on": (
                f"A material change must be announced {Deadlines.POLICY_CHANGE_NOTICE} before it "
                f"takes effect (policy §13.2): announced today, the earliest effective date is "
                f"{earliest}.")})


def check_safeguards(codes: Iterable[str], *, third_countries: str, scc_module: str,
                     tia_date: date | None) -> list[str]:
    """Known codes only; a transfer outside the EEA needs SCCs or DPF and a TIA (§4.4, §12.2)."""
    if isinstance(codes, str):
        raise ValidationError({"safeguards": "Expected a list of safeguard codes."})
    codes = list(dict.fromkeys(codes))
    unknown = [c for c in codes if c not in SAFEGUARDS]
    if unknown:
        raise ValidationError({"safeguards": (
            f"Unknown safeguard(s): {', '.join(map(str, unknown))}. "
            f"Known: {', '.join(SAFEGUARDS)}.")})
    errors: dict[str, str] = {}
    if "scc_2021" in codes and not scc_module:
        errors["scc_module"] = "Name the SCC 2021 module in use (e.g. Module 2, controller to processor)."
    if scc_module and "scc_2021" not in codes:
        errors["scc_module"] = "An SCC module is given but 'scc_2021' is not among the safeguards."
    if third_countries.strip():
        if not TRANSFER_MECHANISMS & set(codes):
            errors["safeguards"] = ("A transfer outside the EEA needs the 2021 SCCs or the EU-US "
                                    "Data Privacy Framework (policy §4.4, §12.2).")
        if tia_date is None:
            errors["tia_date"] = "A transfer outside the EEA needs a transfer impact assessment date (§4.4)."
    if errors:
        raise ValidationError(errors)
    return codes


def version_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def check_version_number(number: str, *, latest: str | None) -> None:
    if not _VERSION_NUMBER.match(number):
        raise ValidationError({"number": "A version number looks like 1.1 or 2.0."})
    if latest is not None and version_key(number) <= version_key(latest):
        raise ValidationError({"number": f"Version {number} is not after the current {latest}."})
