"""`/api/v1/accounts/`: the main app reports accounts and reads their privacy state."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .access_log import record_access
from .models import AccessLogEntry, Customer
from .selectors import customer_by_external_id, is_on_legal_hold
from .services import customer_upsert


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(required=False)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo never silently drops data."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class StrictSerializerExtension(OpenApiSerializerExtension):
    """The schema says what StrictSerializer does: unknown fields are refused
    (``additionalProperties: false``), for every subclass in every app."""

    target_class = StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        return {**auto_schema._map_basic_serializer(self.target, direction), "additionalProperties": False}


class TextOnly:
    """Shared by every API: a string field that refuses numbers and booleans instead of turning them into text,
    and drops NUL characters (meaningless in a name or a note; PostgreSQL cannot store them).
    Lengths count what was sent (no trimming first), as the schema's maxLength says."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            raise serializers.ValidationError("Not a valid string.")
        return super().to_internal_value(data.replace("\x00", ""))  # type: ignore[misc]


class Text(TextOnly, serializers.CharField):
    pass


class Email(TextOnly, serializers.EmailField):
    pass


class Regex(TextOnly, serializers.RegexField):
    pass


class AccountWriteSerializer(StrictSerializer):
    external_id = Regex(r"^[A-Za-z0-9_.:@-]{1,64}$", max_length=64)
    email = serializers.EmailField(max_length=254)
    full_name = Text(max_length=200, required=False, allow_blank=True)
    company_name = Text(max_length=200, required=False, allow_blank=True)
    job_title = Text(max_length=200, required=False, allow_blank=True)
    phone = Regex(r"^[0-9+().\- ]{0,40}$", max_length=40, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=Customer.Language.choices, required=False)


class AccountSerializer(serializers.ModelSerializer):
    access_disabled = serializers.BooleanField(read_only=True)
    legal_hold = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "external_id", "email", "full_name", "company_name", "job_title", "phone",
            "date_of_birth", "language", "status", "access_disabled", "deletion_requested_at",
            "deletion_due_at", "deleted_at", "processing_restricted", "marketing_objection",
            "legal_hold", "created_at", "updated_at",
        ]
        read_only_fields = fields

    def get_legal_hold(self, obj: Customer) -> bool:
        return is_on_legal_hold(obj)


_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; nothing was written"),
    401: OpenApiResponse(ErrorSerializer, description="Missing or invalid token"),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed"),
}


class AccountListView(APIView):
    @extend_schema(
        request=AccountWriteSerializer,
        responses={200: AccountSerializer, 201: AccountSerializer, **_ERRORS},
        summary="Create or update a customer account by external_id",
    )
    def post(self, request: Request) -> Response:
        data = AccountWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        external_id = fields.pop("external_id")
        try:
            result = customer_upsert(external_id=external_id, fields=fields, today=timezone.now().date())
        except DjangoValidationError as exc:
            if getattr(exc, "code", None) == "deleted":
                return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
            raise
        record_access(actor=request.user, action=AccessLogEntry.Action.API_WRITE,
                      object_type="customer", object_id=str(result.customer.pk),
                      subject_ref=external_id, request=request._request)
        return Response(AccountSerializer(result.customer).data,
                        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class AccountDetailView(APIView):
    @extend_schema(responses={200: AccountSerializer, 404: OpenApiResponse(ErrorSerializer), **_ERRORS},
                   summary="Read an account and its privacy state")
    def get(self, request: Request, external_id: str) -> Response:
        customer = customer_by_external_id(external_id)  # erased accounts too (status "deleted")
        if customer is None:
            raise Http404("No Customer matches the given query.")
        record_access(actor=request.user, action=AccessLogEntry.Action.API_READ,
                      object_type="customer", object_id=str(customer.pk),
                      subject_ref=external_id, request=request._request)
        data = AccountSerializer(customer).data
        data["external_id"] = external_id  # an erased account's row keeps only a hash of it
        return Response(data)
