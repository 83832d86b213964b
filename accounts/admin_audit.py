"""Admin mixin: every staff view, list, change or deletion of personal data is logged (§6.1)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from .access_log import record_access
from .models import AccessLogEntry


class AccessLoggedAdmin:
    """Mix into a ModelAdmin whose rows hold personal data. ``subject_ref_of`` names the subject."""

    def subject_ref_of(self, obj: Any) -> str:
        return ""

    def _log(self, request: HttpRequest, action: str, obj: Any = None, object_id: str = "") -> None:
        record_access(
            actor=request.user,
            action=action,
            object_type=self.model._meta.label_lower,  # type: ignore[attr-defined]
            object_id=str(getattr(obj, "pk", "") or object_id),
            subject_ref=self.subject_ref_of(obj) if obj is not None else "",
            request=request,
        )

    def changeform_view(self, request: HttpRequest, object_id: str | None = None,
                        form_url: str = "", extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        if object_id and request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
            self._log(request, AccessLogEntry.Action.VIEW, obj, object_id)
        return response

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        if response.status_code == 200:
            self._log(request, AccessLogEntry.Action.LIST)
        return response

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        self._log(request, AccessLogEntry.Action.CHANGE if change else AccessLogEntry.Action.ADD, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._log(request, AccessLogEntry.Action.DELETE, obj)
        super().delete_model(request, obj)  # type: ignore[misc]
