"""The portal's forms. Labels and errors are translated (English and Romanian)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class EmailLinkForm(forms.Form):
    """Shares its page with the password form: distinct ids keep every label on its own field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, auto_id="link_%s", **kwargs)

    email = forms.EmailField(label=_("Your email address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class PasswordSignInForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, auto_id="password_%s", **kwargs)

    email = forms.EmailField(label=_("Account email address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), max_length=200, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Your reasons (optional)"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 4}))


class CookieChoicesForm(forms.Form):
    """The two consent-based cookie categories (§10.2); strictly necessary ones need no choice."""

    analytics = forms.BooleanField(label=_("Analytics cookies (Google Analytics)"), required=False)
    marketing = forms.BooleanField(label=_("Marketing cookies (Facebook Pixel)"), required=False)
