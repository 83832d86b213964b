"""Admin of notice campaigns: progress (sent / failed / pending), resume, cancel, and a
free-text notice to every active customer (e.g. a business transfer, §4.6)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.admin_audit import AccessLoggedAdmin
from accounts.models import Customer

from .campaigns import campaign_cancel, campaign_create, queue_delivery
from .forms import NoticeForm
from .models import NoticeCampaign, NoticeDelivery

_S = NoticeDelivery.Status


@admin.register(NoticeCampaign)
class NoticeCampaignAdmin(admin.ModelAdmin):
    form = NoticeForm
    list_display = ["title", "kind", "status", "created_at", "recipients_count", "n_sent", "n_failed", "n_pending",
                    "completed_at"]
    list_filter = ["kind", "status"]
    actions = ["resume", "cancel"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[NoticeCampaign]:
        return super().get_queryset(request).annotate(
            sent=Count("deliveries", filter=Q(deliveries__status=_S.SENT)),
            failed=Count("deliveries", filter=Q(deliveries__status=_S.FAILED)),
            pending=Count("deliveries", filter=Q(deliveries__status__in=[_S.PENDING, _S.SENDING])),
        )

    @admin.display(description="Sent", ordering="sent")
    def n_sent(self, obj: NoticeCampaign) -> int:
        return getattr(obj, "sent", 0)

    @admin.display(description="Failed", ordering="failed")
    def n_failed(self, obj: NoticeCampaign) -> int:
        return getattr(obj, "failed", 0)

    @admin.display(description="Pending", ordering="pending")
    def n_pending(self, obj: NoticeCampaign) -> int:
        return getattr(obj, "pending", 0)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            kwargs["form"] = admin.ModelAdmin.form  # a sent campaign is read-only
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return [f.name for f in NoticeCampaign._meta.fields]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]
        if obj is None:
            return ["kind", "title", "subject_en", "body_en", "subject_ro", "body_ro"]
        return [f.name for f in NoticeCampaign._meta.fields]

    def save_model(self, request: HttpRequest, obj: NoticeCampaign, form: Any, change: bool) -> None:
        if change:
            return
        data = form.cleaned_data
        customers = Customer.objects.filter(status=Customer.Status.ACTIVE).only("pk", "language").iterator()
        campaign = campaign_create(
            kind=data["kind"], title=data["title"], recipients=((c, None) for c in customers), template="notice",
            context={k: data[k] for k in ("subject_en", "body_en", "subject_ro", "body_ro")},
            created_by=request.user, now=timezone.now())
        obj.pk = campaign.pk
        obj._state.adding = False
        obj.refresh_from_db()

    @admin.action(description="Resume delivery now", permissions=["change"])
    def resume(self, request: HttpRequest, queryset: QuerySet[NoticeCampaign]) -> None:
        for campaign in queryset.filter(status=NoticeCampaign.Status.SENDING):
            queue_delivery(campaign.pk)
        self.message_user(request, "Delivery queued.", messages.SUCCESS)

    @admin.action(description="Cancel (stop sending to those not reached yet)", permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[NoticeCampaign]) -> None:
        for campaign in queryset.filter(status=NoticeCampaign.Status.SENDING):
            stopped = campaign_cancel(campaign=campaign, now=timezone.now())
            self.message_user(request, f"{campaign}: {stopped} not sent.", messages.WARNING)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(NoticeDelivery)
class NoticeDeliveryAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = ["id", "campaign", "recipient", "language", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "campaign"]
    list_select_related = ["campaign", "customer"]
    raw_id_fields = ["campaign", "customer", "notification"]

    def subject_ref_of(self, obj: Any) -> str:
        return obj.customer.external_id if obj is not None and obj.customer else ""

    @admin.display(description="Recipient")
    def recipient(self, obj: NoticeDelivery) -> str:
        return f"Customer {obj.customer.external_id}" if obj.customer else "address (not a customer)"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in NoticeDelivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method == "GET" and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
