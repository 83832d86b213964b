"""The retention app's API: the public retention schedule, event intake, the Stripe webhook."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

import stripe
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import ErrorSerializer
from micropim_privacy.policy import POLICY_EFFECTIVE, POLICY_VERSION

from . import conf
from .selectors import retention_schedule
from .serializers import EventBatchIn, validate_batch
from .services import EVENT_MODELS, events_ingest, stripe_event_apply

log = logging.getLogger(__name__)


def _row() -> serializers.Serializer:
    return inline_serializer(
        "RetentionCategory",
        many=True,
        fields={
            "key": serializers.CharField(),
            "name": serializers.CharField(),
            "section": serializers.CharField(),
            "data": serializers.CharField(),
            "purpose": serializers.CharField(),
            "legal_basis": serializers.ListField(child=serializers.CharField()),
            "legal_basis_text": serializers.CharField(),
            "retention": serializers.CharField(),
            "retention_period": serializers.CharField(allow_null=True),
            "counts_from": serializers.CharField(),
            "at_end": serializers.CharField(),
            "recipients": serializers.ListField(child=serializers.CharField()),
            "held_in": serializers.ListField(child=serializers.CharField()),
            "source": serializers.CharField(),
        },
    )


class RetentionScheduleView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        auth=[],
        responses=inline_serializer(
            "RetentionSchedule",
            {
                "policy_version": serializers.CharField(),
                "effective": serializers.CharField(),
                "categories": _row(),
            },
        ),
        summary="The retention schedule, generated from the policy registry",
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "policy_version": POLICY_VERSION,
                "effective": POLICY_EFFECTIVE,
                "categories": retention_schedule(),
            }
        )


def batch_error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class BatchIntakeView(APIView):
    """All-or-nothing batch intake: a size check, then every problem listed, or all stored."""

    def validate(self, data: Any, *, now: datetime) -> tuple[Any, Any]:
        raise NotImplementedError

    def ingest(self, valid: Any) -> dict[str, int]:
        raise NotImplementedError

    def post(self, request: Request) -> Response:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > conf.events_max_body_bytes():
            return Response({"detail": f"Request body over {conf.events_max_body_bytes()} bytes; "
                             "send smaller batches. Nothing was stored."},
                            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        valid, errors = self.validate(request.data, now=timezone.now())
        if errors:
            return Response({"detail": "Invalid batch: nothing was stored.", "errors": errors},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response({"stored": self.ingest(valid)}, status=status.HTTP_201_CREATED)


class EventBatchView(BatchIntakeView):
    """§2.3 data from app.micropim.net: usage, login, error and server-log events in batches."""

    def validate(self, data: Any, *, now: datetime) -> tuple[Any, Any]:
        return validate_batch(data, now=now)

    def ingest(self, valid: Any) -> dict[str, int]:
        return events_ingest(events=valid)

    @extend_schema(
        request=EventBatchIn,
        responses={
            201: inline_serializer("EventBatchStored", {
                "stored": inline_serializer("EventCounts", {
                    k: serializers.IntegerField() for k in EVENT_MODELS})}),
            400: batch_error("Every problem of the batch, by event index and field; nothing stored"),
            401: batch_error("Missing or invalid token"),
            403: batch_error("Not an API client"),
            413: batch_error("Request body too large; nothing stored"),
        },
        summary="Store a batch of usage, login, error and server-log events (all or nothing)",
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class StripeWebhookView(APIView):
    """Stripe calls this with billing events; the signature is checked by the `stripe` library."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        auth=[],
        request=OpenApiTypes.OBJECT,
        parameters=[OpenApiParameter("Stripe-Signature", str, OpenApiParameter.HEADER, required=True,
                                     description="Stripe's signature header: t=<unix time>,v1=<HMAC>")],
        responses={
            200: inline_serializer("StripeWebhookAccepted", {"received": serializers.BooleanField(),
                                                             "mirrored": serializers.CharField()}),
            400: batch_error("Signed by Stripe, but not an event we can read"),
            403: batch_error("Not signed by Stripe with our secret, or the signature is too old"),
        },
        summary="Stripe webhook: mirrors charges and invoices (§2.2, §4.3)",
    )
    def post(self, request: Request) -> Response:
        payload = request._request.body
        secret = conf.stripe_webhook_secret()
        if not secret:
            log.error("STRIPE_WEBHOOK_SECRET is not set: refusing Stripe webhook calls")
        try:
            # Verifies the signature and its age first, then parses (Stripe's documented way).
            stripe.Webhook.construct_event(payload, request.headers.get("Stripe-Signature"), secret,
                                           tolerance=conf.stripe_webhook_tolerance_seconds())
            event = json.loads(payload)
        except stripe.SignatureVerificationError:
            return Response({"detail": "Invalid or expired Stripe signature."},
                            status=status.HTTP_403_FORBIDDEN)
        except (ValueError, AttributeError, TypeError):  # signed, but not a JSON event object
            event = None
        if not isinstance(event, dict):
            return Response({"detail": "Unreadable Stripe event."}, status=status.HTTP_400_BAD_REQUEST)
        try:
            mirrored = stripe_event_apply(event=event)
        except (ValueError, TypeError, AttributeError):
            log.warning("stripe event %s not understood", str(event.get("id"))[:64])
            return Response({"detail": "Stripe event not understood."},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response({"received": True, "mirrored": mirrored})
