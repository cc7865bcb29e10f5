"""Inspection and supervision over the API, with the named people of conftest: Cà Thị Lan heads
the team, Vì Văn Sơn is a member, the chair Tòng Văn Minh approves, Mường Ảng is inspected and
Tuần Giáo's officer is the outsider."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import position_create
from inspections import services
from inspections.models import (
    Conclusion,
    ConclusionState,
    Finding,
    FindingCategory,
    Inspection,
    InspectionKind,
    Remediation,
    RemediationState,
    Severity,
)
from plans import services as plan_services
from tests.factories import UserFactory
from tests.helpers import ok, queries_for, state_of
from tests.inspections.helpers import conclude, decided_inspection, draft_inspection, programme, target_of
from tests.plans.helpers import draft_plan

pytestmark = pytest.mark.django_db

HUGE_ID = "99999999999999999999"  # beyond a bigint


def officer_of(unit):
    user = UserFactory(username=f"{unit.code.lower()}.canbo")
    position_create(user=user, unit=unit, role=Role.OFFICER)
    return user


def decision_body(people, prog, **fields):
    return {
        "programme": prog.pk, "kind": "inspection_thematic",
        "subject": "Kiểm tra việc thực hiện Nghị quyết Đại hội Đoàn các cấp",
        "content": "Việc quán triệt, xây dựng chương trình hành động và kết quả thực hiện.",
        "legal_basis": "Điều lệ Đoàn TNCS Hồ Chí Minh", "starts_on": "01/04/2024", "ends_on": "2024-04-30",
        "self_report_due": "15/04/2099 17:00", "decision_kind": "KH",
        "target_units": [people.tree.muong_ang.pk, people.tree.tuan_giao.pk],
        "team": [{"user": people.inspector.pk, "role": "head"}, {"user": people.inspector2.pk, "role": "member"}],
        **fields,
    }


def issued_conclusion_target(people, unit=None):
    """Mường Ảng's target (of an inspection of Mường Ảng and Tuần Giáo) with its conclusion issued."""
    inspection = decided_inspection(people)
    target = target_of(inspection, unit or people.tree.muong_ang)
    conclude(people, target)
    return target


def ready_conclusion(people, target):
    """Self-reported, a finding, a draft conclusion that may be submitted."""
    services.target_self_report(target=target, by=people.muong_ang_officer, text="Báo cáo tự kiểm tra.")
    finding = services.finding_record(target=target, by=people.inspector2, category=FindingCategory.VIOLATION,
                                      severity=Severity.MODERATE, description="Chưa sinh hoạt chi đoàn định kỳ.")
    conclusion = services.conclusion_save(target=target, by=people.inspector, text="Kết luận dự thảo.",
                                          recommendations=[("Khắc phục.", timezone.now() + datetime.timedelta(days=9))])
    return finding, conclusion


# --- The whole path ---------------------------------------------------------------------------

