"""The MicroPIM privacy policy (v1.0, effective 2025-10-25) as data.

Source: ``shared/seeds/000_d80e5803b9f26362.txt``. Every rule below cites its section.
This module is the *one* place where legal periods live: the purge jobs, the Art. 15
access report, the Art. 30 record, the public retention table and the admin's schedule
view all read it. Changing a period is a one-line change here, and every consumer follows.
Nothing else in the code base writes ``timedelta(days=31)``.

Periods are calendar periods (``relativedelta``): "7 years" from 2020-02-29 ends on
2027-02-28, "12 months" from 31 March ends on 31 March a year later. Retention cut-offs
are computed at purge time as ``as_of - period`` (DESIGN.md: deadlines are stored,
cut-offs are computed), so a change here needs no data migration.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

POLICY_VERSION = "1.0"
POLICY_EFFECTIVE = "2025-10-25"


@dataclass(frozen=True)
class Period:
    """A calendar period: years, months and days, applied in that order."""

    years: int = 0
    months: int = 0
    days: int = 0
    hours: int = 0

    @property
    def delta(self) -> relativedelta:
        return relativedelta(years=self.years, months=self.months, days=self.days, hours=self.hours)

    def after(self, start: datetime) -> datetime:
        """The instant this period ends when it starts at ``start``."""
        return start + self.delta

    def before(self, end: datetime) -> datetime:
        """The start that would make this period end at ``end`` (a retention cut-off)."""
        return end - self.delta

    def __str__(self) -> str:
        parts = []
        for amount, unit in (
            (self.years, "year"),
            (self.months, "month"),
            (self.days, "day"),
            (self.hours, "hour"),
        ):
            if amount:
                parts.append(f"{amount} {unit}{'s' if amount != 1 else ''}")
        return " ".join(parts) or "0 days"

    @property
    def approx_days(self) -> int:
        """Rough length in days, for sorting and display only — never for deadlines."""
        return self.years * 365 + self.months * 30 + self.days + self.hours // 24


def days(n: int) -> Period:
    return Period(days=n)


def months(n: int) -> Period:
    return Period(months=n)


def years(n: int) -> Period:
    return Period(years=n)


def hours(n: int) -> Period:
    return Period(hours=n)


# ---------------------------------------------------------------------------
# Deadlines (DESIGN.md "Deadlines"; all computed in UTC)
# ---------------------------------------------------------------------------


class Deadlines:
    # §5.3: "Deletion countdown begins (31 days)"
    ACCOUNT_DELETION_GRACE = days(31)
    # §5.3: "Reminder emails sent (7 days and 1 day before final deletion)"
    ACCOUNT_DELETION_REMINDERS = (days(7), days(1))
    # §5.3: "Immediate deletion ... We will process this within 30 days of your request."
    IMMEDIATE_DELETION = days(30)
    # §7.1–7.6, §7.10, §8.1: "Within 30 days of receiving your request"
    REQUEST_RESPONSE = days(30)
    # §7.10: "Complex requests: May be extended by 2 months (we'll notify you ...)"
    REQUEST_EXTENSION = months(2)
    # §7.10: first request free; a repeat of the same type within this window may be excessive
    REQUEST_REPEAT_WINDOW = months(12)
    # §6.4: "Within 72 hours of discovery" → ANSPDCP
    BREACH_AUTHORITY = hours(72)
    BREACH_ALERTS = (hours(24), hours(48), hours(60))
    # §4.2: "notify you 30 days before adding new subprocessors"
    SUBPROCESSOR_NOTICE = days(30)
    # §13.2: "notify you at least 30 days before changes take effect"
    POLICY_CHANGE_NOTICE = days(30)
    # §5.4: "marketing data deleted within 30 days" of unsubscribe
    MARKETING_DATA_AFTER_UNSUBSCRIBE = days(30)
    # §9.1/§9.2: no data from children under 16
    MINIMUM_AGE_YEARS = 16


# ---------------------------------------------------------------------------
# Data categories (§2.1–2.5 and §5.2)
# ---------------------------------------------------------------------------


class Basis(enum.StrEnum):
    """GDPR Art. 6(1) letters."""

    CONSENT = "a"
    CONTRACT = "b"
    LEGAL_OBLIGATION = "c"
    LEGITIMATE_INTEREST = "f"

    @property
    def label(self) -> str:
        return {
            "a": "Consent (GDPR Art. 6(1)(a))",
            "b": "Contract performance (GDPR Art. 6(1)(b))",
            "c": "Legal obligation (GDPR Art. 6(1)(c))",
            "f": "Legitimate interest (GDPR Art. 6(1)(f))",
        }[self.value]


class CountsFrom(enum.StrEnum):
    """The event a retention period counts from."""

    RELATIONSHIP_END = "relationship_end"
    DELETION_REQUESTED = "deletion_requested"
    TRANSACTION = "transaction"
    INVOICE = "invoice"
    EVENT = "event"
    LOG_LINE = "log_line"
    RESOLUTION = "resolution"
    MESSAGE = "message"
    RESPONSE_OR_WITHDRAWAL = "response_or_withdrawal"
    EVENT_DATE = "event_date"
    LAST_ENGAGEMENT = "last_engagement"
    UNSUBSCRIBE = "unsubscribe"
    WITHDRAWAL_OR_LAST_ENGAGEMENT = "withdrawal_or_last_engagement"
    REQUEST_CLOSED = "request_closed"
    BACKUP = "backup"
    COOKIE_SET = "cookie_set"


class AtEnd(enum.StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    KEEP = "keep"


# Sub-processor names as the §4.2 table spells them.
AWS_S3 = "AWS S3"
AWS_COGNITO = "AWS Cognito"
STRIPE = "Stripe"
HETZNER = "Hetzner"
CLOUDFLARE = "Cloudflare"
GOOGLE_ANALYTICS = "Google Analytics"
META = "Facebook/Meta"
SUBPROCESSORS = (AWS_S3, AWS_COGNITO, STRIPE, HETZNER, CLOUDFLARE, GOOGLE_ANALYTICS, META)


@dataclass(frozen=True)
class Category:
    """One kind of personal data, as the policy declares it.

    ``key`` is stable (used in URLs, purge-run records and exports). ``policy_rows`` are
    the exact row titles in the policy's tables this category answers for, each with its
    table's section, so the published policy and this registry can be compared.
    """

    key: str
    name: str
    section: str
    data: str
    purpose: str
    basis: tuple[Basis, ...]
    retention: Period | None
    retention_text: str
    counts_from: CountsFrom
    at_end: AtEnd
    held_in: tuple[str, ...]
    recipients: tuple[str, ...] = ()
    source: str = "You provide it directly."
    policy_rows: tuple[tuple[str, str], ...] = field(default=())
    held_by_this_service: bool = False
    # What the erasure of a subject (§5.3 after 31 days, §7.3, §9.2) does to this category,
    # and why, with the section: the deletion certificate quotes ``erasure_reason``.
    on_erasure: AtEnd = AtEnd.DELETE
    erasure_reason: str = "§5.3: permanent deletion of all Customer Data"

    def cutoff(self, as_of: datetime) -> datetime | None:
        """Anything whose period started before this instant has passed its retention."""
        return self.retention.before(as_of) if self.retention else None

    @property
    def basis_text(self) -> str:
        return " + ".join(b.label for b in self.basis)


_ACCOUNT_SOURCE = "You provide this directly when registering or updating your profile (§2.1)."
_AUTO_SOURCE = "Automatically collected through your use of our services (§2.3)."
_SUPPORT_SOURCE = "You provide this when contacting support or responding to surveys (§2.4)."
_MARKETING_SOURCE = "Website forms, cookie banners, newsletter signups, event registrations (§2.5)."
_BILLING_SOURCE = "You provide this when subscribing or during checkout (§2.2); mirrored from Stripe."

_ACCOUNT_KEEP = "Until account deletion + 31 days"

CATEGORIES: tuple[Category, ...] = (
    # -- §2.1 Account and registration data: kept for the relationship, then 31 days (§5.3)
    Category(
        key="account_profile",
        name="Account and registration data",
        section="2.1",
        data="Full name, email address, company name, job title, phone number (optional)",
        purpose="Account creation, authentication, communication, support, service customisation",
        basis=(Basis.CONTRACT, Basis.LEGITIMATE_INTEREST),
        retention=days(31),
        retention_text=_ACCOUNT_KEEP,
        counts_from=CountsFrom.DELETION_REQUESTED,
        at_end=AtEnd.DELETE,
        held_in=("accounts.Customer", "app.micropim.net", AWS_COGNITO),
        recipients=(AWS_COGNITO, HETZNER),
        source=_ACCOUNT_SOURCE,
        policy_rows=(
            ("2.1", "Full name"),
            ("2.1", "Email address"),
            ("2.1", "Company name"),
            ("2.1", "Job title"),
            ("2.1", "Phone number (optional)"),
            ("5.2", "Active Account Data"),
            ("5.2", "Closed Account Data"),
        ),
        held_by_this_service=True,
    ),
    Category(
        key="account_credentials",
        name="Password (cryptographically hashed)",
        section="2.1",
        data="Password hash (bcrypt, §6.1)",
        purpose="Authentication, security",
        basis=(Basis.CONTRACT,),
        retention=days(31),
        retention_text=_ACCOUNT_KEEP,
        counts_from=CountsFrom.DELETION_REQUESTED,
        at_end=AtEnd.DELETE,
        held_in=(AWS_COGNITO,),
        recipients=(AWS_COGNITO,),
        source=_ACCOUNT_SOURCE,
        policy_rows=(("2.1", "Password (cryptographically hashed)"),),
    ),
    Category(
        key="profile_photo",
        name="Profile photo",
        section="2.1",
        data="Profile photo (optional)",
        purpose="Account personalisation",
        basis=(Basis.CONSENT,),
        retention=days(31),
        retention_text="Until removed or account deleted + 31 days",
        counts_from=CountsFrom.DELETION_REQUESTED,
        at_end=AtEnd.DELETE,
        held_in=(AWS_S3,),
        recipients=(AWS_S3,),
        source=_ACCOUNT_SOURCE,
        policy_rows=(("2.1", "Profile photo (optional)"),),
    ),
    Category(
        key="customer_product_data",
        name="Customer Data uploaded to MicroPIM",
        section="5.3",
        data="Product catalogues, images, documents uploaded by the customer",
        purpose="Service provision (we act as processor for its contents, §1.3)",
        basis=(Basis.CONTRACT,),
        retention=days(31),
        retention_text="31 days after account deletion",
        counts_from=CountsFrom.DELETION_REQUESTED,
        at_end=AtEnd.DELETE,
        held_in=(AWS_S3, "app.micropim.net"),
        recipients=(AWS_S3, HETZNER),
        source="You upload it (§1.3, §4.2).",
    ),
    # -- §2.2 Billing and payment data: 7 years (§5.2, Romanian tax law)
    Category(
        key="billing_records",
        name="Payment and billing records",
        section="2.2",
        data="Billing name and address, last 4 digits of payment card, card expiration date, "
        "transaction IDs and history",
        purpose="Invoicing, tax compliance, payment processing, billing reconciliation, disputes",
        # §2.2: the last 4 card digits are kept on legitimate interest (display, disputes).
        basis=(Basis.CONTRACT, Basis.LEGAL_OBLIGATION, Basis.LEGITIMATE_INTEREST),
        retention=years(7),
        retention_text="7 years after transaction (Romanian tax law)",
        counts_from=CountsFrom.TRANSACTION,
        at_end=AtEnd.DELETE,
        held_in=("retention.BillingRecord", STRIPE),
        recipients=(STRIPE,),
        source=_BILLING_SOURCE,
        on_erasure=AtEnd.KEEP,
        erasure_reason="§5.2, §5.3: billing records kept 7 years (Romanian tax law)",
        policy_rows=(
            ("2.2", "Billing name and address"),
            ("2.2", "Last 4 digits of payment card"),
            ("2.2", "Card expiration date"),
            ("2.2", "Transaction IDs and history"),
            ("5.2", "Payment and Billing Records"),
        ),
        held_by_this_service=True,
    ),
    Category(
        key="invoices",
        name="Invoices and tax documents",
        section="5.2",
        data="Invoices, VAT/Tax ID (if provided)",
        purpose="Tax compliance, invoicing",
        basis=(Basis.LEGAL_OBLIGATION,),
        retention=years(7),
        retention_text="7 years",
        counts_from=CountsFrom.INVOICE,
        at_end=AtEnd.DELETE,
        held_in=("retention.Invoice", STRIPE),
        recipients=(STRIPE,),
        source=_BILLING_SOURCE,
        on_erasure=AtEnd.KEEP,
        erasure_reason="§5.2, §5.3: invoices and tax documents kept 7 years (legal obligation)",
        policy_rows=(("2.2", "VAT/Tax ID (if provided)"), ("5.2", "Invoices and Tax Documents")),
        held_by_this_service=True,
    ),
    # -- §2.3 Usage and analytics data
    Category(
        key="usage_analytics",
        name="Usage and analytics data",
        section="2.3",
        data="Feature usage patterns, navigation patterns in the application, browser type and "
        "version, device information (OS, device type)",
        purpose="Product improvement, feature development, compatibility, UX optimisation",
        basis=(Basis.LEGITIMATE_INTEREST,),
        retention=months(12),
        retention_text="12 months (anonymized thereafter)",
        counts_from=CountsFrom.EVENT,
        at_end=AtEnd.ANONYMISE,
        held_in=("retention.UsageEvent",),
        recipients=(HETZNER,),
        source=_AUTO_SOURCE,
        on_erasure=AtEnd.ANONYMISE,
        erasure_reason="§5.3: analytics anonymised (cannot identify you); aggregates kept",
        policy_rows=(
            ("2.3", "Browser type and version"),
            ("2.3", "Device information (OS, device type)"),
            ("2.3", "Feature usage patterns"),
            ("2.3", "Navigation patterns in application"),
            ("5.2", "Usage and Analytics Data"),
        ),
        held_by_this_service=True,
    ),
    Category(
        key="login_sessions",
        name="Login timestamps, session data and IP address",
        section="2.3",
        data="Login timestamps and session data; IP address (anonymised — last octet removed)",
        purpose="Security monitoring, authentication, fraud prevention, approximate geolocation",
        basis=(Basis.LEGITIMATE_INTEREST,),
        retention=months(12),
        retention_text="12 months",
        counts_from=CountsFrom.EVENT,
        at_end=AtEnd.DELETE,
        held_in=("retention.LoginEvent",),
        recipients=(HETZNER, CLOUDFLARE),
        source=_AUTO_SOURCE,
        policy_rows=(
            ("2.3", "IP address (anonymized - last octet removed)"),
            ("2.3", "Login timestamps and session data"),
        ),
        held_by_this_service=True,
    ),
    Category(
        key="website_analytics",
        name="Pages visited on website",
        section="2.3",
        data="Pages visited on micropim.net and docs.micropim.net, anonymised IP, browser info",
        purpose="Website optimisation, user experience improvement",
        basis=(Basis.CONSENT,),
        retention=months(13),
        retention_text="13 months maximum",
        counts_from=CountsFrom.COOKIE_SET,
        at_end=AtEnd.DELETE,
        held_in=(GOOGLE_ANALYTICS,),
        recipients=(GOOGLE_ANALYTICS,),
        source="Cookies on our websites, only after you consent (§10.2).",
        policy_rows=(("2.3", "Pages visited on website"),),
    ),
    Category(
        key="server_logs",
        name="Server logs",
        section="2.3",
        data="Web and application server log lines",
        purpose="Technical troubleshooting, security monitoring",
        basis=(Basis.LEGITIMATE_INTEREST,),
        retention=days(90),
        retention_text="90 days",
        counts_from=CountsFrom.LOG_LINE,
        at_end=AtEnd.DELETE,
        held_in=("retention.ServerLogLine", HETZNER),
        recipients=(HETZNER,),
        source=_AUTO_SOURCE,
        policy_rows=(("2.3", "Server logs"), ("5.2", "Server Logs")),
        held_by_this_service=True,
    ),
    Category(
        key="error_reports",
        name="Error reports and performance data",
        section="2.3",
        data="Error reports, stack traces, performance measurements",
        purpose="Bug fixing, service stability",
        basis=(Basis.LEGITIMATE_INTEREST,),
        retention=months(12),
        retention_text="12 months",
        counts_from=CountsFrom.EVENT,
        at_end=AtEnd.DELETE,
        held_in=("retention.ErrorReport",),
        recipients=(HETZNER,),
        source=_AUTO_SOURCE,
        policy_rows=(("2.3", "Error reports and performance data"),),
        held_by_this_service=True,
    ),
    # -- §2.4 Communication and support data
    Category(
        key="support_tickets",
        name="Support tickets and messages",
        section="2.4",
        data="Support tickets and their messages",
        purpose="Provide customer support, resolve issues",
        basis=(Basis.CONTRACT,),
        retention=years(3),
        retention_text="3 years after issue resolution",
        counts_from=CountsFrom.RESOLUTION,
        at_end=AtEnd.DELETE,
        held_in=("retention.SupportTicket",),
        recipients=(HETZNER,),
        source=_SUPPORT_SOURCE,
        policy_rows=(("2.4", "Support tickets and messages"), ("5.2", "Support Tickets")),
        held_by_this_service=True,
    ),
    Category(
        key="chat_transcripts",
        name="Chat transcripts",
        section="2.4",
        data="Chat transcripts (if chat support used)",
        purpose="Support, training, quality assurance",
        basis=(Basis.CONTRACT, Basis.LEGITIMATE_INTEREST),
        retention=years(3),
        retention_text="3 years",
        counts_from=CountsFrom.RESOLUTION,
        at_end=AtEnd.DELETE,
        held_in=("retention.ChatTranscript",),
        recipients=(HETZNER,),
        source=_SUPPORT_SOURCE,
        policy_rows=(("2.4", "Chat transcripts (if chat support used)"),),
        held_by_this_service=True,
    ),
    Category(
        key="email_correspondence",
        name="Email correspondence",
        section="2.4",
        data="Emails exchanged with us",
        purpose="Communication, support, records",
        basis=(Basis.CONTRACT, Basis.LEGITIMATE_INTEREST),
        retention=years(3),
        retention_text="3 years",
        counts_from=CountsFrom.MESSAGE,
        at_end=AtEnd.DELETE,
        held_in=("retention.EmailMessage",),
        recipients=(HETZNER,),
        source=_SUPPORT_SOURCE,
        policy_rows=(("2.4", "Email correspondence"), ("5.2", "Email Correspondence")),
        held_by_this_service=True,
    ),
    Category(
        key="survey_responses",
        name="Survey responses and feedback",
        section="2.4",
        data="Survey responses and feedback",
        purpose="Service improvement, product development",
        basis=(Basis.CONSENT,),
        retention=years(2),
        retention_text="2 years or until consent withdrawn",
        counts_from=CountsFrom.RESPONSE_OR_WITHDRAWAL,
        at_end=AtEnd.DELETE,
        held_in=("retention.SurveyResponse",),
        recipients=(HETZNER,),
        source=_SUPPORT_SOURCE,
        policy_rows=(("2.4", "Survey responses and feedback"),),
        held_by_this_service=True,
    ),
    Category(
        key="call_recordings",
        name="Call recordings",
        section="2.4",
        data="References to call recordings (if applicable)",
        purpose="Support, training, quality assurance",
        basis=(Basis.CONSENT,),
        retention=years(2),
        retention_text="2 years or until consent withdrawn",
        counts_from=CountsFrom.RESPONSE_OR_WITHDRAWAL,
        at_end=AtEnd.DELETE,
        held_in=("retention.CallRecording",),
        recipients=(HETZNER,),
        source=_SUPPORT_SOURCE,
        policy_rows=(("2.4", "Call recordings (if applicable)"),),
        held_by_this_service=True,
    ),
    # -- §2.5 Marketing data (with consent)
    Category(
        key="newsletter_subscription",
        name="Email address for newsletters",
        section="2.5",
        data="Newsletter email address, subscription source, consent text version",
        purpose="Send product updates, newsletters, promotional content",
        basis=(Basis.CONSENT,),
        retention=years(2),
        retention_text="Until you unsubscribe or 2 years of inactivity",
        counts_from=CountsFrom.LAST_ENGAGEMENT,
        at_end=AtEnd.DELETE,
        held_in=("consent.Subscription",),
        recipients=(HETZNER,),
        source=_MARKETING_SOURCE,
        policy_rows=(("2.5", "Email address for newsletters"),),
        held_by_this_service=True,
    ),
    Category(
        key="marketing_after_unsubscribe",
        name="Marketing data after unsubscribe",
        section="5.4",
        data="Marketing data of a subscriber who unsubscribed",
        purpose="None once unsubscribed; deleted",
        basis=(Basis.CONSENT,),
        retention=days(30),
        retention_text="Deleted within 30 days of unsubscribe",
        counts_from=CountsFrom.UNSUBSCRIBE,
        at_end=AtEnd.DELETE,
        held_in=("consent.Subscription",),
        source=_MARKETING_SOURCE,
        held_by_this_service=True,
    ),
    Category(
        key="marketing_preferences",
        name="Marketing preferences",
        section="2.5",
        data="Marketing preferences and the suppression list",
        purpose="Respect your communication preferences",
        basis=(Basis.CONSENT,),
        retention=None,
        retention_text="Until you withdraw consent",
        counts_from=CountsFrom.WITHDRAWAL_OR_LAST_ENGAGEMENT,
        at_end=AtEnd.KEEP,
        # The suppression list holds a keyed hash of the address, never the address.
        held_in=("consent.Suppression",),
        source=_MARKETING_SOURCE,
        on_erasure=AtEnd.KEEP,
        erasure_reason="§7.6: the suppression list keeps only a hash of your address, so we never "
        "send you marketing again",
        policy_rows=(("2.5", "Marketing preferences"),),
    ),
    Category(
        key="marketing_consent_records",
        name="Marketing consent records",
        section="5.2",
        data="Proof of consent: what was agreed, when, how, which text version; withdrawal",
        purpose="Compliance with consent requirements (proof)",
        basis=(Basis.LEGAL_OBLIGATION,),
        retention=years(2),
        retention_text="2 years after consent withdrawal or last engagement",
        counts_from=CountsFrom.WITHDRAWAL_OR_LAST_ENGAGEMENT,
        at_end=AtEnd.DELETE,
        held_in=("consent.ConsentRecord",),
        source=_MARKETING_SOURCE,
        on_erasure=AtEnd.KEEP,
        erasure_reason="§5.2, §5.4: consent records kept 2 years after withdrawal to prove compliance",
        policy_rows=(("5.2", "Marketing Consent Records"),),
        held_by_this_service=True,
    ),
    Category(
        key="event_attendance",
        name="Event attendance data",
        section="2.5",
        data="Event registrations and attendance",
        purpose="Event organisation, follow-up",
        basis=(Basis.CONSENT,),
        retention=years(2),
        retention_text="2 years after event",
        counts_from=CountsFrom.EVENT_DATE,
        at_end=AtEnd.DELETE,
        held_in=("retention.EventAttendance",),
        source=_MARKETING_SOURCE,
        policy_rows=(("2.5", "Event attendance data"),),
        held_by_this_service=True,
    ),
    Category(
        key="facebook_pixel",
        name="Facebook Pixel data",
        section="2.5",
        data="Cookie data, page views of website visitors",
        purpose="Advertising, retargeting campaigns",
        basis=(Basis.CONSENT,),
        retention=None,
        retention_text="See Cookie Policy",
        counts_from=CountsFrom.COOKIE_SET,
        at_end=AtEnd.KEEP,
        held_in=(META,),
        recipients=(META,),
        source="Cookies on our websites, only after you consent (§10.2).",
        policy_rows=(("2.5", "Facebook Pixel data (website visitors)"),),
    ),
    # -- §5.2 / §7.10 operational categories
    Category(
        key="identity_verification",
        name="Identity-verification material",
        section="7.10",
        data="Government-issued ID (front side only) and verification answers",
        purpose="Verify your identity before we act on a privacy request",
        basis=(Basis.LEGAL_OBLIGATION,),
        retention=days(0),
        retention_text="Until the request is processed",
        counts_from=CountsFrom.REQUEST_CLOSED,
        at_end=AtEnd.DELETE,
        held_in=("dsar.IdentityDocument",),
        source="You upload it when we ask (§7.10).",
        held_by_this_service=True,
    ),
    Category(
        key="backups",
        name="Backup data",
        section="5.2",
        data="Database and storage backups",
        purpose="Disaster recovery",
        basis=(Basis.LEGITIMATE_INTEREST,),
        retention=days(31),
        retention_text="Up to 31 days",
        counts_from=CountsFrom.BACKUP,
        at_end=AtEnd.DELETE,
        held_in=(AWS_S3,),
        recipients=(AWS_S3, HETZNER),
        source="Copies of the data above.",
        policy_rows=(("5.2", "Backup Data"),),
        held_by_this_service=True,
    ),
)

CATEGORIES_BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}


def category(key: str) -> Category:
    return CATEGORIES_BY_KEY[key]


# The §5.2 table, row by row, as the policy prints it: (row title, period, reason).
# The registry test checks each row against the category that claims it.
RETENTION_TABLE_5_2: tuple[tuple[str, Period | None, str], ...] = (
    ("Active Account Data", None, "Service provision"),
    ("Closed Account Data", days(31), "Allow recovery if deletion was accidental"),
    ("Payment and Billing Records", years(7), "Romanian tax law requirement (fiscal records)"),
    ("Invoices and Tax Documents", years(7), "Legal obligation"),
    ("Usage and Analytics Data", months(12), "Service improvement"),
    ("Server Logs", days(90), "Security monitoring"),
    ("Support Tickets", years(3), "Reference and quality assurance"),
    ("Email Correspondence", years(3), "Business records"),
    ("Marketing Consent Records", years(2), "Compliance with consent requirements"),
    ("Backup Data", days(31), "Disaster recovery"),
)


def categories_for_row(section: str, row: str) -> list[Category]:
    return [c for c in CATEGORIES if (section, row) in c.policy_rows]


# ---------------------------------------------------------------------------
# Contacts the policy names (§1.1, §7.9, §14)
# ---------------------------------------------------------------------------

CONTROLLER = {
    "name": "Marmix SOFT SRL",
    "address": "Str. Lujerului 42J, Cod 061135, Bucuresti, Sector 6, Romania",
    "privacy_contact": "Marmureanu Andrei",
}

SUPERVISORY_AUTHORITY = {
    "name": "Autoritatea Națională de Supravegere a Prelucrării Datelor cu Caracter Personal (ANSPDCP)",
    "address": "B-dul G-ral. Gheorghe Magheru 28-30, Sector 1, București, România",
    "phone": "+40 318 059 211 / +40 318 059 212",
    "website": "www.dataprotection.ro",
}

UK_AUTHORITY = {
    "name": "Information Commissioner's Office (ICO)",
    "website": "https://ico.org.uk",
    "phone": "0303 123 1113",
}


def timedelta_of(period: Period) -> timedelta:
    """Only for periods without months/years (hours, days): e.g. the 72-hour breach clock."""
    if period.years or period.months:
        raise ValueError("calendar periods have no fixed length; use Period.after()")
    return timedelta(days=period.days, hours=period.hours)
