"""`/api/v1/consent/`, `/api/v1/newsletter/…`, `/api/v1/marketing/eligibility/` (thin views)."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access_log import record_access
from accounts.api import ErrorSerializer, StrictSerializer
from accounts.models import AccessLogEntry, Customer
from micropim_privacy.policy import POLICY_VERSION

from .anonymise import client_address
from .cors import PublicCorsMixin
from .models import ConsentRecord
from .selectors import current_cookie_decision, marketing_eligibility
from .services import cookie_decision_record, subscription_record_engagement, subscription_start

VISITOR_ID = r"^[A-Za-z0-9_-]{8,64}$"
VERSION = r"^[0-9A-Za-z._-]{1,16}$"


class StrictBooleanField(serializers.BooleanField):
    """JSON true/false only: "yes" or 1 is a client bug, not a consent."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


@extend_schema_field({"type": "boolean", "enum": [True]})
class AlwaysTrueField(StrictBooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if super().to_internal_value(data) is not True:
            raise serializers.ValidationError("Strictly necessary cookies cannot be refused (§10.2).")
        return True


class StrictRegexField(serializers.RegexField):
    """A JSON string only (DRF would turn 0 into "0")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ConsentInput(StrictSerializer):
    """Base of this app's request bodies: unknown fields are refused, and the schema says so."""


class ConsentInputExtension(OpenApiSerializerExtension):
    target_class = ConsentInput
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        return {**schema, "additionalProperties": False}


class ConsentDecisionSerializer(ConsentInput):
    visitor_id = StrictRegexField(VISITOR_ID, help_text="Random id the banner keeps in a first-party cookie")
    necessary = AlwaysTrueField(required=False, help_text="Strictly necessary: always on (§10.2); only true")
    analytics = StrictBooleanField()
    marketing = StrictBooleanField()
    policy_version = StrictRegexField(VERSION)
    banner_version = StrictRegexField(VERSION, required=False, default="")
    gpc = StrictBooleanField(required=False, default=False,
                             help_text="navigator.globalPrivacyControl as the page saw it")


_VISITOR_RE = re.compile(VISITOR_ID)
_VERSION_RE = re.compile(VERSION)
_DECISION_FIELDS = frozenset(ConsentDecisionSerializer._declared_fields)


def accept_decision_fast(data: Any) -> dict[str, Any] | None:
    """The common, valid body checked in microseconds; None sends it to the serializer.

    Only ever *accepts* what ``ConsentDecisionSerializer`` accepts, with the same values
    (tests/consent/test_decision_fast_path.py checks that with hypothesis); anything
    unusual, and every error message, goes through the serializer. A DRF serializer costs
    ~0.5 ms here, half of the bare insert this endpoint is measured against (bench/consent/).
    """
    if type(data) is not dict or not data.keys() <= _DECISION_FIELDS:
        return None
    visitor, analytics, marketing = data.get("visitor_id"), data.get("analytics"), data.get("marketing")
    policy, banner = data.get("policy_version"), data.get("banner_version", "")
    gpc, necessary = data.get("gpc", False), data.get("necessary", True)
    banner_ok = banner == "" and "banner_version" not in data or (
        type(banner) is str and _VERSION_RE.fullmatch(banner))
    if not (type(visitor) is str and _VISITOR_RE.fullmatch(visitor)
            and type(policy) is str and _VERSION_RE.fullmatch(policy) and banner_ok
            and type(analytics) is bool and type(marketing) is bool
            and type(gpc) is bool and necessary is True):
        return None
    return {"visitor_id": visitor, "analytics": analytics, "marketing": marketing,
            "policy_version": policy, "banner_version": banner, "gpc": gpc}


class ConsentDecisionOut(serializers.Serializer):
    """The answer's schema (the views build it with ``decision_body``; a test keeps them equal)."""

    visitor_id = serializers.CharField(source="subject_key")
    necessary = serializers.SerializerMethodField()
    analytics = serializers.BooleanField()
    marketing = serializers.BooleanField()
    policy_version = serializers.CharField()
    banner_version = serializers.CharField(source="text_version")
    gpc = serializers.BooleanField()
    gpc_source = serializers.CharField()
    gpc_overrode = serializers.BooleanField(help_text="GPC turned off a category the body asked for")
    decided_at = serializers.DateTimeField(source="recorded_at")
    policy_current = serializers.SerializerMethodField()

    def get_necessary(self, obj: ConsentRecord) -> bool:
        return True

    def get_policy_current(self, obj: ConsentRecord) -> bool:
        return obj.policy_version == POLICY_VERSION


def decision_body(record: ConsentRecord) -> dict[str, Any]:
    """ConsentDecisionOut by hand: this is the hottest response of the service (bench/consent/)."""
    return {
        "visitor_id": record.subject_key, "necessary": True, "analytics": record.analytics,
        "marketing": record.marketing, "policy_version": record.policy_version,
        "banner_version": record.text_version, "gpc": record.gpc, "gpc_source": record.gpc_source,
        "gpc_overrode": record.gpc_overrode, "decided_at": record.recorded_at.isoformat().replace("+00:00", "Z"),
        "policy_current": record.policy_version == POLICY_VERSION,
    }


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    text = {400: "Invalid input; nothing was written", 401: "Missing or invalid token",
            403: "Origin or caller not allowed", 404: "Not found",
            413: "Body over the size limit; nothing was written", 415: "Unsupported media type"}
    return {c: OpenApiResponse(ErrorSerializer, description=text[c]) for c in codes}


def _gpc_header(request: Request) -> bool:
    return request.META.get("HTTP_SEC_GPC", "").strip() == "1"


class ConsentView(PublicCorsMixin, APIView):
    @extend_schema(
        auth=[], request=ConsentDecisionSerializer,
        responses={201: ConsentDecisionOut, **_errors(400, 403, 413, 415)},
        parameters=[OpenApiParameter("Sec-GPC", OpenApiTypes.STR, OpenApiParameter.HEADER,
                                     description="'1' forces analytics and marketing off (§10.4)")],
        summary="Record a cookie-banner decision (public; CORS for our sites)",
    )
    def post(self, request: Request) -> Response:
        v = accept_decision_fast(request.data)
        if v is None:
            data = ConsentDecisionSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            v = data.validated_data
        record = cookie_decision_record(
            visitor_id=v["visitor_id"], analytics=v["analytics"], marketing=v["marketing"],
            policy_version=v["policy_version"], banner_version=v["banner_version"],
            gpc_header=_gpc_header(request), gpc_body=v["gpc"],
            source=request.META.get("HTTP_ORIGIN", ""), ip=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT"), now=timezone.now(),
        )
        return Response(decision_body(record), status=status.HTTP_201_CREATED)


class ConsentDetailView(PublicCorsMixin, APIView):
    cors_methods = "GET, OPTIONS"

    @extend_schema(
        auth=[], responses={200: ConsentDecisionOut, **_errors(403, 404)},
        summary="A visitor's current cookie choice (read it before setting cookies)",
    )
    def get(self, request: Request, visitor_id: str) -> Response:
        record = current_cookie_decision(visitor_id) if re.fullmatch(VISITOR_ID, visitor_id) else None
        if record is None:
            raise exceptions.NotFound("No decision recorded for this visitor.")
        body = decision_body(record)
        if _gpc_header(request):  # §10.4: a GPC signal now wins over an older opt-in
            body.update(analytics=False, marketing=False, gpc=True)
        response = Response(body)
        response["Cache-Control"] = "no-store"
        return response


class SubscribeSerializer(ConsentInput):
    email = serializers.EmailField(max_length=254)
    source = StrictRegexField(r"^[\w .:/#@-]{1,120}$", help_text="Which form, e.g. micropim.net/footer")
    consent_text_version = StrictRegexField(r"^[0-9A-Za-z._-]{1,32}$")
    language = serializers.ChoiceField(choices=Customer.Language.choices, required=False, default="en")


class NewsletterSubscribeView(PublicCorsMixin, APIView):
    cors_methods = "POST, OPTIONS"

    @extend_schema(
        auth=[], request=SubscribeSerializer,
        responses={202: OpenApiResponse(ErrorSerializer, description="Confirmation link mailed (double opt-in)"),
                   **_errors(400, 403, 413, 415)},
        summary="Newsletter signup: mails a confirmation link; nothing else until it is used",
    )
    def post(self, request: Request) -> Response:
        data = SubscribeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        subscription_start(email=v["email"], source=v["source"], consent_text_version=v["consent_text_version"],
                           language=v["language"], ip=client_address(request),
                           user_agent=request.META.get("HTTP_USER_AGENT"), now=timezone.now())
        # The same answer whether or not the address was known: no enumeration.
        return Response({"detail": "Check your inbox: we sent a link to confirm the subscription."},
                        status=status.HTTP_202_ACCEPTED)


class EngagementSerializer(ConsentInput):
    email = serializers.EmailField(max_length=254)


class NewsletterEngagementView(APIView):
    renderer_classes = [JSONRenderer]

    @extend_schema(request=EngagementSerializer,
                   responses={200: OpenApiResponse(ErrorSerializer), **_errors(400, 401, 403)},
                   summary="The mailer reports an open or click (restarts the 2-year inactivity clock)")
    def post(self, request: Request) -> Response:
        data = EngagementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changed = subscription_record_engagement(email=data.validated_data["email"], now=timezone.now())
        return Response({"detail": "Recorded." if changed else "No confirmed subscription for this address."})


class EligibilityOut(serializers.Serializer):
    allowed = serializers.BooleanField()
    basis = serializers.ChoiceField(choices=["consent", "legitimate_interest"], allow_null=True)
    reason = serializers.CharField()
    customer = serializers.CharField(allow_null=True, help_text="external_id of the matching customer")


class EligibilityQuery(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class MarketingEligibilityView(APIView):
    renderer_classes = [JSONRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("email", OpenApiTypes.EMAIL, required=True)],
        responses={200: EligibilityOut, **_errors(400, 401, 403)},
        summary="May this address receive marketing now, and on which basis?",
    )
    def get(self, request: Request) -> Response:
        query = EligibilityQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        decision = marketing_eligibility(email=query.validated_data["email"])
        ref = decision.customer.external_id if decision.customer else ""
        record_access(actor=request.user, action=AccessLogEntry.Action.API_READ,
                      object_type="marketing_eligibility", subject_ref=ref, request=request._request)
        return Response(EligibilityOut({
            "allowed": decision.allowed, "basis": decision.basis.value if decision.basis else None,
            "reason": decision.reason.value, "customer": ref or None}).data)
