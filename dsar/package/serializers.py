"""One serializer per data category (STYLE.md "Documents"): a record becomes one flat row of
plain values; the JSON, CSV and XML writers only lay those rows out.

A category's columns are declared here when this app knows the shape, otherwise taken from
the first record a system exports; a later record's unexpected keys are kept, never
dropped, in the ``other`` column (an access answer must be complete, Art. 15(3)).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from micropim_privacy.policy import CATEGORIES_BY_KEY

Plain = str | int | float | bool | None | list[Any] | dict[str, Any]
OTHER = "other"


def plain(value: Any) -> Plain:
    """A JSON-compatible value: dates in ISO 8601 (UTC as stored), decimals as text."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return str(value)


def flat(value: Plain) -> str:
    """One cell of CSV or XML text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@dataclass
class CategorySerializer:
    key: str
    fields: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        c = CATEGORIES_BY_KEY.get(self.key)
        return c.name if c else self.key.replace("_", " ").capitalize()

    def columns(self, first: Mapping[str, Any]) -> tuple[str, ...]:
        """The declared columns, or the first record's keys; always ending with ``other``."""
        cols = self.fields or tuple(str(k) for k in first)
        return (*[c for c in cols if c != OTHER], OTHER)

    def row(self, record: Mapping[str, Any], columns: tuple[str, ...]) -> dict[str, Plain]:
        out: dict[str, Plain] = {c: plain(record.get(c)) for c in columns if c != OTHER}
        extra = {str(k): plain(v) for k, v in record.items() if k not in out}
        out[OTHER] = extra or None
        return out


# Declared shapes; every other category takes the columns its system exports first.
SERIALIZERS: dict[str, CategorySerializer] = {
    "customer_product_data": CategorySerializer("customer_product_data", ("key", "size", "last_modified")),
}


def serializer_for(key: str) -> CategorySerializer:
    return SERIALIZERS.get(key) or CategorySerializer(key)
