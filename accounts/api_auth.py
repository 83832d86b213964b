"""Token authentication for calling systems: ``Authorization: Token <t>`` (CONTRACT.md)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from .models import ApiClient


class ApiClientTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[ApiClient, str] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: use 'Token <token>'.")
        try:
            token = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        client = ApiClient.authenticate(token)
        if client is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return client, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class IsApiClient(permissions.BasePermission):
    """Only calling systems with a token."""

    message = "An API token is required: 'Authorization: Token <token>'."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, ApiClient)


class ApiClientTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token scheme in the OpenAPI schema."""

    target_class = "accounts.api_auth.ApiClientTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <token>`, issued by `manage.py create_api_client NAME`"}
