"""boto3 clients configured from settings (a local moto server in tests, AWS in production)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from django.conf import settings


def _kwargs(endpoint: str | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"region_name": settings.AWS_REGION}
    if endpoint:
        kwargs["endpoint_url"] = endpoint
    if settings.AWS_ACCESS_KEY_ID:
        kwargs["aws_access_key_id"] = settings.AWS_ACCESS_KEY_ID
        kwargs["aws_secret_access_key"] = settings.AWS_SECRET_ACCESS_KEY
    return kwargs


def s3_client() -> Any:
    config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3, "mode": "standard"})
    return boto3.client("s3", config=config, **_kwargs(settings.S3_ENDPOINT_URL))


def cognito_client() -> Any:
    return boto3.client("cognito-idp", **_kwargs(settings.COGNITO_ENDPOINT_URL or settings.S3_ENDPOINT_URL))
