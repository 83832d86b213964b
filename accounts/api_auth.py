"""Token authentication for calling systems: ``Authorization: Token <t>`` (CONTRACT.md)."""

from __future__ import annotations

from typing import Any

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
