"""The public side of the consent API: browsers on our own sites call it, nobody signs in.

Auth decision (docs/consent.md): no token can be kept secret in a web page, so the cookie
banner and the newsletter form are public. What protects them instead:
- CORS for the allow-listed site origins only (``CONSENT_ALLOWED_ORIGINS``); a request that
  carries any other ``Origin`` is refused with 403 before anything is parsed or stored;
- no cookies, no credentials (``Access-Control-Allow-Credentials`` is never sent), so there
  is no session to ride on and no CSRF to defend;
- a small body limit (``CONSENT_MAX_BODY_BYTES``, 413) checked before parsing;
- rate-limit friendly: stateless, one INSERT per decision, the banner posts once per decision
  (not per page view), accepts ``text/plain`` JSON so browsers need no preflight, and keeps
  working on a 429 from the edge (Cloudflare / nginx ``limit_req`` do the rate limiting).
"""

from __future__ import annotations

import json
from typing import Any

from rest_framework import exceptions, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from . import conf


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "payload_too_large"


class OriginNotAllowed(exceptions.PermissionDenied):
    default_detail = "This origin may not call this endpoint."


class BodyJSONParser(JSONParser):
    """JSONParser without the stream decoder: the body is small and already size-checked."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read() if stream is not None else b""
        try:
            return json.loads(raw, parse_constant=_refuse_constant)
        except ValueError as exc:  # also UnicodeDecodeError
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class PlainTextJSONParser(BodyJSONParser):
    """JSON sent as ``text/plain``: a CORS "simple request", so no preflight round trip."""

    media_type = "text/plain"


class JsonOnlyNegotiation(BaseContentNegotiation):
    """These endpoints answer JSON only; skip parsing the Accept header on every request."""

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        content_type = (request.content_type or "").split(";", 1)[0].strip().lower()
        return next((p for p in parsers if p.media_type == content_type), None)

    def select_renderer(self, request: Request, renderers: list[Any], format_suffix: str | None = None) -> Any:
        return renderers[0], renderers[0].media_type


class PublicCorsMixin:
    """For APIViews called from browsers on our sites."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    parser_classes = [BodyJSONParser, PlainTextJSONParser]
    content_negotiation_class = JsonOnlyNegotiation
    cors_methods = "GET, POST, OPTIONS"

    def _allowed_origin(self, request: Request) -> str | None:
        origin = request.META.get("HTTP_ORIGIN")
        return origin if origin and origin.rstrip("/") in conf.allowed_origins() else None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.META.get("HTTP_ORIGIN") and self._allowed_origin(request) is None:
            raise OriginNotAllowed()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError as exc:
            raise exceptions.ParseError("Invalid Content-Length.") from exc
        limit = conf.max_body_bytes()
        if length > limit:
            raise PayloadTooLarge(f"Request body too large: at most {limit} bytes.")

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        origin = self._allowed_origin(request)
        if origin:
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Expose-Headers"] = "Retry-After"
        response["Vary"] = "Origin"
        return response

    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """CORS preflight: allowed origins get the methods and headers, others nothing."""
        response = Response(status=status.HTTP_204_NO_CONTENT)
        if self._allowed_origin(request):
            response["Access-Control-Allow-Methods"] = self.cors_methods
            response["Access-Control-Allow-Headers"] = "Content-Type, Sec-GPC"
            response["Access-Control-Max-Age"] = "86400"
        return response
