"""Demo data for `make run`: staff in each role (with MFA) and a few customers. Idempotent."""

from __future__ import annotations

from datetime import date
from typing import TextIO

from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Customer
from .roles import PRIVACY_OFFICER, SECURITY_OFFICER, SUPPORT_AGENT, sync_roles

DEMO_PASSWORD = "demo-privacy-2026"  # noqa: S105 — demo data only, printed on screen

STAFF = [
    ("privacy", "Privacy Officer", PRIVACY_OFFICER),
    ("support", "Support Agent", SUPPORT_AGENT),
    ("security", "Security Officer", SECURITY_OFFICER),
]
# Fixed demo TOTP secrets (hex), so an authenticator app set up once keeps working.
TOTP_KEYS = {
    "privacy": "3132333435363738393031323334353637383930",
    "support": "4142434445464748494a4b4c4d4e4f5051525354",
    "security": "6162636465666768696a6b6c6d6e6f7071727374",
}
BACKUP_CODES = {"privacy": "111111", "support": "222222", "security": "333333"}

CUSTOMERS = [
    ("cus-1001", "ana.popescu@example.com", "Ana Popescu", "Ștefănescu Trading SRL", "ro"),
    ("cus-1002", "john.smith@example.com", "John Smith", "Acme Catalogues Ltd", "en"),
    ("cus-1003", "ioana.tanase@example.com", "Ioana Tănase", "Țesătoria Âmbră SRL", "ro"),
]


def seed(out: TextIO) -> None:
    sync_roles()
    lines = []
    for username, label, role in STAFF:
        user, _ = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        user.is_staff = True
        user.email = f"{username}@micropim.net"
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        totp, _ = TOTPDevice.objects.get_or_create(user=user, name="demo authenticator",
                                                   defaults={"key": TOTP_KEYS[username]})
        static, _ = StaticDevice.objects.get_or_create(user=user, name="demo backup codes")
        # A static code is used up at each login: re-issue it on every `make run`.
        StaticToken.objects.get_or_create(device=static, token=BACKUP_CODES[username])
        lines.append(f"  {label:17} user {username:9} password {DEMO_PASSWORD}  "
                     f"OTP backup code {BACKUP_CODES[username]}  (TOTP otpauth: {totp.config_url})")
    for external_id, email, name, company, lang in CUSTOMERS:
        Customer.objects.get_or_create(
            external_id=external_id,
            defaults={"email": email, "full_name": name, "company_name": company, "language": lang,
                      "job_title": "Catalogue manager", "date_of_birth": date(1988, 5, 17)},
        )
    customer_user, _ = User.objects.get_or_create(username="ana.popescu")
    customer_user.email = "ana.popescu@example.com"
    customer_user.set_password(DEMO_PASSWORD)
    customer_user.save()
    Customer.objects.filter(external_id="cus-1001", user__isnull=True).update(user=customer_user)
    lines.append(f"  {'Customer':17} user ana.popescu password {DEMO_PASSWORD}  "
                 "(account cus-1001; the portal /privacy/ lands with its issue)")
    out.write("Demo logins (staff sign in at /admin/ with a one-time code):\n" + "\n".join(lines) + "\n")
