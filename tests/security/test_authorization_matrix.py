"""Who may reach what: every role against every admin page, API operation and portal page.

The expected outcome of each (target, role) pair is written below as data, one row per
target, one column per role. The targets themselves are enumerated from the running site —
``admin.site._registry``, the OpenAPI schema (drf-spectacular) and the URL resolver — and a
test fails when the site has a target the table does not list (or the other way round), so a
new page or endpoint cannot ship without someone deciding who may reach it.

Outcomes: ``A`` allowed (the view ran: 2xx, 3xx elsewhere, or a 4xx about the input such as
400/409/410); ``D`` denied (401/403); ``L`` sent to sign in (302 to /privacy/sign-in/ or
/admin/login/); ``H`` hidden (404: the row exists but is not this caller's — a customer never
learns that someone else's id exists). A 5xx is always a failure.

Every probe runs in a savepoint that is rolled back and the client's cookies are restored,
so each probe sees the same world (a POST that starts a deletion does not change the next
probe). Bodies are ``{}``: enough to pass or fail the permission check, which runs first.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import ROLES, VISITOR_ID, World

# The ledger (issue 11) keeps its rows in a database of its own; its admin pages read it.
pytestmark = pytest.mark.django_db(databases=["default", "ledger"])

#          anon cusA cusB api  supp priv sec
COLUMNS = ("anonymous", "customer_a", "customer_b", "api_client", "support_agent", "privacy_officer",
           "security_officer")
assert COLUMNS == ROLES

# ---------------------------------------------------------------------------------------------
# The Django admin (staff only, MFA; accounts/roles.py). Non-staff are sent to the login page.
# ---------------------------------------------------------------------------------------------
STAFF_NONE = "L L L L D D D"  # nobody's role holds it (superusers only)
PO = "L L L L D A D"  # privacy officer
PO_SO = "L L L L D A A"  # privacy and security officers (breaches, the access log)
PO_SA = "L L L L A A D"  # privacy officer and support agent (account basics)
ALL_STAFF = "L L L L A A A"

ADMIN_CHANGELISTS: dict[str, str] = {
    "auth.group": STAFF_NONE,
    "auth.user": STAFF_NONE,
    "otp_totp.totpdevice": STAFF_NONE,
    "otp_static.staticdevice": STAFF_NONE,
    "axes.accessattempt": STAFF_NONE,
    "axes.accesslog": STAFF_NONE,
    "axes.accessfailurelog": STAFF_NONE,
    "django_celery_beat.periodictask": PO,
    "django_celery_beat.clockedschedule": PO,
    "django_celery_beat.crontabschedule": PO,
    "django_celery_beat.solarschedule": PO,
    "django_celery_beat.intervalschedule": PO,
    "accounts.customer": PO_SA,  # support: read account basics
    "accounts.erasure": PO,
    "accounts.apiclient": PO,
    "accounts.accesslogentry": PO_SO,  # the security officer investigates with it
    "retention.legalhold": PO,
    "retention.jobrun": PO,
    "retention.purgerun": PO,
    "retention.usageevent": PO,
    "retention.loginevent": PO,
    "retention.errorreport": PO,
    "retention.serverlogline": PO,
    "retention.supportticket": PO,
    "retention.chattranscript": PO,
    "retention.emailmessage": PO,
    "retention.surveyresponse": PO,
    "retention.callrecording": PO,
    "retention.eventattendance": PO,
    "retention.billingrecord": PO,
    "retention.invoice": PO,
    "retention.usageaggregate": PO,
    "dsar.datasubjectrequest": PO,
    "dsar.identitydocument": PO,  # support: "no ID documents"
    "consent.consentrecord": PO,
    "consent.subscription": PO,
    "consent.suppression": PO,
    "subprocessors.subprocessor": PO,
    "subprocessors.registerchange": PO,
    "subprocessors.subprocessorobjection": PO,
    "subprocessors.policyversion": PO,
    "subprocessors.policyresponse": PO,
    "subprocessors.noticecampaign": PO,
    "subprocessors.noticedelivery": PO,
    "breaches.breach": PO_SO,  # support: "no breaches"
    "breaches.securityreport": PO_SO,
    "ledger.finding": PO,
    "ledger.ledgerentry": PO,
    "ledger.replayrun": PO,
}

# Admin pages that are not changelists: custom views, and one object of each sensitive kind.
ADMIN_PAGES: dict[str, tuple[Callable[[World], str], str]] = {
    "index": (lambda w: reverse("admin:index"), ALL_STAFF),
    # The policy registry as the retention app reads it: public information (it is also the
    # unauthenticated GET /api/v1/retention-schedule/), so any staff member may read it.
    "retention registry": (lambda w: reverse("admin:retention_registry"), ALL_STAFF),
    "purge schedule": (lambda w: reverse("admin:retention_purge_schedule"), PO),
    "Art. 30 record PDF": (lambda w: reverse("admin:subprocessors_art30_pdf"), PO),
    "Art. 30 record CSV": (lambda w: reverse("admin:subprocessors_art30_csv"), PO),
    "customer A's account": (lambda w: reverse("admin:accounts_customer_change", args=[w.customer_a.pk]), PO_SA),
    "customer A's request": (lambda w: reverse("admin:dsar_datasubjectrequest_change", args=[w.request_a.pk]),
                             PO),
    "customer A's ID document image": (
        lambda w: reverse("admin:dsar_identitydocument_image", args=[w.document_a.pk]), PO),
    "a deletion certificate": (
        lambda w: reverse("admin:accounts_erasure_certificate", args=[w.erasure.pk, "json"]), PO),
    "a breach": (lambda w: reverse("admin:breaches_breach_change", args=[w.breach.pk]), PO_SO),
    "a breach's ANSPDCP PDF": (lambda w: reverse("admin:breaches_breach_authority_pdf", args=[w.breach.pk]),
                               PO_SO),
    "a breach's affected people": (lambda w: reverse("admin:breaches_breach_people", args=[w.breach.pk]),
                                   PO_SO),
}

# ---------------------------------------------------------------------------------------------
# The REST API, every operation of /api/schema/. Path parameters name customer A's rows.
# ---------------------------------------------------------------------------------------------
PUBLIC = "A A A A A A A"
TOKEN = "D D D A D D D"  # calling systems only
TOKEN_OR_CUSTOMER = "D A A A D D D"  # a system for a customer, or the customer's own session
OFFICERS = "D D D D D A A"  # MFA-verified security and privacy officers
PRIVACY_STAFF = "D D D D D A D"  # an MFA-verified privacy officer's session

API: dict[str, str] = {
    "POST /api/v1/accounts/": TOKEN,
    "GET /api/v1/accounts/{external_id}/": TOKEN,
    "POST /api/v1/accounts/{external_id}/deletion/": TOKEN,
    "DELETE /api/v1/accounts/{external_id}/deletion/": TOKEN,
    "GET /api/v1/accounts/{external_id}/export/": TOKEN,
    "GET /api/v1/accounts/{external_id}/notifications/": TOKEN,
    "GET /api/v1/breaches/": OFFICERS,
    "POST /api/v1/breaches/": OFFICERS,
    "GET /api/v1/breaches/{reference}/": OFFICERS,
    "PATCH /api/v1/breaches/{reference}/": OFFICERS,
    "POST /api/v1/breaches/{reference}/affected-people/": OFFICERS,
    "GET /api/v1/breaches/{reference}/authority-notification.pdf": OFFICERS,
    "POST /api/v1/breaches/{reference}/authority-reports/": OFFICERS,
    "GET /api/v1/breaches/{reference}/subject-notices/": OFFICERS,
    "POST /api/v1/breaches/{reference}/subject-notices/": OFFICERS,
    "POST /api/v1/consent/": PUBLIC,  # browsers on our sites (CORS allow-list, no cookies)
    "GET /api/v1/consent/{visitor_id}/": PUBLIC,
    "POST /api/v1/events/": TOKEN,
    "POST /api/v1/records/": TOKEN,  # §2.4/§2.5 records in batches (retention)
    "GET /api/v1/marketing/eligibility/": TOKEN,
    "POST /api/v1/newsletter/engagement/": TOKEN,
    "POST /api/v1/newsletter/subscriptions/": PUBLIC,  # double opt-in: same answer for any address
    "GET /api/v1/policy-versions/": PUBLIC,
    "GET /api/v1/policy-versions/{number}/": PUBLIC,
    "POST /api/v1/policy-versions/{number}/responses/": TOKEN_OR_CUSTOMER,
    "GET /api/v1/privacy-notices/{external_id}/": TOKEN,
    "POST /api/v1/requests/": TOKEN_OR_CUSTOMER,
    # customer A's request, filed for A by the calling system: B gets a 404, never a 403
    "GET /api/v1/requests/{public_id}/": "D A H A D D D",
    "GET /api/v1/retention-schedule/": PUBLIC,
    "POST /api/v1/security-reports/": PUBLIC,  # §14.4: anyone may report (size and rate limited)
    # Stripe's signature is the authentication: nobody here has it, so everyone gets a 403
    "POST /api/v1/stripe/webhook/": "D D D D D D D",
    "GET /api/v1/subprocessors/": PUBLIC,
    "POST /api/v1/subprocessors/": PRIVACY_STAFF,
    "POST /api/v1/subprocessors/{slug}/announcement/": PRIVACY_STAFF,
    "POST /api/v1/subprocessors/{slug}/objections/": TOKEN_OR_CUSTOMER,
}

# ---------------------------------------------------------------------------------------------
# Pages outside the admin and the API: the portal (/privacy/) and the public pages.
# ---------------------------------------------------------------------------------------------
SUBJECT = "L A A L L L L"  # signed-in data subjects; everyone else is sent to sign in
OWN_A = "L A H L L L L"  # customer A's own row; B gets a 404

PAGES: dict[str, tuple[str, Callable[[World], str], str] | tuple[str, Callable[[World], str], str, dict]] = {
    # route (as the resolver spells it): (method, concrete path, expected[, form data])
    "privacy/": ("GET", lambda w: "/privacy/", PUBLIC),
    "privacy/sign-in/": ("GET", lambda w: "/privacy/sign-in/", PUBLIC),
    "privacy/sign-in/email/": ("POST", lambda w: "/privacy/sign-in/email/", PUBLIC),
    "privacy/sign-in/sent/": ("GET", lambda w: "/privacy/sign-in/sent/", PUBLIC),
    "privacy/sign-in/link/<str:token>/": ("GET", lambda w: "/privacy/sign-in/link/forged/", PUBLIC),
    "privacy/sign-in/password/": ("POST", lambda w: "/privacy/sign-in/password/", PUBLIC),
    "privacy/sign-out/": ("POST", lambda w: "/privacy/sign-out/", PUBLIC),
    "privacy/language/": ("POST", lambda w: "/privacy/language/", PUBLIC),
    "privacy/data/": ("GET", lambda w: "/privacy/data/", SUBJECT),
    "privacy/contact/": ("GET", lambda w: "/privacy/contact/", PUBLIC),
    # the banner's visitor id is the key (as in the public consent API): no sign-in
    "privacy/cookies/": ("GET", lambda w: f"/privacy/cookies/?visitor={VISITOR_ID}", PUBLIC),
    "privacy/do-not-sell/": ("GET", lambda w: "/privacy/do-not-sell/", SUBJECT),
    "privacy/requests/": ("GET", lambda w: "/privacy/requests/", SUBJECT),
    "privacy/requests/new/": ("GET", lambda w: "/privacy/requests/new/", SUBJECT),
    "privacy/requests/new/agent/": ("GET", lambda w: "/privacy/requests/new/agent/", SUBJECT),
    "privacy/requests/<uuid:public_id>/": ("GET", lambda w: f"/privacy/requests/{w.request_a.public_id}/", OWN_A),
    "privacy/requests/<uuid:public_id>/upload-id/": (
        "POST", lambda w: f"/privacy/requests/{w.request_a.public_id}/upload-id/", OWN_A),
    "privacy/export/": ("GET", lambda w: "/privacy/export/", SUBJECT),
    "privacy/export/start/": ("POST", lambda w: "/privacy/export/start/", SUBJECT),
    "privacy/export/status.json": ("GET", lambda w: "/privacy/export/status.json", SUBJECT),
    "privacy/export/<uuid:public_id>/download/": (
        "GET", lambda w: f"/privacy/export/{w.package_a.public_id}/download/", OWN_A),
    "privacy/account/": ("GET", lambda w: "/privacy/account/", SUBJECT),
    "privacy/account/reactivate/": ("POST", lambda w: "/privacy/account/reactivate/", SUBJECT),
    "privacy/marketing/": ("GET", lambda w: "/privacy/marketing/", SUBJECT),
    "privacy/marketing/subscribe/": ("POST", lambda w: "/privacy/marketing/subscribe/", SUBJECT),
    "privacy/marketing/stop/": ("POST", lambda w: "/privacy/marketing/stop/", SUBJECT),
    "privacy/subprocessors/": ("GET", lambda w: "/privacy/subprocessors/", SUBJECT),
    "privacy/subprocessors/<slug:slug>/object/": (
        "GET", lambda w: f"/privacy/subprocessors/{w.subprocessor_slug}/object/", SUBJECT),
    "privacy/policy/": ("GET", lambda w: "/privacy/policy/", SUBJECT),
    # a material change (1.1, published by the world fixture) that customers acknowledge
    "privacy/policy/<str:number>/respond/": ("POST", lambda w: "/privacy/policy/1.1/respond/", SUBJECT,
                                             {"response": "acknowledged"}),
    # dsar links carry a signed token: a forged one is refused to everyone alike
    "dsar/confirm/<str:token>/": ("GET", lambda w: "/dsar/confirm/forged/", PUBLIC),
    "dsar/upload/<str:token>/": ("GET", lambda w: "/dsar/upload/forged/", PUBLIC),
    "dsar/packages/<str:token>/": ("GET", lambda w: "/dsar/packages/forged/", "H H H H H H H"),
    # the account holder's own package only; for anyone else it does not exist
    "dsar/my/packages/<str:public_id>/": ("GET", lambda w: f"/dsar/my/packages/{w.package_a.public_id}/",
                                          "H A H H H H H"),
    ".well-known/gpc.json": ("GET", lambda w: "/.well-known/gpc.json", PUBLIC),
    ".well-known/security.txt": ("GET", lambda w: "/.well-known/security.txt", PUBLIC),
    "security/report/": ("GET", lambda w: "/security/report/", PUBLIC),
    "newsletter/confirm/<str:token>/": ("GET", lambda w: "/newsletter/confirm/forged/", PUBLIC),
    "newsletter/unsubscribe/<str:token>/": ("GET", lambda w: "/newsletter/unsubscribe/forged/", PUBLIC),
    "consent/demo/": ("GET", lambda w: "/consent/demo/", PUBLIC),
    "subprocessors/": ("GET", lambda w: "/subprocessors/", PUBLIC),
    "subprocessors/feed/": ("GET", lambda w: "/subprocessors/feed/", PUBLIC),
    "privacy-policy/": ("GET", lambda w: "/privacy-policy/", PUBLIC),
    "privacy-policy/tables/": ("GET", lambda w: "/privacy-policy/tables/", PUBLIC),
    "privacy-policy/<str:number>/": ("GET", lambda w: "/privacy-policy/1.0/", PUBLIC),
    "api/schema/": ("GET", lambda w: "/api/schema/", PUBLIC),
    "api/docs/": ("GET", lambda w: "/api/docs/", PUBLIC),
    "healthz": ("GET", lambda w: "/healthz", PUBLIC),
}


# ---------------------------------------------------------------------------------------------
# How a probe's answer is read
# ---------------------------------------------------------------------------------------------


def outcome(response: HttpResponse) -> str:
    code = response.status_code
    if code >= 500:
        return f"5xx({code})"
    if code in (401, 403):
        return "D"
    if code == 404:
        return "H"
    if code in (301, 302, 303):
        location = response.get("Location", "")
        if location.startswith(("/privacy/sign-in/", "/admin/login/")):
            return "L"
    return "A"


def expected(row: str, role: str) -> str:
    return dict(zip(COLUMNS, row.split(), strict=True))[role]


def probe(client: Client, method: str, path: str, data: dict[str, str] | None = None) -> HttpResponse:
    """One request whose writes are rolled back, and whose cookies do not stick."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        if method in ("GET", "DELETE"):
            response = client.generic(method, path)
            location = response.get("Location", "") if response.status_code == 302 else ""
            if location.startswith(path + "?"):  # a changelist adding its default filter
                response = client.get(location)
        elif path.startswith("/api/"):
            response = client.generic(method, path, json.dumps({}), content_type="application/json")
        else:
            response = client.post(path, data or {})
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


