"""`/api/v1/subprocessors/` and `/api/v1/policy-versions/`: public reads, objections, staff writes.

Who may call what:
- public, no auth: the register, the policy history and each version's text;
- a calling system (token) on behalf of a customer, or the customer's own portal session:
  objections to a sub-processor, acknowledgement of/objection to a policy version, and the
  notices to show that customer;
- a privacy officer's MFA-verified staff session: propose and announce sub-processors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access_log import record_access
from accounts.api import ErrorSerializer, StrictSerializer
from accounts.models import AccessLogEntry, ApiClient, Customer
from micropim_privacy.api_errors import Conflict
from micropim_privacy.policy import POLICY_VERSION, Deadlines

from . import selectors, services
from .models import PolicyResponse, SubProcessor
from .rules import SAFEGUARDS

_E400 = OpenApiResponse(ErrorSerializer, description="Invalid input; nothing was written")
_E401 = OpenApiResponse(ErrorSerializer, description="Not signed in / missing token")
_E403 = OpenApiResponse(ErrorSerializer, description="Not allowed")
_E404 = OpenApiResponse(ErrorSerializer, description="No such (public) item")
_E409 = OpenApiResponse(ErrorSerializer, description="Not in a state that allows this; nothing changed")


def _call(service: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a service; its "wrong state" errors become 409, field errors 400 (api_errors)."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        if getattr(exc, "code", None) == "state":
            raise Conflict(exc.messages[0]) from exc
        raise


class IsCustomerOrApiClient(permissions.BasePermission):
    message = "A calling system's token, or a customer's own signed-in session, is required."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return isinstance(user, ApiClient) or bool(
            getattr(user, "is_authenticated", False) and getattr(user, "customer", None) is not None)


class IsVerifiedStaffWith(permissions.BasePermission):
    """An MFA-verified staff session (§6.1) holding the view's ``staff_permission``."""

    message = "A privacy officer's signed-in, MFA-verified staff session is required."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if isinstance(user, ApiClient) or not getattr(user, "is_staff", False):
            return False
        verified = getattr(user, "is_verified", lambda: False)()
        return bool(verified and user.has_perm(view.staff_permission))


def _acting_customer(request: Request, external_id: str | None) -> tuple[Customer | None, str]:
    """The customer an action is for: the token names them; a portal session is them."""
    if isinstance(request.user, ApiClient):
        if not external_id:
            raise DjangoValidationError({"external_id": "Name the customer (external_id)."})
        return Customer.objects.filter(external_id=external_id).first(), "api"
    return request.user.customer, "portal"


# ---------------------------------------------------------------------------
# Serializers
# ---------------------------------------------------------------------------


class Input(StrictSerializer):
    """Base of this app's request bodies: unknown fields are refused, and the schema says so."""


class InputExtension(OpenApiSerializerExtension):
    target_class = Input
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {**auto_schema._map_basic_serializer(self.target, direction), "additionalProperties": False}


