"""GET /api/notifications/ and POST /api/notifications/<id>/read/: the person's own only.

Until config/urls.py includes notifications.api_urls, this module serves as the URLconf."""

import pytest
from django.urls import include, path, reverse

from notifications.models import Notification
from notifications.services import Recipient, notify

urlpatterns = [
    path("api/", include("notifications.api_urls")),
    path("", include("config.urls")),
]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = __name__


def notice(user, title="Nhắc việc"):
    return notify(recipients=[Recipient(user.pk)], kind="reminder", title=title, url="/ke-hoach/")[0]


def test_the_list_holds_only_the_persons_own_newest_first(as_, people):
    first, second = notice(people.muong_ang_officer, "Một"), notice(people.muong_ang_officer, "Hai")
    notice(people.tuan_giao_officer, "Của người khác")
    body = as_(people.muong_ang_officer).get(reverse("api-notifications")).json()
    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]
    assert body["results"][0]["title"] == "Hai" and body["results"][0]["read_at"] is None


def test_unread_only(as_, people):
    read, unread = notice(people.muong_ang_officer), notice(people.muong_ang_officer)
    as_(people.muong_ang_officer).post(reverse("api-notification-read", args=[read.pk]))
    body = as_(people.muong_ang_officer).get(reverse("api-notifications"), {"unread": "1"}).json()
    assert [row["id"] for row in body["results"]] == [unread.pk]


def test_marking_read(as_, people):
    row = notice(people.muong_ang_officer)
    response = as_(people.muong_ang_officer).post(reverse("api-notification-read", args=[row.pk]))
    assert response.status_code == 200 and response.json()["read_at"]
    assert Notification.objects.get(pk=row.pk).read_at is not None


def test_another_persons_notification_is_404(as_, people):
    theirs = notice(people.tuan_giao_officer)
    assert as_(people.muong_ang_officer).post(reverse("api-notification-read", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_anonymous_is_refused(client):
    assert client.get(reverse("api-notifications")).status_code in (401, 403)
