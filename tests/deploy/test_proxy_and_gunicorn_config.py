"""Production settings: ProxyFix only when asked for, and an access log without addresses."""

from __future__ import annotations

import runpy

import pytest
from flask import request

from survey_app import create_app
from survey_app.web.security import ConfigurationError
from tests.conftest import csrf_token, make_app
from tests.deploy.servers import GUNICORN_CONF

FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def _seen(app) -> tuple[str, str]:
    @app.get("/_seen")
    def seen() -> str:
        return f"{request.remote_addr} {request.scheme}"

    return tuple(app.test_client().get("/_seen", headers=FORWARDED).text.split())


def test_forwarded_headers_are_ignored_by_default(tmp_path):
    assert _seen(make_app(tmp_path)) == ("127.0.0.1", "http")


def test_proxy_fix_takes_address_and_scheme_from_one_proxy(tmp_path):
    assert _seen(make_app(tmp_path, PROXY_FIX_X_FOR="1")) == ("203.0.113.9", "https")


def test_login_limit_counts_per_forwarded_client(tmp_path):
    """Behind the proxy, one client's failed logins do not lock out the whole office."""
    app = make_app(tmp_path, PROXY_FIX_X_FOR=1, LOGIN_RATE_LIMIT="2 per minute")

    def attempt(address: str) -> int:
        client = app.test_client()
        headers = {"X-Forwarded-For": address}
        token = csrf_token(client.get("/login", headers=headers).text)
        data = {"email": "a@b.be", "password": "wrong", "csrf_token": token}
        return client.post("/login", data=data, headers=headers).status_code

    assert [attempt("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert attempt("198.51.100.2") == 200


def test_proxy_fix_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("PROXY_FIX_X_FOR", "1")
    assert create_app().wsgi_app.__class__.__name__ == "ProxyFix"


@pytest.mark.parametrize("value", ["one", "-1"])
def test_a_wrong_proxy_count_is_a_clear_error(tmp_path, value):
    with pytest.raises(ConfigurationError, match="PROXY_FIX_X_FOR"):
        make_app(tmp_path, PROXY_FIX_X_FOR=value)


def test_gunicorn_access_log_holds_no_address_nor_query_string():
    settings = runpy.run_path(str(GUNICORN_CONF))
    log_format = settings["access_log_format"]
    for forbidden in ("%(h)s", "%(q)s", "%(r)s", "%(a)s", "%(f)s"):  # address, query, agent...
        assert forbidden not in log_format
    assert "forwarded" not in log_format.lower()
    assert "%(U)s" in log_format  # the path without its query string
    assert settings["workers"] >= 2 and settings["bind"].startswith("127.0.0.1:")
    assert settings["wsgi_app"] == "survey_app:create_app()"
