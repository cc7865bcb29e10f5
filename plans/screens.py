"""What the plan and assignment screens share: action buttons, history labels, files."""

from django.utils.translation import gettext_lazy

from core import attachments
from core.transitions import history_of
from core.ui import action_forms, history_rows

# How each action is offered: button label, comment label, whether the comment is required, style.
ACTION_FORMS = {
    "plan": {
        "submit": (gettext_lazy("Submit for review"), gettext_lazy("Note (optional)"), False, "primary"),
        "review": (gettext_lazy("Forward for approval"), gettext_lazy("Comment (optional)"), False,
                   "primary"),
        "approve": (gettext_lazy("Approve"), gettext_lazy("Comment (optional)"), False, "primary"),
        "issue": (gettext_lazy("Number and issue"), gettext_lazy("Note (optional)"), False, "primary"),
        "return": (gettext_lazy("Return with comments"), gettext_lazy("What must be revised (required)"),
                   True, "warn"),
        "revoke": (gettext_lazy("Revoke the plan"), gettext_lazy("Reason for revoking (required)"), True,
                   "danger"),
    },
    "assignment": {
        "accept": (gettext_lazy("Accept the report"), gettext_lazy("Review comment (optional)"), False,
                   "primary"),
        "return": (gettext_lazy("Return the report"), gettext_lazy("What is missing (required)"), True,
                   "warn"),
    },
}

TRANSITION_LABELS = {
    "submit": gettext_lazy("Submitted for review"),
    "review": gettext_lazy("Forwarded for approval"),
    "approve": gettext_lazy("Approved"),
    "return_to_draft": gettext_lazy("Returned for revision"),
    "issue": gettext_lazy("Issued"),
    "close": gettext_lazy("Closed"),
    "revoke": gettext_lazy("Revoked"),
    "receive": gettext_lazy("Receipt confirmed"),
    "report": gettext_lazy("Report submitted"),
    "accept": gettext_lazy("Report accepted"),
    "return_report": gettext_lazy("Report returned"),
    "cancel": gettext_lazy("Cancelled"),
    "remind": gettext_lazy("Reminded"),
    "extend": gettext_lazy("Deadline extended"),
}


def attachments_of(obj):
    return list(attachments.attachments_of(obj))


def history(obj, entries=None) -> list[dict]:
    return history_rows(obj, history_of(obj) if entries is None else entries, TRANSITION_LABELS)


def buttons(kind: str, allowed: set[str]) -> list[dict]:
    """The action forms of a plan ("plan") or an assignment ("assignment") that `allowed` offers."""
    return action_forms(ACTION_FORMS[kind], allowed)
