"""AWS Cognito: the customer's login (profile attributes and password hash, §2.1, §6.1).

The user is found by its ``sub`` (the username in pools that sign in by email) or, failing
that, by the email address (an alias). "Not found" means already gone: an earlier attempt
or the main app removed it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings

from accounts import conf
from accounts.models import Customer

from .base import ErasureContext, Kept, Record, StepResult, held_reason

name = "cognito"
title = "AWS Cognito (sign-in: profile attributes and password hash)"
categories = ("account_profile", "account_credentials")


def unavailable() -> str | None:
    if not conf.aws_enabled():
        return "AWS is not configured in this environment (no keys, no endpoint)"
    if not settings.COGNITO_USER_POOL_ID:
        return "COGNITO_USER_POOL_ID is not set"
    return None


def _usernames(customer: Customer) -> list[str]:
    return [u for u in (customer.cognito_sub, customer.email) if u]



def export(customer: Customer) -> Iterator[Record]:
    client = _client()
    for username in _usernames(customer):
        try:
            user = client.admin_get_user(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=username)
        except client.exceptions.UserNotFoundException:
            continue
        yield "account_profile", {
            "system": "AWS Cognito",
            "username": user["Username"],
            "attributes": {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])},
            "created": _iso(user.get("UserCreateDate")),
            "last_modified": _iso(user.get("UserLastModifiedDate")),
            "enabled": user.get("Enabled"),
            "status": user.get("UserStatus"),
        }
        return


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def erase(customer: Customer, *, erasure: ErasureContext) -> StepResult:
    reason = held_reason(erasure, *categories)
    if reason:
        return StepResult(kept=[Kept("Cognito user", reason, 1, "account_profile")])
    client = _client()
    for username in _usernames(customer):
        try:
            client.admin_delete_user(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=username)
        except client.exceptions.UserNotFoundException:
            continue
        erasure.count_removed("Cognito user (profile attributes, password hash)", 1)
        return StepResult()
    return StepResult(note="No Cognito user found: already deleted (by an earlier attempt or the main app)")


def _client() -> Any:
    from micropim_privacy.aws import cognito_client  # boto3 loads when used, not at every start

    return cognito_client()
