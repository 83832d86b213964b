"""`/api/v1/requests/`: open a data subject request on a person's behalf, and follow it.

Calling systems (token) read the requests they filed; a signed-in portal customer (session)
files and reads their own. Anyone else's request id reads as 404, never 403 (no probing).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access_log import record_access
from accounts.api import Email, ErrorSerializer, Regex, StrictSerializer, Text
from accounts.models import AccessLogEntry, ApiClient, Customer
from micropim_privacy.api_errors import Conflict

from .intake import CORRECTABLE, Submission, request_submit
from .models import DataSubjectRequest, RequestEvent
from .rights import JURISDICTION_CHOICES, TYPE_CHOICES
from .selectors import request_for_client, request_for_customer
from .services import WorkflowError
from .timeline import record


class ClientOrCustomer(permissions.BasePermission):
    message = "An API token, or a signed-in customer session, is required."

    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.user, ApiClient):
            return True
        return _portal_customer(request) is not None


def _portal_customer(request: Request) -> Customer | None:
    user = request.user
    if user is None or isinstance(user, ApiClient) or not getattr(user, "is_authenticated", False):
        return None
    return Customer.objects.filter(user=user).exclude(status=Customer.Status.DELETED).first()




@extend_schema_field({
    "type": "object", "additionalProperties": False,
    "description": "Rectification: the corrected values, by field.",
    "properties": {name: {"type": "string", "maxLength": 254} for name in CORRECTABLE},
})
class CorrectionsField(serializers.DictField):
    child = Text(max_length=254, allow_blank=True)

    def to_internal_value(self, data: Any) -> dict[str, str]:
        value: dict[str, str] = super().to_internal_value(data)
        unknown = sorted(set(value) - set(CORRECTABLE))
        if unknown:
            raise serializers.ValidationError(f"Cannot correct: {', '.join(unknown)}. "
                                              f"Correctable: {', '.join(CORRECTABLE)}.")
        return value


class RequestCreateSerializer(StrictSerializer):
    type = serializers.ChoiceField(choices=TYPE_CHOICES)
    email = Email(max_length=254)
    external_id = Regex(r"^[A-Za-z0-9_.:@-]{1,64}$", max_length=64, required=False)
    jurisdiction = serializers.ChoiceField(choices=JURISDICTION_CHOICES, required=False)
    details = Text(max_length=5000, required=False, allow_blank=True)
    full_name = Text(max_length=200, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Customer.Language.choices, required=False)
    corrections = CorrectionsField(required=False)
    agent_name = Text(max_length=200, required=False, allow_blank=True)
    agent_email = Email(max_length=254, required=False, allow_blank=True)


class _NoExtraFields(OpenApiSerializerExtension):
    """The schema says what StrictSerializer does: unknown fields are refused."""

    target_class = RequestCreateSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        return schema


class RequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    extended = serializers.BooleanField(read_only=True)
    verified = serializers.BooleanField(read_only=True)

    class Meta:
        model = DataSubjectRequest
        fields = ["id", "type", "jurisdiction", "status", "received_at", "due_at", "extended",
                  "verified", "closed_at"]
        read_only_fields = fields


_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; nothing was written"),
    401: OpenApiResponse(ErrorSerializer, description="Missing or invalid token"),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed"),
}


class RequestListView(APIView):
    permission_classes = [ClientOrCustomer]

    @extend_schema(request=RequestCreateSerializer,
                   responses={201: RequestSerializer, 409: OpenApiResponse(ErrorSerializer), **_ERRORS},
                   summary="Open a data subject request (GDPR §7, US §8)")
    def post(self, request: Request) -> Response:
        data = RequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        client = request.user if isinstance(request.user, ApiClient) else None
        portal_customer = None if client else _portal_customer(request)
        customer = portal_customer
        unknown_id = ""
        if client is not None and v.get("external_id"):
            # An account we do not know (yet) never blocks a request: it is taken, matched by
            # its address if possible, and the officer sees which id was given.
            customer = Customer.objects.filter(external_id=v["external_id"]).first()
            unknown_id = "" if customer is not None else v["external_id"]
        now = timezone.now()
        submission = Submission(
            type=v["type"], email=portal_customer.email if portal_customer else v["email"], channel=(DataSubjectRequest.Channel.API if client
                                                       else DataSubjectRequest.Channel.PORTAL),
            received_at=now, customer=customer, jurisdiction=v.get("jurisdiction", ""),
            full_name=v.get("full_name", ""), language=v.get("language", ""),
            details=v.get("details", ""), corrections=v.get("corrections") or {},
            agent_name=(v.get("agent_name") or v.get("agent_email", ""))[:200], agent_email=v.get("agent_email", ""),
            api_client=client,
        )
        try:
            dsr = request_submit(submission=submission, actor=client or f"portal:{customer.external_id}",  # type: ignore[union-attr]
                                 now=now, portal_user=None if client else request.user)
        except DjangoValidationError as exc:
            raise DrfValidationError(exc.message_dict) from exc
        except WorkflowError as exc:
            raise Conflict(str(exc)) from exc
        if unknown_id:
            record(dsr=dsr, kind=RequestEvent.Kind.NOTE, actor=client, now=now,
                   reason="The external_id given is not a known account; matched by email if possible.",
                   external_id=unknown_id)
        record_access(actor=client or request.user, action=AccessLogEntry.Action.API_WRITE,
                      object_type="dsar.datasubjectrequest", object_id=str(dsr.pk),
                      subject_ref=dsr.subject_ref, request=request._request)
        return Response(RequestSerializer(dsr).data, status=status.HTTP_201_CREATED)


class RequestDetailView(APIView):
    permission_classes = [ClientOrCustomer]

    @extend_schema(responses={200: RequestSerializer, 404: OpenApiResponse(ErrorSerializer), **_ERRORS},
                   summary="Read a data subject request: status, received_at, due_at, extended, verified")
    def get(self, request: Request, public_id: str) -> Response:
        if isinstance(request.user, ApiClient):
            dsr = request_for_client(request.user, public_id)
        else:
            customer = _portal_customer(request)
            dsr = request_for_customer(customer, public_id) if customer else None
        if dsr is None:
            raise NotFound("No such request.")
        record_access(actor=request.user, action=AccessLogEntry.Action.API_READ,
                      object_type="dsar.datasubjectrequest", object_id=str(dsr.pk),
                      subject_ref=dsr.subject_ref, request=request._request)
        return Response(RequestSerializer(dsr).data)