@dataclass(frozen=True)
class Miss:
    target: str
    role: str
    want: str
    got: str

    def __str__(self) -> str:
        return f"{self.role:17} {self.target}: expected {self.want}, got {self.got}"


def _assert_all(misses: list[Miss]) -> None:
    assert not misses, "authorization matrix differs:\n" + "\n".join(map(str, misses))


# ---------------------------------------------------------------------------------------------
# The table covers the site exactly
# ---------------------------------------------------------------------------------------------


def _schema_operations(client: Client) -> set[str]:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops
            if method in ("get", "post", "put", "patch", "delete")}


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    out: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out += _routes(p.url_patterns, prefix + str(p.pattern))
        else:
            out.append(prefix + str(p.pattern))
    return out


def test_the_tables_cover_every_admin_model_api_operation_and_page(db: None) -> None:
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered == set(ADMIN_CHANGELISTS), (
        f"admin models without a row: {sorted(registered - set(ADMIN_CHANGELISTS))}; "
        f"rows without a model: {sorted(set(ADMIN_CHANGELISTS) - registered)}")
    operations = _schema_operations(Client())
    assert operations == set(API), (f"API operations without a row: {sorted(operations - set(API))}; "
                                    f"rows without an operation: {sorted(set(API) - operations)}")
    routes = {r for r in _routes(get_resolver().url_patterns) if not r.startswith(("admin/", "api/v1/"))}
    assert routes == set(PAGES), (f"pages without a row: {sorted(routes - set(PAGES))}; "
                                  f"rows without a page: {sorted(set(PAGES) - routes)}")
    # Every API route is in the schema (nothing served that the schema, and so the fuzzer, misses).
    api_routes = {r for r in _routes(get_resolver().url_patterns) if r.startswith("api/v1/")}
    documented = {op.split(" ", 1)[1] for op in operations}
    for route in api_routes:
        as_schema = "/" + route.replace("<str:", "{").replace(">", "}")
        assert as_schema in documented, f"/{route} is served but not in the OpenAPI schema"


