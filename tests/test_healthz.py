from __future__ import annotations

from django.test import Client

from micropim_privacy.celery import app


def test_healthy_when_database_and_broker_answer(db: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_503_naming_the_broker_when_it_is_down(db: None, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens there
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


def test_503_naming_the_database_when_it_is_down(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    from django.db import connections

    conn = connections["default"]
    saved = dict(conn.settings_dict)
    conn.close()
    conn.settings_dict["PORT"] = "1"  # a port nothing listens on
    try:
        response = Client().get("/healthz")
    finally:
        conn.close()
        conn.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")
