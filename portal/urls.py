"""Routes of the portal: everything under /privacy/ (no API of its own).

Every view gets the strict Content-Security-Policy and its companion headers (``csp.py``).
"""

from django.urls import URLPattern, URLResolver, include, path

from . import views, views_account, views_auth, views_choices, views_cookies, views_requests
from .csp import strict_csp


def page(route: str, view, name: str, **kwargs: object) -> URLPattern:  # type: ignore[no-untyped-def]
    return path(f"privacy/{route}", strict_csp(view), kwargs or None, name=name)


_portal: list[URLPattern | URLResolver] = [
    page("", views.home, "home"),
    page("sign-in/", views_auth.signin, "signin"),
    page("sign-in/email/", views_auth.signin_link_request, "signin-link-request"),
    page("sign-in/sent/", views_auth.signin_sent, "signin-sent"),
    page("sign-in/link/<str:token>/", views_auth.signin_link, "signin-link"),
    page("sign-in/password/", views_auth.signin_password, "signin-password"),
    page("sign-out/", views_auth.signout, "signout"),
    page("language/", views_auth.language, "language"),
    page("data/", views.data, "data"),
    page("contact/", views.contact, "contact"),
    page("do-not-sell/", views.do_not_sell, "do-not-sell"),
    page("requests/", views.requests_list, "requests"),
    page("requests/new/", views_requests.request_new, "request-new"),
    page("requests/new/agent/", views_requests.request_new, "request-new-agent", agent=True),
    page("requests/<uuid:public_id>/", views.request_detail, "request"),
    page("requests/<uuid:public_id>/upload-id/", views_requests.request_upload_id, "request-upload-id"),
    page("export/", views_requests.export, "export"),
    page("export/start/", views_requests.export_start, "export-start"),
    page("export/status.json", views_requests.export_status, "export-status"),
    page("export/<uuid:public_id>/download/", views_requests.export_download, "export-download"),
    page("account/", views_account.account_delete, "account"),
    page("account/reactivate/", views_account.account_reactivate, "account-reactivate"),
    page("marketing/", views_choices.marketing, "marketing"),
    page("marketing/subscribe/", views_choices.marketing_subscribe, "marketing-subscribe"),
    page("marketing/stop/", views_choices.marketing_stop, "marketing-stop"),
    page("cookies/", views_cookies.cookie_choices, "cookies"),
    page("subprocessors/", views_choices.subprocessors, "subprocessors"),
    page("subprocessors/<slug:slug>/object/", views_choices.subprocessor_object, "subprocessor-object"),
    page("policy/", views_choices.policy, "policy"),
    page("policy/<str:number>/respond/", views_choices.policy_respond, "policy-respond"),
]

api_urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns: list[URLPattern | URLResolver] = [path("", include((_portal, "portal"), namespace="portal"))]
