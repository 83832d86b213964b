"""Routes of the retention app: `api_urlpatterns` under /api/v1/, `urlpatterns` at the site root."""

from django.urls import URLPattern, URLResolver, path

from .api import RetentionScheduleView

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("retention-schedule/", RetentionScheduleView.as_view(), name="retention-schedule"),
]
urlpatterns: list[URLPattern | URLResolver] = []
