from importlib import import_module

from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .health import healthz

# MFA (TOTP or backup code) for every staff login to /admin/ (policy §6.1).
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "MicroPIM Privacy Ops"
admin.site.site_title = "MicroPIM Privacy Ops"
admin.site.index_title = "Privacy back office"

# Each app owns its routes in <app>/urls.py: `api_urlpatterns` (under /api/v1/) and
# `urlpatterns` (at the root), so apps grow without touching this file.
APPS = ("accounts", "retention", "dsar", "consent", "subprocessors", "breaches", "portal", "ledger")
_modules = [import_module(f"{app}.urls") for app in APPS]
api_v1 = [p for m in _modules for p in m.api_urlpatterns]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("healthz", healthz, name="healthz"),
    *[p for m in _modules for p in m.urlpatterns],
]
