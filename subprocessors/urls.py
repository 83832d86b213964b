"""Routes of the subprocessors app: `api_urlpatterns` under /api/v1/, `urlpatterns` at the site root."""

from django.urls import URLPattern, URLResolver, include, path

from . import api, views
from .feeds import RegisterChangesFeed

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("subprocessors/", api.SubProcessorListView.as_view(), name="subprocessor-list"),
    path("subprocessors/<str:slug>/announcement/", api.AnnouncementView.as_view(),
         name="subprocessor-announcement"),
    path("subprocessors/<str:slug>/objections/", api.ObjectionView.as_view(), name="subprocessor-objections"),
    path("policy-versions/", api.PolicyVersionListView.as_view(), name="policy-version-list"),
    path("policy-versions/<str:number>/", api.PolicyVersionDetailView.as_view(), name="policy-version-detail"),
    path("policy-versions/<str:number>/responses/", api.PolicyResponseView.as_view(),
         name="policy-version-responses"),
    path("privacy-notices/<str:external_id>/", api.NoticesView.as_view(), name="privacy-notices"),
]

_public = [
    path("subprocessors/", views.register_page, name="register"),
    path("subprocessors/feed/", RegisterChangesFeed(), name="feed"),
    path("privacy-policy/", views.policy_history_page, name="policy-history"),
    path("privacy-policy/tables/", views.policy_tables_page, name="policy-tables"),
    path("privacy-policy/<str:number>/", views.policy_version_page, name="policy-version"),
]
urlpatterns: list[URLPattern | URLResolver] = [path("", include((_public, "subprocessors")))]
