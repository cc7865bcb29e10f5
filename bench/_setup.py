"""Shared bench set-up: a fresh PostgreSQL database, migrated, with Django configured."""

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def fresh_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    _django_on(name)


def summary(label: str, seconds: list[float]) -> str:
    runs = ", ".join(f"{s:.2f}" for s in seconds)
    return f"{label}: median {statistics.median(seconds):.2f} s over {len(seconds)} runs ({runs})"


def database_reused_or_fresh(name: str, *, marker: str, rebuild: bool = False) -> bool:
    """Django on database `name`: the one already there when it holds the table `marker` (which a
    dataset builder creates last, in the transaction that loads the data, so it means complete),
    else a fresh one. Either way migrated to the code's latest. True when reused."""
    import psycopg

    complete = False
    if not rebuild:
        try:
            with psycopg.connect(f"{PG}/{name}") as conn:
                complete = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [marker]).fetchone()[0]
        except psycopg.OperationalError:  # no such database yet
            complete = False
    if not complete:
        fresh_database(name)
        return False
    _django_on(name)
    return True


def _django_on(name: str) -> None:
    """Django configured on database `name`, migrated to the code's latest."""
    os.environ["DATABASE_URL"] = f"{PG}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("APP_VAR_DIR", "/tmp/kehoach-bench-var")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True,
                   env=os.environ)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def central_people(full_name: str = ""):
    """The central union ("VN", document code TWĐTN), and its officer, secretary and clerk holding
    their positions, by role. Needs the national units loaded."""
    from accounts.models import Role, Unit, User
    from accounts.services import position_create

    central = Unit.objects.get(code="VN")
    central.document_code = "TWĐTN"
    central.save()
    people = {}
    for role in (Role.OFFICER, Role.SECRETARY, Role.CLERK):
        people[role] = User.objects.create(username=f"tw.{role}", full_name=f"{full_name} {role}".strip())
        position_create(user=people[role], unit=central, role=role)
    return central, people
