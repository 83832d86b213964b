"""The policy's own tables (§2.1–2.5, §4.2, §5.2), rebuilt from the registry and the register.

The public page renders these, so the published tables and what the purge jobs do cannot
drift apart: a period changed in ``micropim_privacy.policy`` changes the page, and
``tests/subprocessors/test_published_tables.py`` compares the page with the policy text.

What the registry keeps is one purpose and one legal basis per *category*; the policy's
§2 tables give one per *row*. So a §2 row shows its category's purpose and basis (e.g.
"Job title" shows the account data's "Contract + Legitimate interest"); the row titles,
the retention and (for §4.2 and §5.2) every cell match the policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from micropim_privacy.policy import (
    CATEGORIES,
    RETENTION_TABLE_5_2,
    AtEnd,
    Category,
    CountsFrom,
    categories_for_row,
)

from .models import SubProcessor

SECTION_2_TITLES = {
    "2.1": "Account and Registration Data",
    "2.2": "Billing and Payment Data",
    "2.3": "Usage and Analytics Data",
    "2.4": "Communication and Support Data",
    "2.5": "Marketing Data (with your consent)",
}

COUNTS_FROM_TEXT: dict[CountsFrom, str] = {
    CountsFrom.RELATIONSHIP_END: "after the customer relationship ends",
    CountsFrom.DELETION_REQUESTED: "after account deletion",
    CountsFrom.TRANSACTION: "after transaction",
    CountsFrom.INVOICE: "after the invoice",
    CountsFrom.EVENT: "after the event",
    CountsFrom.LOG_LINE: "after the log line",
    CountsFrom.RESOLUTION: "after resolution",
    CountsFrom.MESSAGE: "after the message",
    CountsFrom.RESPONSE_OR_WITHDRAWAL: "after the response or consent withdrawal",
    CountsFrom.EVENT_DATE: "after the event",
    CountsFrom.LAST_ENGAGEMENT: "after last engagement",
    CountsFrom.UNSUBSCRIBE: "after unsubscribe",
    CountsFrom.WITHDRAWAL_OR_LAST_ENGAGEMENT: "after consent withdrawal or last engagement",
    CountsFrom.REQUEST_CLOSED: "after the request is closed",
    CountsFrom.BACKUP: "after the backup",
    CountsFrom.COOKIE_SET: "after the cookie is set",
}


@dataclass(frozen=True)
class PublishedTable:
    section: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def section_2_table(section: str) -> PublishedTable:
    rows: list[tuple[str, ...]] = []
    for category in CATEGORIES:
        for row_section, title in category.policy_rows:
            if row_section == section:
                rows.append((title, category.purpose, category.basis_text, category.retention_text))
    return PublishedTable(section, SECTION_2_TITLES[section],
                          ("Data Collected", "Purpose", "Legal Basis", "Retention"), tuple(rows))


def _period_text(category: Category | None, title: str) -> str:
    period = next(p for t, p, _ in RETENTION_TABLE_5_2 if t == title)
    if period is None or category is None:
        return "Duration of customer relationship"
    text = f"{period} {COUNTS_FROM_TEXT[category.counts_from]}"
    return text + (" (anonymized thereafter)" if category.at_end == AtEnd.ANONYMISE else "")


def section_5_2_table() -> PublishedTable:
    rows = []
    for title, _period, reason in RETENTION_TABLE_5_2:
        claimed = categories_for_row("5.2", title)
        rows.append((title, _period_text(claimed[0] if claimed else None, title), reason))
    return PublishedTable("5.2", "Retention Periods by Data Type",
                          ("Data Type", "Retention Period", "Reason"), tuple(rows))


def section_4_2_table(register: list[SubProcessor]) -> PublishedTable:
    rows = tuple((sp.name, sp.service, sp.data_shared, sp.location, sp.safeguards_text) for sp in register)
    return PublishedTable("4.2", "Service Providers and Sub-Processors",
                          ("Service Provider", "Service Provided", "Data Shared", "Location", "Safeguards"), rows)


def published_tables(register: list[SubProcessor]) -> list[PublishedTable]:
    return [*(section_2_table(s) for s in SECTION_2_TITLES), section_4_2_table(register), section_5_2_table()]
