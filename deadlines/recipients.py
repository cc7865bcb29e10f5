"""Who is told at each level, for a whole batch of rows in a fixed number of queries.

    reminder  the people who handle the unit's work (officers, secretary, deputy secretaries);
              for an outside body, the inspection's team head
    overdue   the unit's head: its secretary, else its deputy secretaries (outside body: team head)
    level2    the issuing department's head (a plan's advising department; for inspections the
              inspection committee chair) and the leader in charge: whoever approved the plan or
              the inspection decision (the leader they stood in for, if a deputy approved), while
              they still lead the issuing unit, else the issuing unit's secretary
    level3    the standing board: every leader of the issuing unit

Anyone away on a delegation (accounts.Delegation) is replaced by their deputy, marked as
receiving it on their behalf.
"""

from collections import defaultdict

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import LEADER_ROLES, Position, Role
from accounts.selectors import deputies_of
from core.models import TransitionLog
from notifications.services import Recipient

from .models import Level

UNIT_STAFF = (Role.OFFICER, Role.SECRETARY, Role.DEPUTY_SECRETARY)
ISSUER_ROLES = (*LEADER_ROLES, Role.DEPARTMENT_HEAD, Role.INSPECTION_CHAIR)
LEADS = frozenset({*LEADER_ROLES, Role.INSPECTION_CHAIR})  # who may approve: a leader in charge


class Directory:
    """The positions, approvers, contacts of unit-less rows and delegations a batch needs: four queries."""

    def __init__(self, step, candidates, *, today=None):
        today = today or timezone.localdate()
        self.step = step
        units = {c.unit_id for c in candidates if c.unit_id} | {c.issuing_unit_id for c in candidates}
        self.holders: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.department_heads: dict[int, list[int]] = defaultdict(list)
        self.leaders: dict[int, set[int]] = defaultdict(set)
        positions = (
            Position.objects.active_on(today)
            .filter(unit_id__in=units, role__in=[*UNIT_STAFF, *ISSUER_ROLES], user__is_active=True)
            .order_by("unit_id", "role", "user_id").values_list("unit_id", "role", "department_id", "user_id")
        )
        for unit_id, role, department_id, user_id in positions:
            if user_id not in self.holders[unit_id, role]:
                self.holders[unit_id, role].append(user_id)
            if role in LEADS:
                self.leaders[unit_id].add(user_id)
            if role == Role.DEPARTMENT_HEAD and department_id:
                self.department_heads[department_id].append(user_id)

        content_type = ContentType.objects.get_for_model(apps.get_model(step.approved_model))
        approvals = (
            TransitionLog.objects.filter(content_type=content_type, transition="approve",
                                         object_id__in={c.approved_id for c in candidates})
            .order_by("at", "pk").values_list("object_id", "by_id", "on_behalf_of_id")
        )
        # The latest approval wins; a deputy's approval is the absent leader's responsibility.
        self.approvers = {object_id: on_behalf_of or by for object_id, by, on_behalf_of in approvals}

        without_unit = {c.group_id for c in candidates if c.unit_id is None and c.group_id}
        self.contacts = step.contacts(without_unit) if without_unit else {}

        everyone = {u for users in self.holders.values() for u in users} | set(self.approvers.values()) \
            | set(self.contacts.values())
        self.deputies = deputies_of(everyone, on=today)

    def _of(self, unit_id, *roles) -> list[int]:
        return [user for role in roles for user in self.holders.get((unit_id, role), ())]

    def _leader_in_charge(self, c) -> list[int]:
        approver = self.approvers.get(c.approved_id)
        if approver and approver in self.leaders.get(c.issuing_unit_id, ()):
            return [approver]
        return self._of(c.issuing_unit_id, Role.SECRETARY)

    def people(self, c, level: str) -> list[int]:
        if level in (Level.REMINDER, Level.OVERDUE) and c.unit_id is None:
            contact = self.contacts.get(c.group_id)
            return [contact] if contact else []
        if level == Level.REMINDER:
            return self._of(c.unit_id, *UNIT_STAFF)
        if level == Level.OVERDUE:
            return self._of(c.unit_id, Role.SECRETARY) or self._of(c.unit_id, Role.DEPUTY_SECRETARY)
        if level == Level.LEVEL2:
            if self.step.level2_role:
                heads = self._of(c.issuing_unit_id, self.step.level2_role)
            else:
                heads = self.department_heads.get(c.department_id, []) if c.department_id else []
            return [*heads, *self._leader_in_charge(c)]
        return self._of(c.issuing_unit_id, Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.STANDING_MEMBER)

    def recipients(self, c, level: str) -> list[Recipient]:
        """One notification per person: someone told in their own right is not told again as a deputy."""
        chosen: dict[int, Recipient] = {}
        for user_id in self.people(c, level):
            deputy = self.deputies.get(user_id)
            recipient = Recipient(deputy, delegated_from_id=user_id) if deputy else Recipient(user_id)
            current = chosen.get(recipient.user_id)
            if current is None or (current.delegated_from_id and not recipient.delegated_from_id):
                chosen[recipient.user_id] = recipient
        return list(chosen.values())