def test_an_inspection_of_six_districts_goes_from_programme_to_closed_over_the_api(as_, people):
    t = people.tree
    others = [d for d in t.districts if d.pk not in (t.muong_ang.pk, t.tuan_giao.pk)][:4]
    districts = [t.muong_ang, t.tuan_giao, *others]
    officers = {t.muong_ang.pk: people.muong_ang_officer, t.tuan_giao.pk: people.tuan_giao_officer}
    officers.update({d.pk: officer_of(d) for d in others})
    head, member, chair = as_(people.inspector), as_(people.inspector2), as_(people.inspection_chair)

    prog = ok(head.post("/api/inspection-programmes/", {
        "issuing_unit": t.province.pk, "department": t.ubkt.pk, "year": 2024,
        "title": "Chương trình kiểm tra, giám sát năm 2024 của Ủy ban Kiểm tra Tỉnh đoàn",
    }, format="json"), 201)
    assert (prog["year"], prog["department"]["code"]) == (2024, "TDDB-UBKT")

    created = ok(head.post("/api/inspections/", {
        "programme": prog["id"], "kind": "inspection_thematic",
        "subject": "Kiểm tra việc thực hiện Nghị quyết Đại hội Đoàn các cấp",
        "content": "Việc quán triệt, xây dựng chương trình hành động và kết quả thực hiện.",
        "legal_basis": "Điều lệ Đoàn TNCS Hồ Chí Minh", "starts_on": "01/04/2024", "ends_on": "2024-04-30",
        "self_report_due": "15/04/2099 17:00", "decision_kind": "KH",
        "target_units": [d.pk for d in districts],
        "team": [{"user": people.inspector.pk, "role": "head"}, {"user": people.inspector2.pk, "role": "member"}],
    }, format="json"), 201)
    assert created["state"] == "draft" and created["actions"] == ["edit", "submit"]
    assert {target["unit"]["id"] for target in created["targets"]} == {d.pk for d in districts}
    assert {(m["user"]["username"], m["role"]) for m in created["team"]} == {
        ("ubkt.uyvien1", "head"), ("ubkt.uyvien2", "member")}
    url = f"/api/inspections/{created['id']}"

    assert ok(head.post(f"{url}/submit/"))["state"] == "awaiting_approval"
    assert ok(chair.get(f"{url}/"))["actions"] == ["approve", "return"]
    decided = ok(chair.post(f"{url}/approve/", {"comment": "Đồng ý"}))
    assert decided["state"] == "in_progress"
    # The committee's first plan of the term: number 01, kind KH, issued in its own name.
    assert decided["decision_number"] == "01-KH/UBKTTĐ"
    assert {target["state"] for target in decided["targets"]} == {"notified"}

    # Every district sees its own target only, self-reports, and cannot see findings yet.
    target_urls = {}
    for unit in districts:
        officer = as_(officers[unit.pk])
        rows = ok(officer.get("/api/inspection-targets/"))["results"]
        assert [(row["unit"]["id"], row["actions"]) for row in rows] == [(unit.pk, ["self_report"])]
        assert [target["unit"]["id"] for target in ok(officer.get(f"{url}/"))["targets"]] == [unit.pk]
        target_url = f"/api/inspection-targets/{rows[0]['id']}"
        reported = ok(officer.post(f"{target_url}/self-report/", {"text": f"Báo cáo tự kiểm tra của {unit.name}"}))
        assert reported["state"] == "self_reported" and reported["self_reported_by"] == officers[unit.pk].full_name
        target_urls[unit.pk] = target_url

    for unit in districts:
        finding = ok(member.post(f"{target_urls[unit.pk]}/findings/", {
            "category": "shortcoming", "severity": "minor", "description": f"Sổ đoàn viên của {unit.name} chưa đủ.",
        }), 201)
        assert (finding["category"], finding["recorded_by"]) == ("shortcoming", "Vì Văn Sơn")
        assert ok(as_(officers[unit.pk]).get(f"{target_urls[unit.pk]}/findings/")) == []
        draft = ok(head.put(f"{target_urls[unit.pk]}/conclusion/", {
            "text": f"{unit.name} cơ bản thực hiện tốt Nghị quyết.",
            "recommendations": [{"text": "Cập nhật sổ đoàn viên.", "due": "30/06/2099 17:00"}],
        }, format="json"))
        assert draft["state"] == "draft" and [r["text"] for r in draft["recommendations"]] == ["Cập nhật sổ đoàn viên."]
        assert ok(head.post(f"{target_urls[unit.pk]}/conclusion/submit/"))["state"] == "awaiting_approval"

    # The chair sends Mường Ảng's back; the head rewrites and resubmits it.
    ma_url = target_urls[t.muong_ang.pk]
    returned = ok(chair.post(f"{ma_url}/conclusion/return/", {"comment": "Bổ sung thời hạn khắc phục"}))
    assert returned["state"] == "draft"
    history = ok(head.get(f"/api/conclusions/{returned['id']}/history/"))
    assert (history[-1]["transition"], history[-1]["comment"], history[-1]["by"]) == (
        "return_to_draft", "Bổ sung thời hạn khắc phục", "Tòng Văn Minh")
    ok(head.put(f"{ma_url}/conclusion/", {"text": "Mường Ảng cơ bản thực hiện tốt; còn thiếu sổ sách.",
                                         "recommendations": [{"text": "Cập nhật sổ đoàn viên.",
                                                              "due": "2099-06-30T17:00:00+07:00"}]},
           format="json"))
    assert ok(head.post(f"{ma_url}/conclusion/submit/"))["state"] == "awaiting_approval"

    numbers = []
    for unit in districts:
        assert ok(chair.post(f"{target_urls[unit.pk]}/conclusion/approve/"))["state"] == "approved"
        issued = ok(chair.post(f"{target_urls[unit.pk]}/conclusion/issue/"))
        assert issued["state"] == "issued"
        numbers.append(issued["number"])
    # Conclusion notices (TB) run in the committee's own sequence, apart from its plans.
    assert numbers == [f"{n:02d}-TB/UBKTTĐ" for n in range(1, 7)]
    assert ok(head.get(f"{url}/"))["state"] == "concluded"

    # Now the unit sees its findings and its conclusion.
    ma = as_(people.muong_ang_officer)
    assert [f["description"] for f in ok(ma.get(f"{ma_url}/findings/"))] == ["Sổ đoàn viên của Huyện đoàn Mường Ảng "
                                                                            "chưa đủ."]
    assert ok(ma.get(f"{ma_url}/conclusion/"))["text"] == "Mường Ảng cơ bản thực hiện tốt; còn thiếu sổ sách."
    assert ok(ma.get(f"{ma_url}/"))["conclusion"]["state"] == "issued"

    # Remediation: every unit reports; Mường Ảng's is reopened once, then all are verified.
    remediation_urls = {}
    for unit in districts:
        officer = as_(officers[unit.pk])
        rows = ok(officer.get("/api/remediations/"))["results"]
        assert [(row["target"]["unit"]["id"], row["state"], row["actions"]) for row in rows] == [
            (unit.pk, "open", ["report"])]
        remediation_urls[unit.pk] = f"/api/remediations/{rows[0]['id']}"
        report = ok(officer.post(f"{remediation_urls[unit.pk]}/report/", {"text": "Đã cập nhật sổ đoàn viên."}), 201)
        assert report["version"] == 1

    ma_remediation = remediation_urls[t.muong_ang.pk]
    assert ok(head.post(f"{ma_remediation}/reopen/", {"comment": "Chưa gửi kèm sổ đã cập nhật"}))["state"] == "open"
    reopened = ok(ma.get(f"{ma_remediation}/history/"))[-1]
    assert (reopened["transition"], reopened["comment"]) == ("reopen", "Chưa gửi kèm sổ đã cập nhật")
    assert ok(ma.post(f"{ma_remediation}/report/", {"text": "Gửi kèm bản chụp sổ."}), 201)["version"] == 2
    for unit in districts:
        assert ok(head.post(f"{remediation_urls[unit.pk]}/verify/"))["state"] == "verified"

    assert [(r["version"], r["text"]) for r in ok(ma.get(f"{ma_remediation}/"))["reports"]] == [
        (1, "Đã cập nhật sổ đoàn viên."), (2, "Gửi kèm bản chụp sổ.")]
    closed = ok(head.get(f"{url}/"))
    assert closed["state"] == "closed" and {target["state"] for target in closed["targets"]} == {"closed"}
    assert [(h["source"], h["target"]) for h in ok(head.get(f"{url}/history/"))] == [
        ("draft", "awaiting_approval"), ("awaiting_approval", "in_progress"), ("in_progress", "concluded"),
        ("concluded", "closed"),
    ]


