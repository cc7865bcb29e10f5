"""How a result stands against its target: one set of codes and words for the summary, the
screens, the API and the documents.

The codes are what plans.indicators.summary computes and the API returns; the labels are
interface strings whose Vietnamese is the documents' own wording ("vượt chỉ tiêu").
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The language of the documents the province files, whatever the language of the screen.
DOCUMENT_LANGUAGE = "vi"


class Verdict(models.TextChoices):
    # No model field uses these choices, so they need no migration.
    NOT_MET = "not_met", _("Target not met")
    MET = "met", _("Met the target")
    EXCEEDED = "exceeded", _("Exceeded the target")


NOT_MET, MET, EXCEEDED = Verdict.NOT_MET, Verdict.MET, Verdict.EXCEEDED
NO_RESULT = _("No result yet")
NOT_REPORTED = _("Not reported")


def document_text(text) -> str:
    """A label as a filed document writes it, e.g. "không đạt chỉ tiêu" for Verdict.NOT_MET."""
    with translation.override(DOCUMENT_LANGUAGE):
        return str(text)


def document_labels() -> dict:
    """{code: label} in the documents' language, read once per document, not once per cell."""
    return {verdict.value: document_text(verdict.label) for verdict in Verdict}
