"""Routes of the ledger app: none of its own (the "needs attention" list lives in the admin)."""

from django.urls import URLPattern, URLResolver

api_urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns: list[URLPattern | URLResolver] = []