def test_a_supervision_of_an_outside_body_has_the_team_record_its_report(as_, people):
    prog = programme(people)
    body = decision_body(people, prog, kind="supervision_thematic", target_units=[],
                         outside_bodies=["Ủy ban nhân dân huyện Mường Ảng"],
                         subject="Giám sát việc thực hiện chính sách đối với thanh niên")
    head, member = as_(people.inspector), as_(people.inspector2)
    created = ok(head.post("/api/inspections/", body, format="json"), 201)
    assert [(t["unit"], t["name"]) for t in created["targets"]] == [(None, "Ủy ban nhân dân huyện Mường Ảng")]
    ok(head.post(f"/api/inspections/{created['id']}/submit/"))
    ok(as_(people.inspection_chair).post(f"/api/inspections/{created['id']}/approve/"))

    target_url = f"/api/inspection-targets/{created['targets'][0]['id']}"
    assert ok(member.get(f"{target_url}/"))["actions"] == ["record_finding", "self_report"]
    reported = ok(member.post(f"{target_url}/self-report/", {"text": "Báo cáo của UBND huyện Mường Ảng."}))
    assert reported["state"] == "self_reported" and reported["self_reported_by"] == "Vì Văn Sơn"
    # The district Youth Union is not the supervised body: it sees nothing of it.
    assert as_(people.muong_ang_officer).get(f"{target_url}/").status_code == 404


