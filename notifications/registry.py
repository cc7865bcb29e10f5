"""Which transitions of which domain objects tell their author, and how to find the author.

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
