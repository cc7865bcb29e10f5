"""Helpers of the server-rendered screens that every domain app shares: run a service call and
tell the outcome, go back where the person came from, the 403 page, the action buttons, the
history timeline and a service error put on a form."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .errors import ActionForbidden, TaskMissing, TransitionNotAllowed


def forbidden(request, message):
    return render(request, "shared/forbidden.html", {"message": message}, status=403)


def perform(request, call, success, *, forbidden_page: bool = False):
    """Run one service call and tell the outcome in a message; nothing changes on error.

    With `forbidden_page` a person who may not act at all gets the 403 page (returned; the
    caller answers it), else the refusal is a message like any other. None: the caller redirects.
    """
    try:
        call()
    except ActionForbidden as exc:
        if forbidden_page:
            return forbidden(request, str(exc))
        messages.error(request, str(exc))
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    except TaskMissing:
        messages.error(request, _("This step has already been handled. Reload and try again."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return None


def perform_or_forbid(request, call, success):
    """`perform`, where a person who may not act at all gets the 403 page (returned)."""
    return perform(request, call, success, forbidden_page=True)


def back(request, default: str):
    """Redirect to the form's `next` if it is a page of this site, else to `default`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def action_forms(specs: dict, allowed) -> list[dict]:
    """The buttons of shared/_actions.html: `specs` is name → (label, comment label, comment
    required, style); only the allowed actions are offered."""
    return [
        {"name": name, "label": label, "comment_label": comment_label, "required": required, "style": style}
        for name, (label, comment_label, required, style) in specs.items() if name in allowed
    ]


def history_rows(obj, entries, labels: dict) -> list[dict]:
    """TransitionLog rows of `obj` as shared/_history.html reads them, states and actions labelled."""
    states = dict(type(obj)._meta.get_field("state").choices)
    return [
        {"entry": entry, "action": labels.get(entry.transition, entry.transition),
         "source": states.get(entry.source, entry.source), "target": states.get(entry.target, entry.target)}
        for entry in entries
    ]


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
