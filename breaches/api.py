"""`/api/v1/breaches/…` (the register, officers only) and `/api/v1/security-reports/` (intake).

The register is for security and privacy officers signed in with MFA (their roles hold the
``breaches`` permissions; support agents and calling systems get 403). Every read and write
is in the access log. Rules are in ``services``; these views check shapes and call them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access_log import record_access
from accounts.api import ErrorSerializer
from accounts.models import AccessLogEntry, ApiClient

from . import conf
from .document import authority_notification_pdf
from .models import Breach, SecurityReport
from .notices import affected_add, breach_campaigns, deliveries, subject_notice_send
from .selectors import register
from .serializers import (
    AffectedPeopleResultSerializer,
    AffectedPeopleWriteSerializer,
    AuthorityReportSerializer,
    AuthorityReportWriteSerializer,
    BreachSerializer,
    BreachWriteSerializer,
    SecurityReportIntakeSerializer,
    SecurityReportReceiptSerializer,
    SubjectNoticesSerializer,
    SubjectNoticeWriteSerializer,
)
from .services import (
    RateLimited,
    authority_report_record,
    breach_create,
    breach_update,
    security_report_submit,
)

OBJECT_TYPE = "breaches.breach"


def _err(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


ERRORS = {
    400: _err("Invalid input; nothing was written"),
    401: _err("Not signed in"),
    403: _err("Only security and privacy officers (with MFA) may see the breach register"),
}
NOT_FOUND = {404: _err("No such breach")}
CONFLICT = {409: _err("The breach is not in a state that allows this")}


class IsBreachOfficer(permissions.BasePermission):
    """Staff whose role holds the breaches permissions (security and privacy officers), with MFA."""

    message = "Only security and privacy officers, signed in with MFA, may see the breach register."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is None or isinstance(user, ApiClient):
            return False
        perm = "breaches.view_breach" if request.method in permissions.SAFE_METHODS else "breaches.change_breach"
        verified = getattr(user, "is_verified", None)
        return bool(user.is_active and user.is_staff and user.has_perm(perm)
                    and callable(verified) and verified())


def _log(request: Request, action: str, object_id: object = "") -> None:
    record_access(actor=request.user, action=action, object_type=OBJECT_TYPE,
                  object_id=str(object_id), request=request._request)


class _OfficerView(APIView):
    permission_classes = [IsBreachOfficer]


class BreachListView(_OfficerView):
    @extend_schema(responses={200: BreachSerializer(many=True), **ERRORS},
                   summary="The breach register (officers only)")
    def get(self, request: Request) -> Response:
        rows = register().prefetch_related("authority_reports", "alerts", "reports")
        _log(request, AccessLogEntry.Action.API_READ)
        return Response(BreachSerializer(rows, many=True).data)

    @extend_schema(request=BreachWriteSerializer,
                   responses={201: BreachSerializer, **ERRORS, **CONFLICT, 404: _err("No such report")},
                   summary="Record a breach in the register (Art. 33(5))")
    def post(self, request: Request) -> Response:
        data = BreachWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        ref = fields.pop("source_report", None)
        report = get_object_or_404(SecurityReport, reference=ref) if ref else None
        breach = breach_create(fields=fields, actor=request.user, now=timezone.now(), source_report=report)
        _log(request, AccessLogEntry.Action.API_WRITE, breach.pk)
        return Response(BreachSerializer(breach).data, status=status.HTTP_201_CREATED)


class BreachDetailView(_OfficerView):
    @extend_schema(responses={200: BreachSerializer, **ERRORS, **NOT_FOUND},
                   summary="One breach, its clock, reports to ANSPDCP and alerts")
    def get(self, request: Request, reference: str) -> Response:
        breach = get_object_or_404(register(), reference=reference)
        _log(request, AccessLogEntry.Action.API_READ, breach.pk)
        return Response(BreachSerializer(breach).data)

    @extend_schema(request=BreachWriteSerializer(partial=True),
                   responses={200: BreachSerializer, **ERRORS, **NOT_FOUND, **CONFLICT},
                   summary="Complete or correct a breach, or assess its risk (with reasoning)")
    def patch(self, request: Request, reference: str) -> Response:
        breach = get_object_or_404(Breach, reference=reference)
        data = BreachWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "source_report" in fields:
            return Response({"detail": "Invalid input.", "errors": {
                "source_report": ["Only when the breach is recorded."]}}, status=status.HTTP_400_BAD_REQUEST)
        breach = breach_update(breach=breach, fields=fields, actor=request.user, now=timezone.now())
        _log(request, AccessLogEntry.Action.API_WRITE, breach.pk)
        return Response(BreachSerializer(register().get(pk=breach.pk)).data)


class AuthorityReportView(_OfficerView):
    @extend_schema(request=AuthorityReportWriteSerializer,
                   responses={201: AuthorityReportSerializer, **ERRORS, **NOT_FOUND},
                   summary="Record a report to ANSPDCP: the first is the initial one, later ones "
                           "follow-ups; after 72 hours the initial one needs late_reason")
    def post(self, request: Request, reference: str) -> Response:
        breach = get_object_or_404(Breach, reference=reference)
        data = AuthorityReportWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = authority_report_record(breach=breach, actor=request.user, now=timezone.now(),
                                         **data.validated_data)
        _log(request, AccessLogEntry.Action.API_WRITE, breach.pk)
        return Response(AuthorityReportSerializer(report).data, status=status.HTTP_201_CREATED)


class AffectedPeopleView(_OfficerView):
    @extend_schema(request=AffectedPeopleWriteSerializer,
                   responses={200: AffectedPeopleResultSerializer, **ERRORS, **NOT_FOUND},
                   summary="Record the people a breach affects (accounts by external_id, or all)")
    def post(self, request: Request, reference: str) -> Response:
        breach = get_object_or_404(Breach, reference=reference)
        data = AffectedPeopleWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added = affected_add(breach=breach, now=timezone.now(), **data.validated_data)
        _log(request, AccessLogEntry.Action.API_WRITE, breach.pk)
        return Response({"added": added, "affected_people": breach.affected.count()})


class SubjectNoticesView(_OfficerView):
    @extend_schema(responses={200: SubjectNoticesSerializer, **ERRORS, **NOT_FOUND},
                   summary="The Art. 34 notices of a breach: each sending and each person's delivery")
    def get(self, request: Request, reference: str) -> Response:
        breach = get_object_or_404(Breach, reference=reference)
        _log(request, AccessLogEntry.Action.API_READ, breach.pk)
        return Response(SubjectNoticesSerializer({
            "campaigns": breach_campaigns(breach), "deliveries": deliveries(breach)}).data)

    @extend_schema(request=SubjectNoticeWriteSerializer,
                   responses={201: SubjectNoticesSerializer, **ERRORS, **NOT_FOUND, **CONFLICT},
                   summary="Notify each person affected by a high-risk breach (§6.4, Art. 34), "
                           "in English or Romanian; nobody is sent it twice")
    def post(self, request: Request, reference: str) -> Response:
        breach = get_object_or_404(Breach, reference=reference)
        data = SubjectNoticeWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        contact = fields.pop("contact_point", "")
        subject_notice_send(breach=breach, texts=fields, contact_point=contact, actor=request.user,
                            now=timezone.now())
        _log(request, AccessLogEntry.Action.API_WRITE, breach.pk)
        return Response(SubjectNoticesSerializer({
            "campaigns": breach_campaigns(breach), "deliveries": deliveries(breach)}).data,
            status=status.HTTP_201_CREATED)


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: dict[str, Any] | None = None) -> bytes:
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)  # an error while PDF was asked for


class AuthorityNotificationPdfView(_OfficerView):
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("report", int, required=False,
                                     description="An authority report's id: its document as sent")],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **ERRORS, **NOT_FOUND},
        summary="The notification to ANSPDCP as a PDF (every Art. 33(3) field)",
    )
    def get(self, request: Request, reference: str) -> HttpResponse:
        breach = get_object_or_404(Breach, reference=reference)
        report = None
        report_id = request.query_params.get("report")
        if report_id is not None:
            try:
                number = int(report_id)
            except ValueError:
                return Response({"detail": "Invalid input.", "errors": {"report": ["Not an id."]}},
                                status=status.HTTP_400_BAD_REQUEST)
            report = breach.authority_reports.filter(pk=number).first() if 0 < number < 2**63 else None
            if report is None:
                return Response({"detail": "No such report of this breach."}, status=status.HTTP_404_NOT_FOUND)
        pdf = authority_notification_pdf(breach, report=report)
        _log(request, AccessLogEntry.Action.EXPORT, breach.pk)
        name = f"{breach.reference}-anspdcp{'-' + str(report.pk) if report else '-draft'}.pdf"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class SecurityReportIntakeView(APIView):
    """§14.4: report a suspected security incident or data breach.

    Calling systems use their token; anyone else may report without one (security.txt points
    here), limited in size and in number per sender and per hour.
    """

    permission_classes = [AllowAny]

    @extend_schema(
        request=SecurityReportIntakeSerializer,
        responses={201: SecurityReportReceiptSerializer, 400: ERRORS[400],
                   401: _err("Invalid or revoked token"),
                   413: _err("The report is too large"),
                   429: _err("Too many reports from this sender; try again later (Retry-After)")},
        auth=[{"ApiToken": []}, {}],
        summary="Report a suspected security incident or data breach (§14.4)",
    )
    def post(self, request: Request) -> Response:
        limit = conf.PUBLIC_REPORT_MAX_BYTES
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if (declared.isascii() and declared.isdigit() and int(declared) > limit) or len(request.body) > limit:
            return Response({"detail": f"A report may be at most {limit} bytes."},
                            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        data = SecurityReportIntakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client = request.user if isinstance(request.user, ApiClient) else None
        channel = SecurityReport.Channel.SYSTEM if client else SecurityReport.Channel.PUBLIC
        try:
            report = security_report_submit(channel=channel, now=timezone.now(), api_client=client,
                                            source_ip=request.META.get("REMOTE_ADDR"),
                                            **data.validated_data)
        except RateLimited as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_429_TOO_MANY_REQUESTS,
                            headers={"Retry-After": str(exc.retry_after)})
        if client is not None:
            record_access(actor=client, action=AccessLogEntry.Action.API_WRITE,
                          object_type="breaches.securityreport", object_id=str(report.pk),
                          request=request._request)
        receipt = {"reference": report.reference, "received_at": report.received_at, "status": "received"}
        return Response(SecurityReportReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)
