"""RFC 9116: /.well-known/security.txt points reporters at the §14.4 intake."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine
from django.test import Client

from .conftest import utc

NOW = utc(2026, 3, 10, 9, 0)


def fields(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition(": ")
            found.setdefault(name, []).append(value)
    return found


@time_machine.travel(NOW, tick=False)
def test_security_txt_names_the_contacts_languages_and_expiry(client: Client) -> None:
    response = client.get("/.well-known/security.txt", HTTP_HOST="privacy.micropim.net", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    txt = fields(response.content.decode())
    assert txt["Contact"] == ["mailto:security@micropim.net", "https://privacy.micropim.net/security/report/"]
    assert txt["Preferred-Languages"] == ["en, ro"]
    assert txt["Canonical"] == ["https://privacy.micropim.net/.well-known/security.txt"]
    assert txt["Policy"] == ["https://micropim.net/privacy-policy#14-4"]
    (expires,) = txt["Expires"]
    assert expires.endswith("Z")
    # RFC 9116 §2.5.5: in the future, and less than a year away.
    assert NOW < datetime.fromisoformat(expires) < NOW + timedelta(days=365)
    # Every field is one RFC 9116 knows; each required one is there exactly once.
    assert set(txt) <= {"Acknowledgments", "Canonical", "Contact", "Encryption", "Expires", "Hiring",
                        "Policy", "Preferred-Languages"}
    assert len(txt["Expires"]) == 1


def test_the_contact_form_it_points_at_exists(client: Client, db: None) -> None:
    assert client.get("/security/report/").status_code == 200
