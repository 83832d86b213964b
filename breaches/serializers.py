"""What the breaches API accepts and returns. Rules live in services; these only check shapes."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from accounts.api import StrictSerializer
from micropim_privacy.policy import CATEGORIES

from .models import AuthorityReport, Breach, BreachAlert

MAX_TEXT = 20_000
MAX_COUNT = 2**63 - 1  # a PositiveBigIntegerField


def _text(*, required: bool = False, max_length: int = MAX_TEXT) -> serializers.CharField:
    return serializers.CharField(required=required, allow_blank=not required, max_length=max_length)


def _count() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False, allow_null=True)


# ---------------------------------------------------------------------------
# Security reports (§14.4)
# ---------------------------------------------------------------------------


class SecurityReportIntakeSerializer(StrictSerializer):
    summary = serializers.CharField(max_length=200)
    details = serializers.CharField(max_length=10_000)
    reporter_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reporter_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    personal_data_involved = serializers.BooleanField(required=False, allow_null=True, default=None)


class SecurityReportReceiptSerializer(serializers.Serializer):
    reference = serializers.CharField()
    received_at = serializers.DateTimeField()
    status = serializers.CharField()


# ---------------------------------------------------------------------------
# The register
# ---------------------------------------------------------------------------


class BreachWriteSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    discovered_at = serializers.DateTimeField()
    detected_by = serializers.CharField(max_length=200)
    nature = _text(required=True)
    confidentiality = serializers.BooleanField(required=False)
    integrity = serializers.BooleanField(required=False)
    availability = serializers.BooleanField(required=False)
    data_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=[c.key for c in CATEGORIES]), required=False,
        max_length=len(CATEGORIES))
    data_categories_note = _text()
    subject_categories = _text()
    approx_subjects = _count()
    approx_records = _count()
    likely_consequences = _text()
    measures_taken = _text()
    measures_proposed = _text()
    contact_point = _text(max_length=2000)
    risk_level = serializers.ChoiceField(choices=Breach.Risk.choices, required=False)
    risk_reasoning = _text()
    source_report = serializers.CharField(max_length=20, required=False,
                                          help_text="Reference of the security report (create only)")



class AuthorityReportWriteSerializer(StrictSerializer):
    notified_at = serializers.DateTimeField()
    method = serializers.ChoiceField(choices=AuthorityReport.Method.choices)
    reference = serializers.CharField(max_length=100)
    late_reason = _text()
    notes = _text()


class AuthorityReportSerializer(serializers.ModelSerializer):
    late = serializers.BooleanField(source="is_late", read_only=True)

    class Meta:
        model = AuthorityReport
        fields = ["id", "kind", "notified_at", "method", "reference", "late", "late_reason",
                  "notes", "recorded_at"]
        read_only_fields = fields


class BreachAlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = BreachAlert
        fields = ["stage", "due_at", "status", "created_at", "completed_at", "recipients"]
        read_only_fields = fields


class BreachSerializer(serializers.ModelSerializer):
    authority_reports = AuthorityReportSerializer(many=True, read_only=True)
    alerts = BreachAlertSerializer(many=True, read_only=True)
    security_reports = serializers.SlugRelatedField(source="reports", many=True, read_only=True,
                                                    slug_field="reference")
    authority_notification_required = serializers.BooleanField(read_only=True)
    clock_running = serializers.BooleanField(read_only=True)
    time_left = serializers.SerializerMethodField()
    affected_people = serializers.SerializerMethodField()

    class Meta:
        model = Breach
        fields = [
            "id", "reference", "title", "occurred_at", "discovered_at", "authority_deadline_at",
            "time_left", "clock_running", "authority_notification_required",
            "authority_notified_at", "detected_by", "nature", "confidentiality", "integrity",
            "availability", "data_categories", "data_categories_note", "subject_categories",
            "approx_subjects", "approx_records", "likely_consequences", "measures_taken",
            "measures_proposed", "contact_point", "risk_level", "risk_reasoning",
            "risk_assessed_at", "recorded_at", "updated_at", "authority_reports", "alerts",
            "security_reports", "affected_people",
        ]
        read_only_fields = fields

    def get_time_left(self, obj: Breach) -> str:
        return obj.time_left_text(timezone.now())

    def get_affected_people(self, obj: Breach) -> int:
        return getattr(obj, "affected_count", None) or obj.affected.count()



# ---------------------------------------------------------------------------
# People affected and their notice (Art. 34)
# ---------------------------------------------------------------------------


class AffectedPeopleWriteSerializer(StrictSerializer):
    external_ids = serializers.ListField(
        child=serializers.RegexField(r"^[A-Za-z0-9_.:@-]{1,64}$", max_length=64),
        required=False, max_length=100_000)
    all_customers = serializers.BooleanField(required=False, default=False)


class AffectedPeopleResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    affected_people = serializers.IntegerField()


class SubjectNoticeWriteSerializer(StrictSerializer):
    nature_en = _text(required=True)
    nature_ro = _text(required=True)
    consequences_en = _text(required=True)
    consequences_ro = _text(required=True)
    measures_en = _text(required=True)
    measures_ro = _text(required=True)
    contact_point = _text(max_length=2000)


class NoticeDeliverySerializer(serializers.Serializer):
    campaign = serializers.IntegerField(source="campaign_id")
    person = serializers.SerializerMethodField()
    language = serializers.CharField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    sent_at = serializers.DateTimeField(allow_null=True)

    def get_person(self, obj: Any) -> str:
        return obj.customer.external_id if obj.customer_id else ""


class NoticeCampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    status = serializers.CharField()
    recipients = serializers.IntegerField(source="recipients_count")


class SubjectNoticesSerializer(serializers.Serializer):
    campaigns = NoticeCampaignSerializer(many=True)
    deliveries = NoticeDeliverySerializer(many=True)
