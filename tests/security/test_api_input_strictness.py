"""The API refuses what its schema does not allow, and the schema says so (found by fuzzing).

Every request body built on ``accounts.api.StrictSerializer`` refuses unknown fields; the
OpenAPI schema now says ``additionalProperties: false`` for each of them (one drf-spectacular
extension in accounts/api.py), so clients and schemathesis know. And the accounts API takes
text only as JSON strings: DRF would have stored the number 0 as the phone "0".
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.api import StrictSerializer
from accounts.models import Customer


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_strict_request_body_says_no_additional_properties(db: None) -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    checked = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                ref = media["schema"].get("$ref", "")
                if not ref:
                    continue
                name = ref.rsplit("/", 1)[1]
                checked += 1
                assert components[name].get("additionalProperties") is False, (method, path, name)
    assert checked >= 15
    strict_names = {cls.__name__.removesuffix("Serializer") for cls in _subclasses(StrictSerializer)}
    assert {"AccountWrite", "BreachWrite", "RequestCreate", "ConsentDecision"} <= strict_names


@pytest.mark.parametrize("field, value", [("phone", 0), ("full_name", 123), ("company_name", True),
                                          ("job_title", ["x"]), ("external_id", 7)])
def test_the_accounts_api_takes_text_only_as_strings(api: APIClient, field: str, value: object) -> None:
    body = {"external_id": "cus-t", "email": "t@example.com", field: value}
    response = api.post("/api/v1/accounts/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Customer.objects.filter(email="t@example.com").exists()