def test_an_outside_body_cannot_be_inspected_only_supervised(as_, people):
    body = decision_body(people, programme(people), outside_bodies=["Ủy ban nhân dân huyện Mường Ảng"])

    response = as_(people.inspector).post("/api/inspections/", body, format="json")
    assert response.status_code == 400 and "outside_bodies" in response.json()
    assert not Inspection.objects.exists()


def test_a_draft_decision_is_edited_with_patch(as_, people):
    inspection = draft_inspection(people)

    answer = ok(as_(people.inspector).patch(f"/api/inspections/{inspection.pk}/", {
        "subject": "Kiểm tra công tác đoàn viên", "target_units": [people.tree.tuan_giao.pk],
        "team": [{"user": people.inspector2.pk, "role": "head"}],
    }, format="json"))
    assert answer["subject"] == "Kiểm tra công tác đoàn viên"
    assert [t["unit"]["code"] for t in answer["targets"]] == ["HDTG"]
    assert [(m["user"]["username"], m["role"]) for m in answer["team"]] == [("ubkt.uyvien2", "head")]


def test_a_decided_inspection_cannot_be_edited(as_, people):
    inspection = decided_inspection(people)

    response = as_(people.inspector).patch(f"/api/inspections/{inspection.pk}/", {"subject": "Khác"}, format="json")
    assert response.status_code == 400
    assert Inspection.objects.get(pk=inspection.pk).subject == "Kiểm tra công tác triển khai Tháng Thanh niên năm 2024"


def test_the_checked_plan_must_be_one_the_person_may_see(as_, people):
    prog = programme(people)
    province_plan = draft_plan(people)
    district_plan = plan_services.plan_create(
        by=people.tuan_giao_officer, issuing_unit=people.tree.tuan_giao, subject="Kế hoạch của Tuần Giáo",
        report_due=timezone.now() + datetime.timedelta(days=20),
    )
    head = as_(people.inspector)

    refused = head.post("/api/inspections/", decision_body(people, prog, checked_plan=district_plan.pk), format="json")
    assert refused.status_code == 400 and "checked_plan" in refused.json()
    accepted = ok(head.post("/api/inspections/", decision_body(people, prog, checked_plan=province_plan.pk),
                            format="json"), 201)
    assert accepted["checked_plan"]["id"] == province_plan.pk
    assert Inspection.objects.count() == 1


# --- What an inspected unit may not see -----------------------------------------------------

def test_another_districts_target_and_everything_on_it_is_not_found(as_, people):
    target = issued_conclusion_target(people)
    finding = target.findings.get()
    remediation = target.remediations.get()
    outsider = as_(people.tuan_giao_officer)

    for url in (f"/api/inspection-targets/{target.pk}/", f"/api/inspection-targets/{target.pk}/findings/",
                f"/api/inspection-targets/{target.pk}/conclusion/", f"/api/findings/{finding.pk}/",
                f"/api/conclusions/{target.conclusion.pk}/", f"/api/conclusions/{target.conclusion.pk}/history/",
                f"/api/conclusions/{target.conclusion.pk}/document.docx", f"/api/remediations/{remediation.pk}/"):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"/api/remediations/{remediation.pk}/report/", {"text": "x"}).status_code == 404
    assert outsider.post(f"/api/inspection-targets/{target.pk}/self-report/", {"text": "x"}).status_code == 404
    assert outsider.patch(f"/api/findings/{finding.pk}/", {"description": "x"}).status_code == 404
    # Its own target of the same inspection is there, and only that one.
    rows = ok(outsider.get("/api/inspection-targets/", {"inspection": target.inspection_id}))["results"]
    assert [row["unit"]["code"] for row in rows] == ["HDTG"]
    assert ok(outsider.get("/api/remediations/"))["results"] == []
    assert state_of(remediation) == RemediationState.OPEN


