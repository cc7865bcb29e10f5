"""Every human step of every registered flow has a title of ours, in Vietnamese: the inbox once
showed viewflow's made-up English titles ("Draft Conclusion", "Approve", "Verify")."""

import pytest
from django.utils import translation
from viewflow.workflow.nodes import ManualTask

from inspections import services
from inspections.flows import InspectionTargetFlow
from tests.inspections.helpers import decided_inspection, target_of
from workflows import registry


def _human_steps():
    return [(kind.flow_class, node) for kind in registry.flow_kinds() for node in kind.flow_class.instance.nodes()
            if isinstance(node, ManualTask)]


def test_the_domain_flows_are_registered():
    names = {flow_class.__name__ for flow_class, _ in _human_steps()}
    assert {"PlanApprovalFlow", "AssignmentFlow", "InspectionDecisionFlow", "InspectionTargetFlow",
            "RemediationFlow"} <= names


@pytest.mark.parametrize(("flow_class", "node"), _human_steps(),
                         ids=[f"{f.__name__}.{n.name}" for f, n in _human_steps()])
def test_each_human_step_has_a_vietnamese_title_of_its_own(flow_class, node):
    made_up = node.name.replace("_", " ").title()  # what viewflow shows when nobody named the step
    assert str(node.task_title) != made_up
    with translation.override("vi"):
        vietnamese = str(node.task_title)
    with translation.override("en"):
        english = str(node.task_title)
    assert vietnamese != english, f"{flow_class.__name__}.{node.name}: “{english}” has no Vietnamese"


@pytest.mark.django_db
def test_the_inbox_of_the_inspection_team_reads_vietnamese(client, people):
    t = people.tree
    target = target_of(decided_inspection(people, targets=[t.muong_ang]), t.muong_ang)
    services.target_self_report(target=target, by=people.muong_ang_officer, text="Báo cáo tự kiểm tra.")
    client.force_login(people.inspector)
    body = client.get("/ke-hoach/viec-can-xu-ly/").content.decode()
    assert "Draft Conclusion" not in body
    with translation.override("vi"):
        assert str(InspectionTargetFlow.draft_conclusion.task_title) in body
