"""The rights a data subject can exercise (§7 GDPR, §8 US states), as data.

Each request type says which law grants it, which *family* of work fulfils it (a CCPA
"right to know" is answered like a GDPR access request), whether it takes effect at once
(§7.6 marketing objection, §7.8 consent withdrawal, §8.1 opt-out of sale/sharing) and
whether the requester's identity must be verified first (§7.10). Services, the API, the
admin filters and the emails all read this one table.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class RequestType(enum.StrEnum):
    # GDPR (§7)
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    PORTABILITY = "portability"
    OBJECTION = "objection"  # Art. 21(1): processing on legitimate interest (analytics)
    OBJECTION_MARKETING = "objection_marketing"  # Art. 21(2)-(3): direct marketing
    CONSENT_WITHDRAWAL = "consent_withdrawal"
    # US states (§8.1, §8.2)
    KNOW = "know"
    DELETE = "delete"
    CORRECT = "correct"
    OPT_OUT = "opt_out"
    LIMIT_SENSITIVE = "limit_sensitive"


class Family(enum.StrEnum):
    """How a request is fulfilled (dsar.fulfilment dispatches on this)."""

    ACCESS = "access"  # the data package + the Art. 15 cover letter
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    OBJECTION = "objection"  # a staff decision with grounds
    SUPPRESSION = "suppression"  # marketing / sharing stops at once
    INFORMATION = "information"  # an answer only (§8.1 limit sensitive data)


class Law(enum.StrEnum):
    GDPR = "gdpr"
    US = "us"


@dataclass(frozen=True)
class Right:
    type: RequestType
    label: str
    label_ro: str
    law: Law
    article: str
    section: str
    family: Family
    immediate: bool = False
    needs_verification: bool = True


RIGHTS: tuple[Right, ...] = (
    Right(RequestType.ACCESS, "Access (GDPR Art. 15)", "Acces (GDPR art. 15)",
          Law.GDPR, "Art. 15", "7.1", Family.ACCESS),
    Right(RequestType.RECTIFICATION, "Rectification (GDPR Art. 16)", "Rectificare (GDPR art. 16)",
          Law.GDPR, "Art. 16", "7.2", Family.RECTIFICATION),
    Right(RequestType.ERASURE, "Erasure (GDPR Art. 17)", "Ștergere (GDPR art. 17)",
          Law.GDPR, "Art. 17", "7.3", Family.ERASURE),
    Right(RequestType.RESTRICTION, "Restriction of processing (GDPR Art. 18)",
          "Restricționarea prelucrării (GDPR art. 18)", Law.GDPR, "Art. 18", "7.4", Family.RESTRICTION),
    Right(RequestType.PORTABILITY, "Data portability (GDPR Art. 20)",
          "Portabilitatea datelor (GDPR art. 20)", Law.GDPR, "Art. 20", "7.5", Family.ACCESS),
    Right(RequestType.OBJECTION, "Objection to legitimate-interest processing (GDPR Art. 21(1))",
          "Opoziție la prelucrarea în interes legitim (GDPR art. 21 alin. 1)",
          Law.GDPR, "Art. 21(1)", "7.6", Family.OBJECTION),
    # §7.6: "We will stop all marketing immediately upon objection - No need to provide reasons"
    Right(RequestType.OBJECTION_MARKETING, "Objection to direct marketing (GDPR Art. 21(2))",
          "Opoziție la marketingul direct (GDPR art. 21 alin. 2)", Law.GDPR, "Art. 21(2)", "7.6",
          Family.SUPPRESSION, immediate=True, needs_verification=False),
    # §7.8: "Withdraw as easily as it was given"
    Right(RequestType.CONSENT_WITHDRAWAL, "Consent withdrawal (GDPR Art. 7(3))",
          "Retragerea consimțământului (GDPR art. 7 alin. 3)", Law.GDPR, "Art. 7(3)", "7.8",
          Family.SUPPRESSION, immediate=True, needs_verification=False),
    Right(RequestType.KNOW, "Right to know (CCPA/CPRA)", "Dreptul de a ști (CCPA/CPRA)",
          Law.US, "Cal. Civ. Code 1798.110", "8.1", Family.ACCESS),
    Right(RequestType.DELETE, "Right to delete (CCPA/CPRA)", "Dreptul la ștergere (CCPA/CPRA)",
          Law.US, "Cal. Civ. Code 1798.105", "8.1", Family.ERASURE),
    Right(RequestType.CORRECT, "Right to correct (CCPA/CPRA)", "Dreptul la corectare (CCPA/CPRA)",
          Law.US, "Cal. Civ. Code 1798.106", "8.1", Family.RECTIFICATION),
    # CCPA: an opt-out needs no verification; §8.1 "Opt out by managing cookie preferences"
    Right(RequestType.OPT_OUT, "Opt-out of sale/sharing (CCPA/CPRA)",
          "Renunțarea la vânzare/partajare (CCPA/CPRA)", Law.US, "Cal. Civ. Code 1798.120", "8.1",
          Family.SUPPRESSION, immediate=True, needs_verification=False),
    Right(RequestType.LIMIT_SENSITIVE, "Limit use of sensitive personal information (CCPA/CPRA)",
          "Limitarea utilizării informațiilor sensibile (CCPA/CPRA)", Law.US,
          "Cal. Civ. Code 1798.121", "8.1", Family.INFORMATION),
)

RIGHTS_BY_TYPE: dict[str, Right] = {r.type.value: r for r in RIGHTS}
TYPE_CHOICES: list[tuple[str, str]] = [(r.type.value, r.label) for r in RIGHTS]


def right(type_: str) -> Right:
    return RIGHTS_BY_TYPE[type_]


class Jurisdiction(enum.StrEnum):
    EU = "eu"  # GDPR (§7); ANSPDCP or the authority of the country of residence (§7.9)
    UK = "uk"  # UK GDPR; the ICO (§7.9)
    US_CA = "us-ca"  # CCPA/CPRA (§8.1)
    US_VA = "us-va"  # §8.2 VCDPA
    US_CO = "us-co"  # §8.2 CPA
    US_CT = "us-ct"  # §8.2 CTDPA
    US_UT = "us-ut"  # §8.2 UCPA
    OTHER = "other"

    @property
    def is_us(self) -> bool:
        return self.value.startswith("us-")


JURISDICTION_CHOICES: list[tuple[str, str]] = [
    (Jurisdiction.EU.value, "EU/EEA (GDPR)"),
    (Jurisdiction.UK.value, "United Kingdom (UK GDPR)"),
    (Jurisdiction.US_CA.value, "California (CCPA/CPRA)"),
    (Jurisdiction.US_VA.value, "Virginia (VCDPA)"),
    (Jurisdiction.US_CO.value, "Colorado (CPA)"),
    (Jurisdiction.US_CT.value, "Connecticut (CTDPA)"),
    (Jurisdiction.US_UT.value, "Utah (UCPA)"),
    (Jurisdiction.OTHER.value, "Elsewhere"),
]


def default_jurisdiction(type_: str) -> str:
    return Jurisdiction.US_CA.value if right(type_).law == Law.US else Jurisdiction.EU.value


def check_type_and_jurisdiction(type_: str, jurisdiction: str) -> str | None:
    """The reason a combination is refused, or None. US rights are for US residents (§8)."""
    if right(type_).law == Law.US and not Jurisdiction(jurisdiction).is_us:
        return "This right exists under US state law (§8): choose a US jurisdiction, or the GDPR equivalent."
    return None