def test_a_unit_sees_neither_findings_nor_the_draft_conclusion_before_issue(as_, people):
    inspection = decided_inspection(people)
    target = target_of(inspection, people.tree.muong_ang)
    finding, conclusion = ready_conclusion(people, target)
    services.conclusion_submit(conclusion=conclusion, by=people.inspector)
    services.conclusion_approve(conclusion=conclusion, by=people.inspection_chair)
    unit = as_(people.muong_ang_officer)

    assert ok(unit.get(f"/api/inspection-targets/{target.pk}/findings/")) == []
    assert unit.get(f"/api/findings/{finding.pk}/").status_code == 404
    assert unit.get(f"/api/inspection-targets/{target.pk}/conclusion/").status_code == 404
    assert unit.get(f"/api/conclusions/{conclusion.pk}/").status_code == 404
    assert ok(unit.get(f"/api/inspection-targets/{target.pk}/"))["conclusion"] is None
    # The team sees both.
    assert [f["id"] for f in ok(as_(people.inspector).get(f"/api/inspection-targets/{target.pk}/findings/"))] == [
        finding.pk]
    assert ok(as_(people.inspector).get(f"/api/inspection-targets/{target.pk}/"))["conclusion"]["state"] == "approved"


def test_a_unit_does_not_see_the_drafting_rounds_in_the_history(as_, people):
    inspection = draft_inspection(people)
    services.inspection_submit(inspection=inspection, by=people.inspector)
    services.inspection_return(inspection=inspection, by=people.inspection_chair, comment="Sửa căn cứ")
    services.inspection_submit(inspection=inspection, by=people.inspector)
    services.inspection_approve(inspection=inspection, by=people.inspection_chair)

    unit_view = ok(as_(people.muong_ang_officer).get(f"/api/inspections/{inspection.pk}/history/"))
    assert [h["transition"] for h in unit_view] == ["approve"]
    team_view = ok(as_(people.inspector2).get(f"/api/inspections/{inspection.pk}/history/"))
    assert [h["transition"] for h in team_view] == ["submit", "return_to_draft", "submit", "approve"]
    assert team_view[1]["comment"] == "Sửa căn cứ"


def test_a_draft_decision_is_not_found_for_the_inspected_unit(as_, people):
    inspection = draft_inspection(people)

    unit = as_(people.muong_ang_officer)
    assert unit.get(f"/api/inspections/{inspection.pk}/").status_code == 404
    assert ok(unit.get("/api/inspections/"))["results"] == []
    assert ok(unit.get("/api/inspection-targets/"))["results"] == []


def test_the_conclusion_notice_downloads_for_the_unit_once_issued(as_, people):
    target = issued_conclusion_target(people)
    url = f"/api/conclusions/{target.conclusion.pk}/document.docx"
    assert as_(people.tuan_giao_officer).get(url).status_code == 404

    pytest.importorskip("inspections.documents")
    response = as_(people.muong_ang_officer).get(url)
    assert response.status_code == 200 and response.content[:2] == b"PK"  # a .docx is a zip
    assert "attachment" in response["Content-Disposition"]


# --- Who may act: 403 -----------------------------------------------------------------------

def test_only_the_team_records_findings(as_, people):
    inspection = decided_inspection(people)
    target = target_of(inspection, people.tree.muong_ang)
    url = f"/api/inspection-targets/{target.pk}/findings/"
    body = {"category": "violation", "severity": "serious", "description": "Tự ý thu đoàn phí."}

    for outsider_of_the_team in (people.inspection_chair, people.muong_ang_officer):
        assert as_(outsider_of_the_team).post(url, body).status_code == 403
    assert not Finding.objects.exists()
    assert ok(as_(people.inspector2).post(url, body), 201)["severity"] == "serious"
    assert Finding.objects.count() == 1


def test_the_inspected_unit_may_not_approve_its_conclusion(as_, people):
    inspection = decided_inspection(people)
    target = target_of(inspection, people.tree.muong_ang)
    _finding, conclusion = ready_conclusion(people, target)
    services.conclusion_submit(conclusion=conclusion, by=people.inspector)

    # The unit does not see the draft at all; a team member sees it but may not approve it.
    assert as_(people.muong_ang_officer).post(f"/api/inspection-targets/{target.pk}/conclusion/approve/"
                                              ).status_code == 404
    assert as_(people.inspector2).post(f"/api/inspection-targets/{target.pk}/conclusion/approve/").status_code == 403
    assert state_of(conclusion) == ConclusionState.AWAITING_APPROVAL


def test_a_team_member_who_is_not_the_head_may_not_draft_the_conclusion(as_, people):
    inspection = decided_inspection(people)
    target = target_of(inspection, people.tree.muong_ang)

    response = as_(people.inspector2).put(f"/api/inspection-targets/{target.pk}/conclusion/", {"text": "Kết luận"},
                                          format="json")
    assert response.status_code == 403 and not Conclusion.objects.exists()