class Text(serializers.CharField):
    """A JSON string only (DRF's CharField would turn 0 into "0")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class SubProcessorSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    service = serializers.CharField()
    data_shared = serializers.CharField()
    location = serializers.CharField()
    third_countries = serializers.CharField(allow_blank=True)
    transfers_outside_eea = serializers.BooleanField()
    safeguards = serializers.ListField(child=serializers.CharField())
    safeguards_text = serializers.CharField()
    scc_module = serializers.CharField(allow_null=True)
    dpf_certified = serializers.BooleanField()
    tia_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=SubProcessor.Status.choices)
    announced_at = serializers.DateTimeField(allow_null=True)
    starts_on = serializers.DateField(allow_null=True)


class SubProcessorWriteSerializer(Input):
    name = Text(max_length=100)
    service = Text(max_length=200)
    data_shared = Text(max_length=300)
    location = Text(max_length=200)
    third_countries = Text(max_length=200, required=False, allow_blank=True, default="")
    safeguards = serializers.ListField(child=Text(max_length=40), max_length=len(SAFEGUARDS),
                                       help_text=f"Codes: {', '.join(SAFEGUARDS)}")
    scc_module = serializers.ChoiceField(choices=SubProcessor.SccModule.choices, required=False, default="")
    dpf_certified = serializers.BooleanField(required=False, default=False)
    tia_date = serializers.DateField(required=False, allow_null=True, default=None)
    safeguards_text = Text(max_length=300, required=False, allow_blank=True, default="")
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    announce = serializers.BooleanField(required=False, default=False,
                                        help_text="Announce now (§4.2: starts_on ≥ today + 30 days)")


class AnnounceSerializer(Input):
    starts_on = serializers.DateField()


class ObjectionWriteSerializer(Input):
    external_id = Text(max_length=64, required=False)
    reason = Text(max_length=4000, required=False, allow_blank=True, default="")


class ObjectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subprocessor = serializers.CharField(source="subprocessor.slug")
    status = serializers.CharField()
    received_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


class PolicyVersionSerializer(serializers.Serializer):
    number = serializers.CharField()
    effective_on = serializers.DateField()
    material = serializers.BooleanField()
    change_summary = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField()
    announced_at = serializers.DateTimeField(allow_null=True)


class PolicyVersionDetailSerializer(PolicyVersionSerializer):
    text = serializers.CharField()


class PolicyResponseWriteSerializer(Input):
    external_id = Text(max_length=64, required=False)
    response = serializers.ChoiceField(choices=PolicyResponse.Kind.choices)
    reason = Text(max_length=4000, required=False, allow_blank=True, default="")


class PolicyResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.CharField(source="version.number")
    response = serializers.CharField(source="kind")
    at = serializers.DateTimeField()


# ---------------------------------------------------------------------------
# Sub-processors
# ---------------------------------------------------------------------------


class SubProcessorListView(APIView):
    staff_permission = "subprocessors.add_subprocessor"

    def get_permissions(self) -> list[permissions.BasePermission]:
        return [AllowAny()] if self.request.method == "GET" else [IsVerifiedStaffWith()]

    def get_authenticators(self) -> list[Any]:
        return [] if getattr(self.request, "method", "GET") == "GET" else super().get_authenticators()

    @extend_schema(auth=[], summary="The current sub-processor register (public, §4.2)",
                   responses=inline_serializer("SubProcessorRegister", {
                       "policy_version": serializers.CharField(),
                       "notice_period": serializers.CharField(),
                       "subprocessors": SubProcessorSerializer(many=True)}))
    def get(self, request: Request) -> Response:
        rows = [selectors.subprocessor_row(sp) for sp in selectors.public_register()]
        return Response({"policy_version": POLICY_VERSION, "notice_period": str(Deadlines.SUBPROCESSOR_NOTICE),
                         "subprocessors": SubProcessorSerializer(rows, many=True).data})

    @extend_schema(request=SubProcessorWriteSerializer, summary="Propose (and optionally announce) a sub-processor",
                   responses={201: SubProcessorSerializer, 400: _E400, 401: _E401, 403: _E403})
    def post(self, request: Request) -> Response:
        data = SubProcessorWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        announce = fields.pop("announce")
        now = timezone.now()
        with transaction.atomic():  # propose + announce: both or neither
            sp = services.subprocessor_propose(**fields, now=now)
            if announce:
                sp = _call(services.subprocessor_announce, subprocessor=sp, starts_on=sp.starts_on,
                           by=request.user, now=now)
        return Response(SubProcessorSerializer(selectors.subprocessor_row(sp)).data, status=status.HTTP_201_CREATED)


class AnnouncementView(APIView):
    staff_permission = "subprocessors.change_subprocessor"
    permission_classes = [IsVerifiedStaffWith]

    @extend_schema(request=AnnounceSerializer, summary="Announce a proposed sub-processor to every customer",
                   responses={200: SubProcessorSerializer, 400: _E400, 401: _E401, 403: _E403, 404: _E404,
                              409: _E409})
    def post(self, request: Request, slug: str) -> Response:
        sp = SubProcessor.objects.filter(slug=slug).first()
        if sp is None:
            raise Http404("No such sub-processor.")
        data = AnnounceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sp = _call(services.subprocessor_announce, subprocessor=sp, starts_on=data.validated_data["starts_on"],
                   by=request.user, now=timezone.now())
        return Response(SubProcessorSerializer(selectors.subprocessor_row(sp)).data)


class ObjectionView(APIView):
    permission_classes = [IsCustomerOrApiClient]

    @extend_schema(request=ObjectionWriteSerializer,
                   summary="A customer objects to a sub-processor (repeat: the first objection, 200)",
                   responses={200: ObjectionSerializer, 201: ObjectionSerializer, 400: _E400, 401: _E401,
                              403: _E403, 404: _E404, 409: _E409})
    def post(self, request: Request, slug: str) -> Response:
        sp = selectors.public_subprocessor(slug) or SubProcessor.objects.filter(
            slug=slug, status=SubProcessor.Status.RETIRED).first()
        if sp is None:
            raise Http404("No such sub-processor in the public register.")
        data = ObjectionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer, channel = _acting_customer(request, data.validated_data.get("external_id"))
        objection, created = _call(services.objection_create, subprocessor=sp, customer=customer,
                                   reason=data.validated_data["reason"], channel=channel, now=timezone.now())
        record_access(actor=request.user, action=AccessLogEntry.Action.API_WRITE,
                      object_type="subprocessors.subprocessorobjection", object_id=str(objection.pk),
                      subject_ref=customer.external_id if customer else "", request=request._request)
        return Response(ObjectionSerializer(objection).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# ---------------------------------------------------------------------------
# Policy versions (§13) and the notices a customer should see
# ---------------------------------------------------------------------------


class PolicyVersionListView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(auth=[], summary="Privacy policy version history (public, §13.4)",
                   responses=PolicyVersionSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(PolicyVersionSerializer(selectors.policy_history(), many=True).data)


class PolicyVersionDetailView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(auth=[], summary="One privacy policy version with its text (public)",
                   responses={200: PolicyVersionDetailSerializer, 404: _E404})
    def get(self, request: Request, number: str) -> Response:
        version = selectors.policy_version(number)
        if version is None:
            raise Http404("No such policy version.")
        return Response(PolicyVersionDetailSerializer(version).data)


class PolicyResponseView(APIView):
    permission_classes = [IsCustomerOrApiClient]

    @extend_schema(request=PolicyResponseWriteSerializer,
                   summary="A customer acknowledges or objects to a policy version (§13.3)",
                   responses={200: PolicyResponseSerializer, 201: PolicyResponseSerializer, 400: _E400,
                              401: _E401, 403: _E403, 404: _E404})
    def post(self, request: Request, number: str) -> Response:
        version = selectors.policy_version(number)
        if version is None:
            raise Http404("No such policy version.")
        data = PolicyResponseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer, channel = _acting_customer(request, data.validated_data.get("external_id"))
        response, created = _call(services.policy_response_record, version=version, customer=customer,
                                  kind=data.validated_data["response"], reason=data.validated_data["reason"],
                                  channel=channel, now=timezone.now())
        record_access(actor=request.user, action=AccessLogEntry.Action.API_WRITE,
                      object_type="subprocessors.policyresponse", object_id=str(response.pk),
                      subject_ref=customer.external_id if customer else "", request=request._request)
        return Response(PolicyResponseSerializer(response).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class NoticesView(APIView):
    """For app.micropim.net: the notices to show this customer (§13.2 "in the application")."""

    @extend_schema(summary="Policy-change and sub-processor notices to show a customer",
                   responses={200: inline_serializer("PrivacyNotice", many=True, fields={
                       "kind": serializers.CharField(), "starts_on": serializers.DateField(required=False),
                       "effective_on": serializers.DateField(required=False)}),
                       401: _E401, 403: _E403, 404: _E404})
    def get(self, request: Request, external_id: str) -> Response:
        customer = Customer.objects.filter(external_id=external_id).exclude(
            status=Customer.Status.DELETED).first()
        if customer is None:
            raise Http404("No such customer.")
        record_access(actor=request.user, action=AccessLogEntry.Action.API_READ,
                      object_type="subprocessors.notices", subject_ref=external_id, request=request._request)
        return Response(selectors.portal_notices(customer=customer, as_of=timezone.now()))
