"""The database connection lost in the middle of a report (issue 12, deliver 5): the officer
gets a page in Vietnamese saying nothing was saved (503, not a 500 with a trace), and nothing
of the report was saved: no version, no history row, the assignment still waiting for it.

Two ways to lose it: the driver's error raised at the moment the service writes (every
database), and the real thing on PostgreSQL, the server ending the backend from another
connection (pg_terminate_backend), as a restart or a failover does.
"""

import pytest
from django.db import OperationalError, connection, connections
from django.urls import reverse
from django.utils import translation

from core.models import TransitionLog
from core.outage import outage_message
from plans import services
from plans.models import Assignment, AssignmentState, Report
from tests.plans.helpers import issued_plan

TEXT = "Đã tổ chức 12 buổi sinh hoạt chuyên đề, 640 đoàn viên tham gia."


def received_assignment(people) -> Assignment:
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    assignment = plan.assignments.get()
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    return assignment


def nothing_saved(assignment, logs_before, officer):
    assignment = Assignment.objects.get(pk=assignment.pk)
    assert assignment.state == AssignmentState.RECEIVED
    assert not Report.objects.filter(assignment=assignment).exists()
    assert TransitionLog.objects.count() == logs_before
    # Still open in the workflow too: sending again works, as version 1.
    assert services.assignment_report(assignment=assignment, by=officer, text=TEXT).version == 1


def lose_the_connection_while_writing(monkeypatch, lose):
    """Run `lose()` right after the report's version row is written, inside its transaction."""
    attach = services._attach

    def attach_then_lose(owner, files, by):
        attach(owner, files, by)
        lose()

    monkeypatch.setattr(services, "_attach", attach_then_lose)


def driver_error():
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db
def test_a_report_cut_by_a_lost_connection_says_so_and_saves_nothing(people, client, monkeypatch):
    assignment = received_assignment(people)
    logs_before = TransitionLog.objects.count()
    lose_the_connection_while_writing(monkeypatch, driver_error)
    client.force_login(people.muong_ang_officer)

    response = client.post(reverse("plans:assignment-report", args=[assignment.pk]), {"text": TEXT})

    assert response.status_code == 503
    assert response["Retry-After"]
    with translation.override("vi"):
        assert outage_message() in response.content.decode()
    assert "Traceback" not in response.content.decode()
    monkeypatch.undo()
    nothing_saved(assignment, logs_before, people.muong_ang_officer)


@pytest.mark.django_db
def test_the_api_answers_503_with_the_same_words(people, as_, monkeypatch):
    assignment = received_assignment(people)
    logs_before = TransitionLog.objects.count()
    lose_the_connection_while_writing(monkeypatch, driver_error)

    response = as_(people.muong_ang_officer).post(f"/api/assignments/{assignment.pk}/report/", {"text": TEXT},
                                                  format="json", HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 503
    with translation.override("vi"):
        assert response.json() == {"detail": outage_message()}
    monkeypatch.undo()
    nothing_saved(assignment, logs_before, people.muong_ang_officer)


@pytest.mark.django_db
def test_other_database_errors_stay_server_errors(people, client, monkeypatch):
    """An IntegrityError is a bug to see in the logs, not a connection to try again."""
    from django.db import IntegrityError

    assignment = received_assignment(people)

    def bug():
        raise IntegrityError("duplicate key")

    lose_the_connection_while_writing(monkeypatch, bug)
    client.force_login(people.muong_ang_officer)
    client.raise_request_exception = False
    response = client.post(reverse("plans:assignment-report", args=[assignment.pk]), {"text": TEXT})
    assert response.status_code == 500


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's")
def test_the_server_ending_the_connection_mid_report_saves_nothing(people, client, monkeypatch):
    assignment = received_assignment(people)
    logs_before = TransitionLog.objects.count()

    def terminate_from_another_connection():
        pid = connection.connection.info.backend_pid
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            other.close()

    lose_the_connection_while_writing(monkeypatch, terminate_from_another_connection)
    client.force_login(people.muong_ang_officer)

    response = client.post(reverse("plans:assignment-report", args=[assignment.pk]), {"text": TEXT})

    assert response.status_code == 503
    with translation.override("vi"):
        assert outage_message() in response.content.decode()
    monkeypatch.undo()
    nothing_saved(assignment, logs_before, people.muong_ang_officer)  # and the next request reconnects
