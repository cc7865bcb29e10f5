"""A kind of step with a deadline: which rows are open, where their due moment lives, and what
the sweep needs to know about each (unit, issuer, who approved, what to call it).

Domain apps subclass `Step` and register an instance in `AppConfig.ready()` (plans: receipt
and report of an assignment; inspections: self-report, remediation). Each candidate query
should be one range scan of a (state, due) index.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse

from .models import DeadlineEvent, Level

SUBJECT_CHARS = 120


@dataclass(slots=True)
class Candidate:
    object_id: int
    due: datetime.datetime
    unit_id: int | None  # None: an outside body under supervision
    unit_name: str
    issuing_unit_id: int
    department_id: int | None  # the plan's advising department
    approved_id: int  # the plan or inspection whose approver is the leader in charge
    group_id: int | None  # what the step's `contacts` are keyed by (an inspection's team)
    subject: str


def short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUBJECT_CHARS else text[: SUBJECT_CHARS - 1] + "…"


class Step:
    kind: str
    due_field: str
    url_name: str
    approved_model: str  # "plans.plan" or "inspections.inspection"
    # Who heads the issuing side at level 2 besides the leader in charge: this role in the
    # issuing unit (the inspection committee's chair), or, when None, the head of the
    # candidate's advising department.
    level2_role: str | None = None

    def open_rows(self):
        raise NotImplementedError

    def fields(self) -> tuple[str, ...]:
        raise NotImplementedError

    def candidate(self, row) -> Candidate:
        raise NotImplementedError

    def what(self, subject: str) -> str:
        raise NotImplementedError

    def contacts(self, group_ids) -> dict[int, int]:
        """group id → the person told instead of a unit that has no account here (an outside
        body under supervision: the inspection team's head). One query, or none."""
        return {}

    def candidates(self, horizon) -> list[Candidate]:
        """Open rows due by `horizon` that still have a level to go: one query.

        Rows whose last level is recorded drop out through the NOT EXISTS (served by the
        event table's unique index), so the work tracks the rows that are due, not the table.
        """
        finished = DeadlineEvent.objects.filter(
            step_kind=self.kind, object_id=OuterRef("pk"), level=Level.LEVEL3, due=OuterRef(self.due_field)
        )
        rows = (
            self.open_rows().filter(**{f"{self.due_field}__lte": horizon}).filter(~Exists(finished))
            .order_by().values_list("pk", self.due_field, *self.fields())
        )
        # Ordered by id so two sweeps insert their claims in the same order (no deadlock).
        return sorted((self.candidate(row) for row in rows), key=lambda c: c.object_id)

    def url_maker(self):
        """pk → the object's page. Reversed once: a sweep may build thousands of links."""
        marker = 987654321
        try:
            pattern = reverse(self.url_name, args=[marker])
        except NoReverseMatch:
            return lambda pk: ""
        head, tail = pattern.split(str(marker), 1)
        return lambda pk: f"{head}{pk}{tail}"


_steps: dict[str, Step] = {}


def register_step(step: Step) -> None:
    _steps[step.kind] = step


def steps() -> tuple[Step, ...]:
    return tuple(_steps.values())
