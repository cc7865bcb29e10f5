"""V7 (headers): Content-Security-Policy without inline code, Permissions-Policy, HSTS in production.

The policy forbids inline script, inline style and on*= handlers; the pages must therefore have
none. The walk below reads the pages an officer uses, with data, as HTML; the template scan
catches a branch the walk did not render.
"""

import datetime
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from plans import services
from tests.helpers import html
from tests.plans.helpers import assignment_of, issued_plan

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "object-src": "'none'", "base-uri": "'self'", "frame-ancestors": "'none'", "form-action": "'self'",
}


def directives(header: str) -> dict:
    return {name: rest.strip() for name, _sep, rest in (part.strip().partition(" ") for part in header.split(";"))}


class InlineCode(HTMLParser):
    """Every inline script, <style> element, style= attribute and on*= handler of a page."""

    def __init__(self):
        super().__init__()
        self.found, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        self.found += [f"<{tag} {name}=…>" for name in names if name == "style" or name.startswith("on")]
        if tag == "style":
            self.found.append("<style>")
        # A data block (application/json) is not executed, so the policy does not concern it.
        self._in_script = tag == "script" and "src" not in names and names.get("type", "") in ("", "module",
                                                                                                 "text/javascript")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"<script>{data.strip()[:40]}")


def inline_code(body: str) -> list[str]:
    parser = InlineCode()
    parser.feed(body)
    return parser.found


def test_the_parser_finds_each_kind_of_inline_code():
    body = ('<p style="color: red" onclick="x()">a</p><script>alert(1)</script><style>p{}</style>'
            '<script src="/static/js/forms.js"></script><script type="application/json">{}</script>')
    assert inline_code(body) == ["<p style=…>", "<p onclick=…>", "<script>alert(1)", "<style>"]


@pytest.fixture
def work(staff):
    """An issued plan whose Mường Ảng report came in, so that bars and lists have rows."""
    plan = issued_plan(staff, report_due=timezone.now() + datetime.timedelta(days=20))
    assignment = assignment_of(plan, staff.tree.muong_ang)
    services.assignment_receive(assignment=assignment, by=staff.muong_ang_officer)
    services.assignment_report(assignment=assignment, by=staff.muong_ang_officer, text="Đã thực hiện.")
    return plan, assignment


def main_pages(plan, assignment):
    today = timezone.localdate()
    period = {"date_from": f"01/01/{today.year - 1}", "date_to": f"31/12/{today.year + 1}"}
    return [
        (reverse("home"), {}), (reverse("workflows:inbox"), {}), (reverse("plans:list"), {}),
        (reverse("plans:create"), {}), (reverse("plans:detail", args=[plan.pk]), {}),
        (reverse("plans:assignment", args=[assignment.pk]), {}), (reverse("plans:indicators", args=[plan.pk]), {}),
        (reverse("plans:bulk", args=[plan.pk]), {}),
        (reverse("inspections:programmes"), {}), (reverse("inspections:dashboard"), {}),
        (reverse("dashboards:overview"), {}), (reverse("dashboards:on-time"), period),
        (reverse("dashboards:matrix"), {}), (reverse("dashboards:unit-work"), {}),
        (reverse("notifications:list"), {}), (reverse("notifications:settings"), {}),
        (reverse("api-tokens-page"), {}),
    ]


def test_the_main_pages_carry_the_policy_and_no_inline_code(client, staff, work):
    client.force_login(staff.province_officer)
    seen = {}
    for url, params in main_pages(*work):
        response = client.get(url, params)
        assert response.status_code == 200, url
        assert directives(response["Content-Security-Policy"]) == POLICY, url
        seen[url] = inline_code(html(response))
    assert {url: found for url, found in seen.items() if found} == {}
    # The walk did reach the bars that used to be inline styles.
    on_time = html(client.get(reverse("dashboards:on-time"), main_pages(*work)[11][1]))
    assert re.search(r'<svg class="seg seg-awaiting_review" width="100.0%"', on_time)
    # The inspection dashboard as the committee chair, whose committee it is.
    client.force_login(staff.inspection_chair)
    for url in (reverse("inspections:programmes"), reverse("inspections:dashboard")):
        response = client.get(url)
        assert directives(response["Content-Security-Policy"]) == POLICY
        assert inline_code(html(response)) == [], url
    assert '<svg class="bar bar-draft" width="0%"' in html(response)


def test_the_login_page_has_the_policy_and_no_inline_code(client):
    response = client.get(reverse("login"))
    assert directives(response["Content-Security-Policy"]) == POLICY
    assert inline_code(html(response)) == []


def test_no_template_holds_inline_code():
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    pattern = re.compile(r"""\sstyle\s*=|\son[a-z]+\s*=|<script(?![^>]*\bsrc=)[^>]*>|<style""", re.I)
    offending = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for root in roots for path in root.rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offending == []


def test_the_swagger_page_relaxes_only_its_style(client, people):
    client.force_login(people.muong_ang_officer)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy == {**POLICY, "style-src": "'self' 'unsafe-inline'"}
    # Its start-up script is a file of its own, so script-src 'self' holds there too.
    assert [f for f in inline_code(html(response)) if f.startswith("<script")] == []
    script = client.get(reverse("api-docs"), {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_permissions_policy_refuses_camera_microphone_position_and_payment(client):
    header = client.get(reverse("login"))["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


def test_production_settings_send_hsts_for_a_year():
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-test-key-" + "y" * 30,
        "SIGNING_KEYS": "Qm9JbZSx2YwPAq2Mw9lbxRm8Z7W9yq3YcqjZbZgqk9Y=",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "DJANGO_ALLOWED_HOSTS": "kehoach.example.vn",
        "APP_VAR_DIR": "/tmp/kehoach-hsts-check",
    }
    code = ("from django.conf import settings as s; import django; django.setup(); "
            "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)")
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=environment,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    seconds, *flags = result.stdout.split()
    assert int(seconds) >= 31536000
    assert flags == ["True"] * 4
