"""Error pages in the app's own look (issue 11, defect 8), the favicon, and the CSV import help (10).

Without templates of our own, Django found viewflow's Material 404/403/500 pages (another theme,
no navigation, English). DEBUG is False under pytest-django, so these are the pages people get.
"""

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.templatetags.static import static
from django.test import Client
from django.urls import include, path, reverse
from django.utils import translation
from django.utils.translation import gettext

from plans.indicators import targets
from tests.helpers import html
from tests.plans.helpers import draft_plan

pytestmark = pytest.mark.django_db


def _refuse(request):
    raise PermissionDenied


def _fail(request):
    raise RuntimeError("the database went away")


# The site's own URLs, plus a page Django refuses and one that fails.
urlpatterns = [
    path("tu-choi/", _refuse),
    path("loi/", _fail),
    path("", include("config.urls")),
]


def test_an_unknown_address_is_a_404_in_the_apps_layout_in_vietnamese(client, people):
    client.force_login(people.muong_ang_officer)
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert "Không tìm thấy trang" in body
    assert 'class="mainnav"' in body and f'href="{reverse("workflows:inbox")}"' in body
    assert people.muong_ang_officer.get_full_name() in body
    assert "mdc-" not in body and "material-icons" not in body  # viewflow's theme


def test_an_anonymous_visitor_gets_the_same_404_without_the_menu(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy trang" in body and 'class="topbar"' in body
    assert 'class="mainnav"' not in body


@pytest.mark.urls(__name__)
def test_djangos_403_is_our_refusal_page(client, people):
    client.force_login(people.muong_ang_officer)
    response = client.get("/tu-choi/")

    assert response.status_code == 403
    body = response.content.decode()
    assert "Không có quyền" in body and 'data-error="403"' in body
    assert 'class="mainnav"' in body
    assert "mdc-" not in body


def test_a_refused_action_shows_the_same_page_with_its_reason(client, people):
    client.force_login(people.inspector)  # an inspection committee member drafts no plans
    response = client.get(reverse("plans:create"))

    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-error="403"' in body and 'class="mainnav"' in body
    with translation.override("vi"):
        assert gettext("You may not draft plans: you hold no drafting position in any unit.") in body


@pytest.mark.urls(__name__)
def test_a_500_is_a_standalone_page_in_the_same_look(people, settings):
    # A context processor that fails, as the unread count does when the database is down: the 500
    # page must not need one.
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {
        **settings.TEMPLATES[0]["OPTIONS"],
        "context_processors": [*settings.TEMPLATES[0]["OPTIONS"]["context_processors"], f"{__name__}._broken"],
    }}]
    client = Client(raise_request_exception=False)
    client.force_login(people.muong_ang_officer)

    response = client.get("/loi/")

    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="vi">' in body and "Lỗi máy chủ" in body
    assert f'href="{settings.STATIC_URL}css/app.css"' in body and 'class="topbar"' in body
    assert "mdc-" not in body


def _broken(request):
    raise RuntimeError("no database")


# --- the favicon -------------------------------------------------------------------------------

def test_the_favicon_is_a_small_static_icon_named_by_every_page(client):
    found = finders.find("favicon.ico")
    assert found, "static/favicon.ico"
    with open(found, "rb") as icon:
        data = icon.read()
    assert data[:4] == b"\x00\x00\x01\x00" and len(data) < 2048  # an ICO, a few hundred bytes

    assert f'<link rel="icon" href="{static("favicon.ico")}"' in client.get(reverse("login")).content.decode()


def test_slash_favicon_ico_leads_to_it_instead_of_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("favicon.ico")


# --- the CSV import help of the indicators ------------------------------------------------------

def test_the_import_help_names_every_column_and_code_the_importer_reads_with_its_vietnamese(client, people):
    plan = draft_plan(people)
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:indicators", args=[plan.pk])))
    help_text = body[body.index('id="nhap-tep"'):]
    help_text = help_text[:help_text.index("</section>")]

    columns = {"no", "code", "name", "kind", "unit_of_measure", "target", "comparison", "aggregate"}
    for column in columns:
        assert f'data-column="{column}"><code>{column}</code> — ' in help_text
    for code in targets.KINDS | targets.COMPARISONS | targets.AGGREGATES:
        assert f"<code>{code}</code>" in help_text
    assert "Đơn vị tính" in help_text and "Tối thiểu" in help_text and "Cộng số liệu các đơn vị" in help_text
    assert "Columns: no, code" not in help_text
