"""Tests generated from the authorization matrix (tests/security/authz_matrix.py): one per route ×
role, the relation of the object's unit to the person's in its id, e.g.
`plans:assignment[assignment]-tuan_giao_officer(sibling)`.

The world is built once per module (tests/security/conftest.py); each case runs in its own
savepoint, so an allowed POST is undone before the next one.
"""

import pytest

from .authz_matrix import ALLOWED, DONE, EXCLUDED, EXCLUDED_PREFIXES, MATRIX, ROLES
from .requesting import client_as, outcome, request, snapshot
from .routes import project_routes
from .subjects import ROLE_UNITS, SUBJECTS, relation

pytestmark = pytest.mark.django_db

# The relation a role has to a subject depends only on the two units, known without the database.
_UNIT_PATHS = {"province": "P", "muong_ang": "PM", "tuan_giao": "PT"}
_SUBJECT_UNITS = {
    "plan": "province", "indicator": "province", "programme": "province", "inspection": "province",
    "district_plan": "muong_ang", "assignment": "muong_ang", "report": "muong_ang", "attachment": "muong_ang",
    "target": "muong_ang", "finding": "muong_ang", "conclusion": "muong_ang", "remediation": "muong_ang",
    "unit": "muong_ang", "tuan_giao_target": "tuan_giao", "emulation": "province", "sheet": "muong_ang",
    "open_table": "province",
}


def _relation_label(role, subject):
    unit, mine = _SUBJECT_UNITS.get(subject), ROLE_UNITS[role]
    if unit is None or mine is None:
        return "n/a"
    a, b = _UNIT_PATHS[mine], _UNIT_PATHS[unit]
    return "own" if a == b else "child" if b.startswith(a) else "parent" if a.startswith(b) else "sibling"


CASES = [
    pytest.param(entry, role, id=f"{entry.route}[{entry.subject}{'/' + entry.action if entry.action else ''}]"
                                 f"-{role}({_relation_label(role, entry.subject)})")
    for entry in MATRIX for role in ROLES
]


@pytest.fixture(scope="module")
def routes():
    return project_routes()


@pytest.mark.parametrize(("entry", "role"), CASES)
def test_route_answers_as_the_matrix_says(world, routes, entry, role):
    expected = entry.outcomes[role]
    writes = entry.method != "GET"
    client = client_as(world, role)
    before = snapshot() if writes else None
    got = outcome(request(world, client, routes[entry.route], entry))
    if writes and snapshot() != before:
        got = f"{got}{DONE}"
    assert got == expected, (
        f"{entry.method} {entry.route} on {SUBJECTS[entry.subject].what} as {role} "
        f"({relation(world, role, entry.subject)}): expected {expected}, got {got}"
        + (" (the request changed rows)" if str(got).endswith(DONE) else ""))


def test_every_route_of_the_project_is_in_the_matrix(routes):
    listed = {entry.route for entry in MATRIX}
    covered = listed | set(EXCLUDED)
    missing = sorted(key for key, route in routes.items()
                     if key not in covered and not route.pattern.startswith(tuple(EXCLUDED_PREFIXES)))
    assert not missing, f"routes missing from tests/security/authz_matrix.py: {', '.join(missing)}"


def test_every_route_in_the_matrix_still_exists(routes):
    gone = sorted((set(entry.route for entry in MATRIX) | set(EXCLUDED)) - set(routes))
    assert not gone, f"tests/security/authz_matrix.py names routes that no longer exist: {', '.join(gone)}"


def test_the_matrix_names_known_subjects_and_roles():
    for entry in MATRIX:
        assert entry.subject in SUBJECTS, f"{entry.route}: unknown subject {entry.subject!r}"
        assert set(entry.outcomes) == set(ROLES), entry.route
        assert entry.method in ("GET", "POST", "PUT", "PATCH", "DELETE"), entry.route


def test_the_matrix_asks_every_relation():
    """The cells cover a person's own unit, a child, the parent and a sibling: a matrix that lost
    one of them (say every Tuần Giáo cell) would stop proving that units are kept apart."""
    seen = {_relation_label(role, entry.subject) for entry in MATRIX for role in ROLES}
    assert {"own", "child", "parent", "sibling"} <= seen


def test_no_outsider_reaches_another_units_objects():
    """The rule behind the table, stated once: Tuần Giáo is let through to nothing of Mường Ảng's."""
    through = [entry.route for entry in MATRIX
               if _SUBJECT_UNITS.get(entry.subject) == "muong_ang" and entry.subject != "unit"
               and entry.outcomes["tuan_giao_officer"] in ALLOWED]
    assert not through, f"Tuần Giáo is let through on Mường Ảng's objects: {through}"


def test_anonymous_is_refused_everywhere_but_the_login_page():
    through = [entry.route for entry in MATRIX
               if entry.outcomes["anonymous"] not in (401, 403, "login") and entry.route != "login"]
    assert not through, f"anonymous callers are let through on: {through}"


def test_the_relations_in_the_ids_are_the_worlds(world):
    for entry in MATRIX:
        for role in ROLES:
            assert _relation_label(role, entry.subject) == relation(world, role, entry.subject), (entry.route, role)