def test_a_unit_may_not_verify_its_own_remediation(as_, people):
    target = issued_conclusion_target(people)
    remediation = target.remediations.get()
    unit = as_(people.muong_ang_officer)
    ok(unit.post(f"/api/remediations/{remediation.pk}/report/", {"text": "Đã khắc phục."}), 201)

    assert unit.post(f"/api/remediations/{remediation.pk}/verify/").status_code == 403
    assert state_of(remediation) == RemediationState.REPORTED


# --- Bad input: 400, 409 --------------------------------------------------------------------

def test_a_finding_cannot_be_changed_after_the_conclusion_is_issued(as_, people):
    target = issued_conclusion_target(people)
    finding = target.findings.get()

    response = as_(people.inspector2).patch(f"/api/findings/{finding.pk}/", {"description": "Đã sửa."},
                                            format="json")
    assert response.status_code == 400 and response.json()["non_field_errors"][0]
    assert Finding.objects.get(pk=finding.pk).description == "Sổ sách chưa cập nhật đầy đủ."


def test_a_finding_is_changed_before_issue_and_a_correction_recorded_after(as_, people):
    inspection = decided_inspection(people)
    target = target_of(inspection, people.tree.muong_ang)
    finding, _conclusion = ready_conclusion(people, target)
    member = as_(people.inspector2)

    changed = ok(member.patch(f"/api/findings/{finding.pk}/", {"severity": "serious"}, format="json"))
    assert (changed["severity"], changed["description"]) == ("serious", "Chưa sinh hoạt chi đoàn định kỳ.")

    conclusion = Conclusion.objects.get(target=target)
    services.conclusion_submit(conclusion=conclusion, by=people.inspector)
    services.conclusion_approve(conclusion=conclusion, by=people.inspection_chair)
    services.conclusion_issue(conclusion=conclusion, by=people.inspection_chair)
    url = f"/api/inspection-targets/{target.pk}/findings/"
    plain = member.post(url, {"category": "strength", "description": "Có sổ sách đầy đủ."})
    assert plain.status_code == 400 and Finding.objects.count() == 1
    correction = ok(member.post(url, {"category": "shortcoming", "severity": "minor", "corrects": finding.pk,
                                      "description": "Đã sinh hoạt nhưng chưa đủ kỳ."}), 201)
    assert correction["corrects"] == finding.pk


def test_a_decision_without_subject_is_a_400(as_, people):
    body = decision_body(people, programme(people))
    del body["subject"]

    response = as_(people.inspector).post("/api/inspections/", body, format="json")
    assert response.status_code == 400 and "subject" in response.json()
    assert not Inspection.objects.exists()


def test_a_decision_ending_before_it_starts_is_a_400(as_, people):
    body = decision_body(people, programme(people), starts_on="30/04/2024", ends_on="01/04/2024")

    response = as_(people.inspector).post("/api/inspections/", body, format="json")
    assert response.status_code == 400 and "ends_on" in response.json()
    assert not Inspection.objects.exists()


def test_a_team_without_a_head_is_a_400(as_, people):
    body = decision_body(people, programme(people), team=[{"user": people.inspector2.pk}])

    response = as_(people.inspector).post("/api/inspections/", body, format="json")
    assert response.status_code == 400 and "team" in response.json()


def test_an_unknown_finding_category_is_a_400(as_, people):
    inspection = decided_inspection(people)
    target = target_of(inspection, people.tree.muong_ang)

    response = as_(people.inspector2).post(f"/api/inspection-targets/{target.pk}/findings/", {
        "category": "rumour", "severity": "minor", "description": "Nghe nói.",
    })
    assert response.status_code == 400 and "category" in response.json()
    assert not Finding.objects.exists()


def test_huge_ids_are_not_found_or_invalid_never_a_crash(as_, people):
    inspection = decided_inspection(people)
    head = as_(people.inspector)

    for url in (f"/api/inspections/{HUGE_ID}/", f"/api/inspection-targets/{HUGE_ID}/findings/",
                f"/api/conclusions/{HUGE_ID}/document.docx", f"/api/remediations/{HUGE_ID}/",
                f"/api/findings/{HUGE_ID}/", f"/api/inspection-programmes/{HUGE_ID}/"):
        assert head.get(url).status_code == 404, url
    assert head.post(f"/api/inspections/{HUGE_ID}/submit/").status_code == 404
    body = decision_body(people, inspection.programme, target_units=[HUGE_ID])
    assert head.post("/api/inspections/", body, format="json").status_code == 400
    assert head.post("/api/inspections/", decision_body(people, inspection.programme, programme=HUGE_ID),
                     format="json").status_code == 400
    assert head.get("/api/inspections/", {"programme": HUGE_ID}).status_code == 400
    assert head.get("/api/inspection-dashboard/", {"unit": HUGE_ID, "year": 2024}).status_code == 400
    assert Inspection.objects.count() == 1


