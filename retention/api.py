"""Public `GET /api/v1/retention-schedule/`: the registry's retention table."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from micropim_privacy.policy import POLICY_EFFECTIVE, POLICY_VERSION

from .selectors import retention_schedule


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