# ---------------------------------------------------------------------------------------------
# The matrix itself: one test per role and surface
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_admin(world: World, role: str) -> None:
    client = world.client(role)
    misses = []
    for model in admin.site._registry:
        label = model._meta.label_lower
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        got = outcome(probe(client, "GET", url))
        want = expected(ADMIN_CHANGELISTS[label], role)
        if got != want:
            misses.append(Miss(f"{label} changelist", role, want, got))
    for name, (url_of, row) in ADMIN_PAGES.items():
        got = outcome(probe(client, "GET", url_of(world)))
        if got != expected(row, role):
            misses.append(Miss(name, role, expected(row, role), got))
    _assert_all(misses)


def _api_path(template: str, w: World) -> str:
    return template.format(external_id=w.customer_a.external_id, public_id=w.request_a.public_id,
                           reference=w.breach.reference, slug=w.subprocessor_slug, number="1.0",
                           visitor_id=VISITOR_ID)


@pytest.mark.parametrize("role", ROLES)
def test_api(world: World, role: str) -> None:
    client = world.client(role)
    misses = []
    for operation, row in API.items():
        method, template = operation.split(" ", 1)
        got = outcome(probe(client, method, _api_path(template, world)))
        if got != expected(row, role):
            misses.append(Miss(operation, role, expected(row, role), got))
    _assert_all(misses)


@pytest.mark.parametrize("role", ROLES)
def test_pages(world: World, role: str) -> None:
    client = world.client(role)
    misses = []
    for route, (method, path_of, row, *data) in PAGES.items():
        got = outcome(probe(client, method, path_of(world), *data))
        if got != expected(row, role):
            misses.append(Miss(f"{method} /{route}", role, expected(row, role), got))
    _assert_all(misses)
