"""Routes of the accounts app: `api_urlpatterns` under /api/v1/, `urlpatterns` at the site root."""

from django.urls import URLPattern, URLResolver, path

from .api import AccountDetailView, AccountListView
from .api_lifecycle import AccountDeletionView, AccountExportView, AccountNotificationsView

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("accounts/", AccountListView.as_view(), name="account-list"),
    path("accounts/<str:external_id>/", AccountDetailView.as_view(), name="account-detail"),
    path("accounts/<str:external_id>/deletion/", AccountDeletionView.as_view(), name="account-deletion"),
    path("accounts/<str:external_id>/notifications/", AccountNotificationsView.as_view(),
         name="account-notifications"),
    path("accounts/<str:external_id>/export/", AccountExportView.as_view(), name="account-export"),
]
urlpatterns: list[URLPattern | URLResolver] = []