def test_returning_a_decision_needs_a_comment(as_, people):
    inspection = draft_inspection(people)
    services.inspection_submit(inspection=inspection, by=people.inspector)

    response = as_(people.inspection_chair).post(f"/api/inspections/{inspection.pk}/return/", {"comment": ""})
    assert response.status_code == 400 and "comment" in response.json()
    assert state_of(inspection) == "awaiting_approval"


def test_approving_a_draft_decision_is_a_conflict(as_, people):
    inspection = draft_inspection(people)

    response = as_(people.inspection_chair).post(f"/api/inspections/{inspection.pk}/approve/")
    assert response.status_code == 409 and response.json()["state"] == "draft"
    assert state_of(inspection) == "draft"


def test_self_reporting_twice_is_a_conflict(as_, people):
    inspection = decided_inspection(people)
    target = target_of(inspection, people.tree.muong_ang)
    unit = as_(people.muong_ang_officer)
    ok(unit.post(f"/api/inspection-targets/{target.pk}/self-report/", {"text": "Lần 1"}))

    response = unit.post(f"/api/inspection-targets/{target.pk}/self-report/", {"text": "Lần 2"})
    assert response.status_code == 409
    assert type(target).objects.get(pk=target.pk).self_report == "Lần 1"


def test_reopening_a_remediation_needs_a_comment(as_, people):
    target = issued_conclusion_target(people)
    remediation = target.remediations.get()
    services.remediation_report(remediation=remediation, by=people.muong_ang_officer, text="Xong")

    response = as_(people.inspector).post(f"/api/remediations/{remediation.pk}/reopen/", {})
    assert response.status_code == 400 and "comment" in response.json()
    assert state_of(remediation) == RemediationState.REPORTED


# --- Lists, dashboard, schema ---------------------------------------------------------------

def test_the_programme_list_filters_by_year(as_, people):
    programme(people, year=2024)
    programme(people, year=2025)

    rows = ok(as_(people.inspector).get("/api/inspection-programmes/", {"year": 2025}))["results"]
    assert [(r["year"], r["issuer_name"]) for r in rows] == [(2025, "Ủy ban Kiểm tra Tỉnh đoàn")]
    assert ok(as_(people.muong_ang_officer).get("/api/inspection-programmes/"))["results"] == []


def test_the_inspection_list_filters_by_state_and_kind(as_, people):
    prog = programme(people)
    draft_inspection(people, prog=prog, subject="Nháp")
    decided_inspection(people, prog=prog, subject="Giám sát", kind=InspectionKind.REGULAR_SUPERVISION)
    decided_inspection(people, prog=prog, subject="Kiểm tra")

    head = as_(people.inspector)
    rows = ok(head.get("/api/inspections/", {"state": "in_progress", "kind": "inspection_thematic"}))["results"]
    assert [r["subject"] for r in rows] == ["Kiểm tra"]
    assert ok(head.get("/api/inspections/", {"year": 2023}))["results"] == []
    assert head.get("/api/inspections/", {"kind": "audit"}).status_code == 400


def test_the_overdue_filter_lists_open_remediations_past_their_deadline(as_, people):
    inspection = decided_inspection(people)
    late = target_of(inspection, people.tree.muong_ang)
    conclude(people, late, recommendations=[("Nộp báo cáo.", timezone.now() + datetime.timedelta(days=30))])
    # Past due since (set back past the services, which take only deadlines still to come).
    Remediation.objects.filter(target=late).update(due=timezone.now() - datetime.timedelta(days=2))
    conclude(people, target_of(inspection, people.tree.tuan_giao))

    rows = ok(as_(people.inspector).get("/api/remediations/", {"overdue": "true"}))["results"]
    assert [(r["target"]["unit"]["code"], r["overdue"]) for r in rows] == [("HDMA", True)]
    assert len(ok(as_(people.inspector).get("/api/remediations/", {"state": "open"}))["results"]) == 2


