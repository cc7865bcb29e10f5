"""What each route of the matrix is asked about: an object of the world (tests/security/conftest.py)
and the unit that owns it, from which a person's relation to it follows (own/child/parent/sibling)."""

from collections.abc import Callable
from dataclasses import dataclass

#: The person behind each role of the matrix, as an attribute of `world.people` (None: anonymous).
ROLE_PEOPLE = {
    "province_leader": "province_leader",
    "province_officer": "province_officer",
    "department_head": "department_head",
    "clerk": "clerk",
    "inspector": "inspector",
    "inspection_chair": "inspection_chair",
    "muong_ang_officer": "muong_ang_officer",
    "muong_ang_secretary": "muong_ang_secretary",
    "tuan_giao_officer": "tuan_giao_officer",
    "anonymous": None,
}
#: The unit each role's person holds a position in.
ROLE_UNITS = {
    "province_leader": "province", "province_officer": "province", "department_head": "province",
    "clerk": "province", "inspector": "province", "inspection_chair": "province",
    "muong_ang_officer": "muong_ang", "muong_ang_secretary": "muong_ang", "tuan_giao_officer": "tuan_giao",
    "anonymous": None,
}


@dataclass(frozen=True)
class Subject:
    obj: Callable  # world -> the object whose pk fills the URL (None: the route takes no object)
    unit: Callable | None  # world -> the unit that owns it (None: not a unit's object)
    what: str


SUBJECTS = {
    "-": Subject(lambda w: None, None, "no object: a list or the person's own page"),
    "plan": Subject(lambda w: w.plan, lambda w: w.tree.province,
                    "the province's plan, issued to Mường Ảng and Tuần Giáo"),
    "district_plan": Subject(lambda w: w.district_plan, lambda w: w.tree.muong_ang,
                             "Mường Ảng's own draft plan to its commune"),
    "indicator": Subject(lambda w: w.indicator, lambda w: w.tree.province, "an indicator of the province's plan"),
    "assignment": Subject(lambda w: w.assignment, lambda w: w.tree.muong_ang,
                          "Mường Ảng's assignment of that plan, reported"),
    "report": Subject(lambda w: w.report, lambda w: w.tree.muong_ang, "Mường Ảng's report"),
    "attachment": Subject(lambda w: w.attachment, lambda w: w.tree.muong_ang, "a file of Mường Ảng's report"),
    "programme": Subject(lambda w: w.programme, lambda w: w.tree.province, "the committee's programme"),
    "inspection": Subject(lambda w: w.inspection, lambda w: w.tree.province,
                          "the committee's inspection of Mường Ảng and Tuần Giáo, decided"),
    "target": Subject(lambda w: w.target, lambda w: w.tree.muong_ang,
                      "Mường Ảng as inspected unit, its conclusion issued"),
    "tuan_giao_target": Subject(lambda w: w.tuan_giao_target, lambda w: w.tree.tuan_giao,
                                "Tuần Giáo as inspected unit, nothing issued yet"),
    "finding": Subject(lambda w: w.finding, lambda w: w.tree.muong_ang, "a finding at Mường Ảng"),
    "conclusion": Subject(lambda w: w.conclusion, lambda w: w.tree.muong_ang, "Mường Ảng's issued conclusion"),
    "remediation": Subject(lambda w: w.remediation, lambda w: w.tree.muong_ang, "Mường Ảng's open remediation"),
    "unit": Subject(lambda w: w.tree.muong_ang, lambda w: w.tree.muong_ang, "the unit Mường Ảng itself"),
    "unit_change": Subject(lambda w: _unit_change(w), None,
                           "a recorded change of the organisation: Mường Ảng renamed (restructuring)"),
    "notification": Subject(lambda w: w.notification, None, "a notification to Mường Ảng's officer"),
    "emulation": Subject(lambda w: w.emulation, lambda w: w.tree.province,
                         "the province's emulation of the year, open; Mường Ảng heads its one cluster"),
    "sheet": Subject(lambda w: w.sheet, lambda w: w.tree.muong_ang,
                     "Mường Ảng's emulation score sheet, self-assessing"),
    "open_table": Subject(lambda w: w.open_table, lambda w: w.tree.province,
                          "the province's scoring table of next year, not opened"),
    "token": Subject(lambda w: w.token, None, "an API token of Mường Ảng's officer"),
}


def _unit_change(world):
    """The world (tests/security/conftest.py) records no change of the organisation: one is written on first
    use, a row only (no unit changes), inside the case's savepoint like any other write of a case."""
    import datetime

    from restructuring.models import ChangeKind, UnitChange

    unit = world.tree.muong_ang
    change, created = UnitChange.objects.get_or_create(key="authz-matrix", defaults={
        "kind": ChangeKind.RENAME, "effective_on": datetime.date(2025, 7, 1), "decision": "1-QĐ/TĐTN",
        "by": world.people.province_leader,
        "details": {"before": [{"code": unit.code, "name": unit.name, "parent": ""}],
                    "after": [{"code": unit.code, "name": unit.name}], "carried": {}}})
    if created:
        change.predecessors.set([unit])
        change.successors.set([unit])
    return change


def relation(world, role: str, subject: str) -> str:
    """own / child / parent / sibling: where the object's unit stands from the person's unit."""
    unit_of = SUBJECTS[subject].unit
    if unit_of is None or ROLE_UNITS[role] is None:
        return "n/a"
    mine, theirs = getattr(world.tree, ROLE_UNITS[role]).path, unit_of(world).path
    if mine == theirs:
        return "own"
    if theirs.startswith(mine):
        return "child"
    if mine.startswith(theirs):
        return "parent"
    return "sibling"


def url_kwargs(world, route, subject: str, action: str | None) -> dict:
    obj = SUBJECTS[subject].obj(world)
    values = {}
    for name in route.kwargs:
        if name in ("pk", "id"):
            values[name] = obj.plan_id if subject == "indicator" else obj.pk
        elif name in ("indicator_id", "indicator_pk"):
            values[name] = obj.pk
        elif name == "label":
            values[name] = f"{obj._meta.app_label}.{obj._meta.model_name}"
        elif name == "prefix":
            values[name] = obj.token_key
        elif name == "action":
            values[name] = action
        elif name == "format":
            values[name] = "json"
        else:
            raise KeyError(f"{route.key}: no value known for the URL argument {name!r}")
    return values
