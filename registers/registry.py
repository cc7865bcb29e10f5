"""Where the register rows of documents numbered or received before the registers existed come from.

Plans and inspections own those documents and this app imports neither (import-linter layers), so each
registers its sources from its AppConfig.ready(), as it registers its flows and audit subjects with the
other mechanisms. A source yields what the service of the issue or the receipt would have written then;
registers.services.backfill writes the rows, once each (the `registers_backfill` command).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class OutgoingDocument:
    """A numbered document without its outgoing row: the arguments of registers.services.outgoing_record,
    with the number it took then as the document holds it (core.models.NumberedDocument: its text, the
    sequence's scope and its place in it; no place for a number that came from elsewhere)."""

    document: object
    number_text: str
    number_scope: str
    number_seq: int | None
    unit: object
    department: object
    kind: str
    subject: str
    signer: str
    recipients: str
    issued_at: datetime.datetime | None
    by: object  # who issued it: the row's registered_by, as at the issue

    @property
    def label(self) -> str:
        """The document as the operator's summary names it: "plans.plan 12 (176-KH/TĐTN-XDĐ)"."""
        return f"{self.document._meta.label_lower} {self.document.pk} ({self.number_text})"


@dataclass(frozen=True)
class IncomingDocument:
    """A receipt confirmed without its incoming row: the arguments of registers.services.incoming_record."""

    assignment: object
    unit: object
    arrived_at: datetime.datetime
    sender: str
    document_number: str
    document_date: datetime.date | None
    subject: str


#: Each yields its numbered documents that have no row yet, in any order (the rows are written in number order).
OutgoingSource = Callable[[], Iterable[OutgoingDocument]]
#: Each yields its receipts without a row in the order they arrived (arrived_at, then id).
IncomingSource = Callable[[], Iterable[IncomingDocument]]

_outgoing: dict[str, OutgoingSource] = {}
_incoming: dict[str, IncomingSource] = {}


def register_outgoing_source(name: str, source: OutgoingSource) -> None:
    _outgoing[name] = source


def register_incoming_source(name: str, source: IncomingSource) -> None:
    _incoming[name] = source


def outgoing_sources() -> list[OutgoingSource]:
    return list(_outgoing.values())


def incoming_sources() -> list[IncomingSource]:
    return list(_incoming.values())
