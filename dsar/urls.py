"""Routes of the dsar app: `api_urlpatterns` under /api/v1/, `urlpatterns` at the site root."""

from django.urls import URLPattern, URLResolver, path

from .api import RequestDetailView, RequestListView
from .views import confirm_view, my_package_view, package_download_view, upload_view

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("requests/", RequestListView.as_view(), name="request-list"),
    path("requests/<str:public_id>/", RequestDetailView.as_view(), name="request-detail"),
]
urlpatterns: list[URLPattern | URLResolver] = [
    path("dsar/confirm/<str:token>/", confirm_view, name="dsar-confirm"),
    path("dsar/upload/<str:token>/", upload_view, name="dsar-upload"),
    path("dsar/packages/<str:token>/", package_download_view, name="dsar-package-download"),
    path("dsar/my/packages/<str:public_id>/", my_package_view, name="dsar-my-package"),
]
