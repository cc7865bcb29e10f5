"""Who may take an action on an object now, written once per action.

A domain app keeps a table `action name → Rule`. Its services call `require()` before acting
(the person's side only: a refused person is a 403, while a state that does not allow the
action is left to the transition, a 409); its `*_actions()` selectors call `allowed()`, the
actions whose rule passes on both sides, which the UI and the API offer.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .errors import ActionForbidden

# (user, obj) → None when the person may act, else the refusal to show them.
Who = Callable[[object, object], str | None]


@dataclass(frozen=True, slots=True)
class Rule:
    who: Who
    when: Callable[[object], bool]  # the object's state allows the action

    def allows(self, user, obj) -> bool:
        return self.when(obj) and self.who(user, obj) is None


def require(rules: Mapping[str, Rule], action: str, user, obj) -> None:
    refusal = rules[action].who(user, obj)
    if refusal is not None:
        raise ActionForbidden(refusal)


class _Asked:
    """The person, remembering guardian's answers while one object's actions are listed: several
    rules ask the same permission, and each question would be a query."""

    def __init__(self, user):
        self._user = user
        self._answers: dict[tuple, bool] = {}

    def has_perm(self, perm, obj=None):
        key = (perm, type(obj), getattr(obj, "pk", None))
        if key not in self._answers:
            self._answers[key] = self._user.has_perm(perm, obj)
        return self._answers[key]

    def __getattr__(self, name):
        return getattr(self._user, name)


def allowed(rules: Mapping[str, Rule], user, obj) -> set[str]:
    asked = _Asked(user)
    return {action for action, rule in rules.items() if rule.allows(asked, obj)}


def in_states(*states) -> Callable[[object], bool]:
    chosen = frozenset(states)
    return lambda obj: obj.state in chosen


def holds(perm: str, on: Callable[[object], object], refusal) -> Who:
    """The person holds `perm` on the object `on(obj)` (a unit, an inspection); `refusal` is a
    callable (obj → message) or a message."""

    def who(user, obj):
        if user.has_perm(perm, on(obj)):
            return None
        return refusal(obj) if callable(refusal) else str(refusal)

    return who


def both(*checks: Who) -> Who:
    """Every check passes; the first refusal is the one shown."""

    def who(user, obj):
        for check in checks:
            refusal = check(user, obj)
            if refusal is not None:
                return refusal
        return None

    return who
