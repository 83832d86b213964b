"""Routes of the accounts app: `api_urlpatterns` under /api/v1/, `urlpatterns` at the site root."""

from django.urls import URLPattern, URLResolver, path

from .api import AccountDetailView, AccountListView

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("accounts/", AccountListView.as_view(), name="account-list"),
    path("accounts/<str:external_id>/", AccountDetailView.as_view(), name="account-detail"),
]
urlpatterns: list[URLPattern | URLResolver] = []
