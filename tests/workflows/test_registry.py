"""A domain app plugs its flow into the inbox and the task notices by registering it, and
workflows/ needs no change for it."""

import datetime

import pytest
from django.urls import reverse

from notifications.models import Notification
from workflows import registry
from workflows.inbox import inbox_tasks

pytestmark = pytest.mark.django_db

DUE = datetime.datetime(2026, 3, 31, 17, 0, tzinfo=datetime.UTC)


@pytest.fixture
def dummy_flow(settings, monkeypatch):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests.workflows.dummy_app"]
    from tests.workflows.dummy_app.flows import DummyFlow

    def describe(task, now):
        return registry.TaskView(what="Ký sổ đăng ký", title=f"Sổ đăng ký số {task.process.pk}",
                                 subject="Sổ đăng ký", unit="Huyện đoàn Mường Ảng", url="/so-dang-ky/", due=DUE,
                                 data={"register": task.process.pk})

    # A registry of this test's own: the real one is left as the apps made it.
    monkeypatch.setattr(registry, "_flows", dict(registry._flows))
    registry.register_flow(registry.FlowKind(DummyFlow, describe,
                                             notice_titles={"sign": "Sổ đăng ký cần ký: %(subject)s"}))
    return DummyFlow


def test_a_registered_flow_shows_in_the_inbox_of_the_people_who_may_take_it(client, people, dummy_flow):
    process = dummy_flow.start.run()
    client.force_login(people.muong_ang_officer)
    body = client.get(reverse("workflows:inbox")).content.decode()
    assert "Ký sổ đăng ký" in body and f"Sổ đăng ký số {process.pk}" in body
    assert 'data-task="sign"' in body and f'data-register="{process.pk}"' in body
    assert 'href="/so-dang-ky/"' in body
    client.force_login(people.tuan_giao_officer)  # another unit: not its task
    assert f"Sổ đăng ký số {process.pk}" not in client.get(reverse("workflows:inbox")).content.decode()


def test_a_registered_flow_sends_its_own_notice_title(people, dummy_flow):
    dummy_flow.start.run()
    notice = Notification.objects.get(recipient=people.muong_ang_officer)
    assert notice.title == "Sổ đăng ký cần ký: Sổ đăng ký" and notice.url == "/so-dang-ky/"


def test_a_flow_nobody_registered_is_left_out_of_the_inbox_rows(people, dummy_flow, monkeypatch):
    dummy_flow.start.run()
    monkeypatch.setattr(registry, "_flows", {})
    assert inbox_tasks(people.muong_ang_officer).count() == 1  # the task is there
    assert registry.describe(inbox_tasks(people.muong_ang_officer).get(), None) is None  # but undescribed