def test_the_dashboard_counts_one_issuers_year(as_, people):
    prog = programme(people, year=2024)
    draft_inspection(people, prog=prog)
    inspection = decided_inspection(people, prog=prog)
    muong_ang = target_of(inspection, people.tree.muong_ang)
    conclude(people, muong_ang, recommendations=[("Nộp báo cáo.", timezone.now() + datetime.timedelta(days=30))])
    Remediation.objects.filter(target=muong_ang).update(due=timezone.now() - datetime.timedelta(days=1))

    data = ok(as_(people.inspection_chair).get("/api/inspection-dashboard/",
                                               {"unit": people.tree.province.pk, "year": 2024}))
    assert data["by_state"] == {"draft": 1, "in_progress": 1}
    assert data["findings"] == [{"category": "shortcoming", "severity": "minor", "count": 1}]
    assert [r["target"] for r in data["overdue_remediations"]] == ["Huyện đoàn Mường Ảng"]
    try:
        import inspections.documents  # noqa: F401
    except ImportError:
        assert data["summary"] is None
    else:
        assert data["summary"]
    assert ok(as_(people.inspection_chair).get("/api/inspection-dashboard/",
                                               {"unit": people.tree.province.pk, "year": 2023}))["by_state"] == {}


def test_the_dashboard_of_a_unit_one_does_not_inspect_for_is_not_found(as_, people):
    decided_inspection(people)

    assert as_(people.tuan_giao_officer).get("/api/inspection-dashboard/", {
        "unit": people.tree.province.pk, "year": 2024}).status_code == 404
    assert as_(people.inspector).get("/api/inspection-dashboard/", {
        "unit": people.tree.muong_ang.pk, "year": 2024}).status_code == 404
    assert as_(people.inspector).get("/api/inspection-dashboard/", {"unit": people.tree.province.pk}).status_code == 400


def test_the_lists_take_the_same_queries_for_two_targets_and_six(as_, people):
    t = people.tree
    others = [d for d in t.districts if d.pk not in (t.muong_ang.pk, t.tuan_giao.pk)]
    prog = programme(people)
    first = decided_inspection(people, prog=prog)
    for target in first.targets.all():
        conclude(people, target)
    urls = ("/api/inspections/", "/api/inspection-targets/", "/api/remediations/")
    head, chair = as_(people.inspector), as_(people.inspection_chair)
    with_two = {url: (queries_for(head, url), queries_for(chair, url)) for url in urls}

    second = decided_inspection(people, prog=prog, targets=others[:4], subject="Đợt hai")
    for target in second.targets.all():
        officer_of(target.unit)
        conclude(people, target)

    assert ok(head.get("/api/inspection-targets/"))["count"] == 6
    assert ok(head.get("/api/remediations/"))["count"] == 6
    assert {url: (queries_for(head, url), queries_for(chair, url)) for url in urls} == with_two


def test_the_schema_documents_the_inspection_endpoints(as_, people):
    paths = ok(as_(people.muong_ang_officer).get(reverse("api-schema"), {"format": "json"}))["paths"]
    for verb in ("submit", "approve", "return"):
        assert "post" in paths[f"/api/inspections/{{id}}/{verb}/"]
    for verb in ("submit", "approve", "return", "issue"):
        assert "post" in paths[f"/api/inspection-targets/{{id}}/conclusion/{verb}/"]
    assert {"get", "post"} <= set(paths["/api/inspection-targets/{id}/findings/"])
    assert {"get", "put"} <= set(paths["/api/inspection-targets/{id}/conclusion/"])
    assert "patch" in paths["/api/findings/{id}/"] and "patch" in paths["/api/inspections/{id}/"]
    for verb in ("report", "verify", "reopen"):
        assert "post" in paths[f"/api/remediations/{{id}}/{verb}/"]
    assert "get" in paths["/api/remediations/{id}/history/"]
    assert {"/api/inspection-programmes/", "/api/inspections/{id}/history/", "/api/conclusions/{id}/",
            "/api/conclusions/{id}/document.docx", "/api/inspection-dashboard/",
            "/api/inspection-targets/{id}/self-report/"} <= set(paths)
    assert "409" in paths["/api/inspections/{id}/approve/"]["post"]["responses"]
    assert "403" in paths["/api/inspection-targets/{id}/findings/"]["post"]["responses"]
