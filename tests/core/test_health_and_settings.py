import os
import subprocess
import sys

import pytest
from django.conf import settings

from config import env

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    data = response.json()
    assert response.status_code == 200, data
    assert data["database"]["ok"] and data["broker"]["ok"]
    engine = settings.DATABASES["default"]["ENGINE"]
    assert data["database"]["detail"] == ("postgresql" if "postgres" in engine else "sqlite")


def test_healthz_says_503_when_the_broker_is_unreachable(client, monkeypatch):
    from config.celery import app

    # Both names: Celery resolves the write URL from the broker URL once, at configuration.
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(app.conf, "broker_write_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


@pytest.mark.parametrize(
    ("reader", "name", "raw"),
    [
        (lambda: env.env_bool("X_FLAG", False), "X_FLAG", "maybe"),
        (lambda: env.env_int("X_NUMBER", 1), "X_NUMBER", "ten"),
        (lambda: env.env_database("X_DB", "sqlite://"), "X_DB", "nonsense://"),
    ],
)
def test_a_bad_environment_value_names_the_variable(monkeypatch, reader, name, raw):
    monkeypatch.setenv(name, raw)
    with pytest.raises(env.ConfigError, match=name):
        reader()


def run_manage(*args, **extra_env):
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-test-key-" + "y" * 30,
        "SIGNING_KEYS": "Qm9JbZSx2YwPAq2Mw9lbxRm8Z7W9yq3YcqjZbZgqk9Y=",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "DJANGO_ALLOWED_HOSTS": "kehoach.example.vn",
        "APP_VAR_DIR": "/tmp/kehoach-deploy-check",
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True,
    )


def test_deploy_check_with_production_settings_reports_nothing():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_weak_secret_naming_the_variable():
    result = run_manage("check", DJANGO_SECRET_KEY="short")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_its_own_signing_keys():
    result = run_manage("check", SIGNING_KEYS="")
    assert result.returncode != 0
    assert "SIGNING_KEYS" in result.stderr


def test_production_refuses_sqlite_naming_the_variable():
    result = run_manage("check", DATABASE_URL="sqlite:////tmp/x.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
