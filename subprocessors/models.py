"""Sub-processors (§4.2), policy versions (§13) and the notice campaigns that announce them.

``NoticeCampaign``/``NoticeDelivery`` are the one mechanism for every mass notice (new
sub-processor, material policy change, business transfer §4.6, high-risk breach §6.4);
their service API is ``subprocessors.campaigns``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Customer, Notification

from .rules import SAFEGUARDS


class NoticeCampaign(models.Model):
    class Kind(models.TextChoices):
        SUBPROCESSOR = "subprocessor", "New sub-processor (§4.2)"
        POLICY_CHANGE = "policy_change", "Material privacy policy change (§13.2)"
        BUSINESS_TRANSFER = "business_transfer", "Business transfer (§4.6)"
        BREACH = "breach", "High-risk personal-data breach (§6.4)"
        OTHER = "other", "Other notice"

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200)
    template = models.CharField(max_length=64, help_text="Email kind: templates/emails/<template>.<en|ro>.txt")
    context = models.JSONField(default=dict, blank=True, help_text="Template context shared by every recipient")
    source_type = models.CharField(max_length=100, blank=True, help_text="e.g. breaches.breach")
    source_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING, db_index=True)
    recipients_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return f"Campaign {self.pk}: {self.title}"


class NoticeDelivery(models.Model):
    """One recipient of one campaign. The unique key makes a resumed campaign send nobody twice."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"  # not tried yet, or a retry is scheduled (next_attempt_at)
        SENDING = "sending", "Sending"  # claimed by a worker
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"
        SKIPPED = "skipped", "Skipped (no address any more)"

    campaign = models.ForeignKey(NoticeCampaign, on_delete=models.CASCADE, related_name="deliveries")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_email = models.EmailField(blank=True, help_text="Only for recipients who are not customers")
    # "customer:<pk>" or "email:<sha256 of the address>": no address is copied into the key.
    recipient_key = models.CharField(max_length=80)
    language = models.CharField(max_length=2, default="en")
    context = models.JSONField(null=True, blank=True, help_text="Extra context for this recipient")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=100, blank=True)
    notification = models.ForeignKey(Notification, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "notice deliveries"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "recipient_key"], name="notice_delivery_once_per_recipient"),
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"Delivery {self.pk} of campaign {self.campaign_id} ({self.status})"

    @property
    def dedupe_key(self) -> str:
        return f"campaign:{self.campaign_id}:{self.pk}"


class SubProcessor(models.Model):
    """One row of the §4.2 register, with its transfer safeguards (§4.4, §12.2)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed (not public)"
        ANNOUNCED = "announced", "Announced (starts after the notice period)"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    class SccModule(models.TextChoices):
        NONE = "", "—"
        MODULE_1 = "module_1", "Module 1 (controller to controller)"
        MODULE_2 = "module_2", "Module 2 (controller to processor)"
        MODULE_3 = "module_3", "Module 3 (processor to processor)"
        MODULE_4 = "module_4", "Module 4 (processor to controller)"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=100, help_text="Order in the §4.2 table")
    service = models.CharField(max_length=200, help_text="Service provided")
    data_shared = models.CharField(max_length=300)
    location = models.CharField(max_length=200)
    third_countries = models.CharField(
        max_length=200, blank=True,
        help_text="Countries outside the EU/EEA the data may go to; empty = it stays in the EU/EEA")
    safeguards = models.JSONField(default=list, blank=True, help_text=f"Codes: {', '.join(SAFEGUARDS)}")
    scc_module = models.CharField(max_length=10, choices=SccModule.choices, blank=True, default="")
    dpf_certified = models.BooleanField("EU-US DPF certified", default=False)
    tia_date = models.DateField("transfer impact assessment date", null=True, blank=True)
    safeguards_text = models.CharField(max_length=300, help_text="As published in the §4.2 table")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    starts_on = models.DateField(null=True, blank=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    retired_on = models.DateField(null=True, blank=True)
    announcement = models.ForeignKey(NoticeCampaign, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "sub-processor"
        permissions = [("download_art30_record", "Can download the Art. 30 record of processing")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.ANNOUNCED, self.Status.ACTIVE)

    @property
    def transfers_outside_eea(self) -> bool:
        return bool(self.third_countries.strip())

    @property
    def safeguard_labels(self) -> list[str]:
        return [SAFEGUARDS.get(code, code) for code in self.safeguards]


class RegisterChange(models.Model):
    """A public change of the register: what the Atom feed publishes."""

    class Kind(models.TextChoices):
        LISTED = "listed", "Listed in the privacy policy"
        ANNOUNCED = "announced", "Announced"
        STARTED = "started", "Started processing"
        UPDATED = "updated", "Details changed"
        RETIRED = "retired", "Retired"

    subprocessor = models.ForeignKey(SubProcessor, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    summary = models.TextField()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            # A job re-run never publishes the same start twice.
            models.UniqueConstraint(fields=["subprocessor", "kind"], condition=models.Q(kind="started"),
                                    name="register_change_started_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subprocessor_id} {self.kind} {self.at:%Y-%m-%d}"


class SubProcessorObjection(models.Model):
    """§4.2 / §12.3: a customer objects to a (new) sub-processor; a privacy officer answers."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"

    subprocessor = models.ForeignKey(SubProcessor, on_delete=models.PROTECT, related_name="objections")
    customer = models.ForeignKey(Customer, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True, max_length=4000)
    channel = models.CharField(max_length=10, default="api")
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subprocessor", "customer"], name="one_objection_per_customer"),
        ]

    def __str__(self) -> str:
        return f"Objection {self.pk} to sub-processor {self.subprocessor_id}"


class PolicyVersion(models.Model):
    """§13: a version of the privacy policy. Published versions are never edited (§13.4 history)."""

    number = models.CharField(max_length=16, unique=True)
    effective_on = models.DateField()
    material = models.BooleanField(default=False, help_text="§13.2: material changes need 30 days' notice")
    text = models.TextField()
    change_summary = models.TextField(blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    announced_at = models.DateTimeField(null=True, blank=True)
    announcement = models.ForeignKey(NoticeCampaign, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"Privacy policy {self.number}"


class PolicyResponse(models.Model):
    """A customer's acknowledgement of, or objection to, a policy version (§13.3)."""

    class Kind(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        OBJECTED = "objected", "Objected"

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="responses")
    customer = models.ForeignKey(Customer, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.TextField(blank=True, max_length=4000)
    channel = models.CharField(max_length=10, default="api")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "customer", "kind"], name="one_response_of_a_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of policy {self.version_id}"
