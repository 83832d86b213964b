"""Template helpers: words that come from other apps' data, shown in the page's language.

The registry (``micropim_privacy.policy``) and the dsar models speak English; their
Romanian is in the portal's catalog (``locale/ro``), declared in ``portal/texts.py``.
"""

from __future__ import annotations

from django import template
from django.utils.translation import get_language, gettext

from dsar.rights import right
from micropim_privacy.policy import Category

from ..texts import status_label

register = template.Library()


@register.filter
def tr(text: str) -> str:
    """Translate a registry string at render time (``{{ category.name|tr }}``)."""
    return gettext(text) if text else text


@register.filter
def basis_labels(category: Category) -> list[str]:
    return [gettext(b.label) for b in category.basis]


@register.filter
def right_label(type_: str) -> str:
    r = right(type_)
    return r.label_ro if (get_language() or "en").startswith("ro") else r.label


@register.filter
def request_status(status: str) -> str:
    return status_label(status)
