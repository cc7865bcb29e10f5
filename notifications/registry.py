"""Which transitions of which domain objects tell their author, and how to find the author;
which steps have one person responsible for their tasks, and how to find that person.

Domain apps register in `AppConfig.ready()`; notifications imports no domain app.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Authored:
    """Who is told about a return or an approval of an object, and about what."""

    author_id: int | None
    subject: str
    url: str


_titles: dict[tuple[str, str], tuple[str, object]] = {}
_authors: dict[str, Callable[[object], Authored]] = {}


def register_transition_notices(model, *, author: Callable[[object], Authored], titles: dict) -> None:
    """`titles`: transition name → (NotificationKind, title with %(subject)s)."""
    label = model._meta.label_lower
    _authors[label] = author
    for transition, entry in titles.items():
        _titles[label, transition] = entry


def transition_notice(model_label: str, transition: str):
    """(kind, title) of the notice a transition of this model sends its author, or None."""
    return _titles.get((model_label, transition))


def author_of(model_label: str, obj) -> Authored | None:
    author = _authors.get(model_label)
    return author(obj) if author is not None else None


# (flow class, node name) → task → the id of the one person responsible for it, or None.
_responsible: dict[tuple[type, str], Callable[[object], int | None]] = {}


def register_task_notice_recipients(flow_class, node_name: str, *, responsible: Callable[[object], int | None]) -> None:
    """A step whose task one person is responsible for, of all who may take it (the review of a
    unit's report: whoever drafted the plan). `responsible(task)` names them. When that person
    may take the task they alone are told of it (with whoever stands in for them); when they may
    not, or it names nobody, everyone who may take it is. The inbox lists it for all of them."""
    _responsible[flow_class, node_name] = responsible


def responsible_for(task) -> int | None:
    """The person `task`'s step names as responsible for it, or None."""
    node = task.flow_task
    responsible = _responsible.get((node.flow_class, node.name))
    return responsible(task) if responsible is not None else None
