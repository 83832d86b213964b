"""`/api/v1/accounts/{external_id}/deletion/`, `.../notifications/` and `.../export/` (CONTRACT.md)."""

from __future__ import annotations

from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from micropim_privacy.api_errors import Conflict

from .access_log import record_access
from .api import AccountSerializer, ErrorSerializer, StrictSerializer
from .export import export_json_chunks
from .lifecycle import DeletionConflict, deletion_cancel, deletion_start
from .models import AccessLogEntry, Customer, Erasure, Notification
from .selectors import customer_by_external_id

_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Missing or invalid token"),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed"),
    404: OpenApiResponse(ErrorSerializer, description="No account with this external_id"),
}
_CONFLICT = OpenApiResponse(ErrorSerializer, description="The account is not in a state that allows this")


def _customer(external_id: str) -> Customer:
    customer = customer_by_external_id(external_id)
    if customer is None:
        raise Http404("No Customer matches the given query.")
    return customer


def _account(customer: Customer, external_id: str) -> dict[str, object]:
    data = dict(AccountSerializer(customer).data)
    data["external_id"] = external_id  # an erased account's row keeps only a hash of it
    return data


def _log(request: Request, action: str, customer: Customer, external_id: str) -> None:
    record_access(actor=request.user, action=action, object_type="customer",
                  object_id=str(customer.pk), subject_ref=external_id, request=request._request)


class DeletionStartSerializer(StrictSerializer):
    """No fields: the account is named by the URL. Unknown fields are refused."""


class AccountDeletionView(APIView):
    @extend_schema(
        request=None,
        responses={201: AccountSerializer, 200: AccountSerializer,
                   400: OpenApiResponse(ErrorSerializer, description="Unknown fields"),
                   409: _CONFLICT, **_ERRORS},
        summary="Start the 31-day deletion countdown (§5.3); access is disabled at once",
        description="201: the countdown started and the notification email went out. 200: a "
        "deletion was already pending; nothing changed (the first countdown stands). 409: the "
        "account was already erased.",
    )
    def post(self, request: Request, external_id: str) -> Response:
        DeletionStartSerializer(data=request.data if request.data else {}).is_valid(raise_exception=True)
        customer = _customer(external_id)
        try:
            result = deletion_start(customer=customer, now=timezone.now())
        except DeletionConflict as exc:
            raise Conflict(str(exc)) from None
        _log(request, AccessLogEntry.Action.API_WRITE, customer, external_id)
        return Response(_account(result.customer, external_id),
                        status=status.HTTP_201_CREATED if result.started else status.HTTP_200_OK)

    @extend_schema(
        request=None,
        responses={200: AccountSerializer, 409: _CONFLICT, **_ERRORS},
        summary="Cancel a pending deletion (reactivate the account); confirmed by email",
        description="409 when no deletion is pending, when final erasure has begun, or when the "
        "account was terminated under §9.2. Nothing changes on a 404 or 409.",
    )
    def delete(self, request: Request, external_id: str) -> Response:
        customer = _customer(external_id)
        try:
            customer = deletion_cancel(customer=customer, now=timezone.now())
        except DeletionConflict as exc:
            raise Conflict(str(exc)) from None
        _log(request, AccessLogEntry.Action.API_WRITE, customer, external_id)
        return Response(_account(customer, external_id))


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["kind", "subject", "status", "created_at", "sent_at"]
        read_only_fields = fields


class AccountNotificationsView(APIView):
    @extend_schema(responses={200: NotificationSerializer(many=True), **_ERRORS},
                   summary="Every notification sent to the account (kind, subject, when)")
    def get(self, request: Request, external_id: str) -> Response:
        customer = _customer(external_id)
        _log(request, AccessLogEntry.Action.API_READ, customer, external_id)
        notes = Notification.objects.filter(customer=customer).order_by("created_at", "id")
        return Response(NotificationSerializer(notes, many=True).data)


class AccountExportView(APIView):
    @extend_schema(
        responses={(200, "application/json"): OpenApiTypes.OBJECT, 409: _CONFLICT, **_ERRORS},
        summary="Export the account's data as JSON (streamed; during the grace period too)",
        description="Every system's records: `{format, account, generated_at, records: [{system, "
        "category, data}], systems_not_included: [{system, reason}]}`. 409 once erasure has begun.",
    )
    def get(self, request: Request, external_id: str) -> StreamingHttpResponse:
        customer = _customer(external_id)
        if customer.status == Customer.Status.DELETED or Erasure.objects.filter(customer=customer).exists():
            raise Conflict("This account has been erased; there is nothing left to export.")
        _log(request, AccessLogEntry.Action.EXPORT, customer, external_id)
        response = StreamingHttpResponse(export_json_chunks(customer, now=timezone.now()),
                                         content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="micropim-export-{customer.pk}.json"'
        return response
