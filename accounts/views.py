from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import selectors, services, two_factor
from .models import Delegation, Position, User


class DelegationForm(forms.Form):
    deputy = forms.ModelChoiceField(queryset=User.objects.none(), label=gettext_lazy("Deputy"))
    starts_on = forms.DateField(label=gettext_lazy("From"), input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=gettext_lazy("To"), input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A deputy comes from the leader's own units.
        colleagues = Position.objects.active_on().filter(unit__in=selectors.units_of(user)).values("user_id")
        self.fields["deputy"].queryset = (
            User.objects.filter(pk__in=colleagues, is_active=True).exclude(pk=user.pk).order_by("full_name")
        )


def _may_delegate(user) -> bool:
    return Position.objects.active_on().filter(user=user, role__in=services.DELEGABLE_ROLES).exists()


@login_required
def home(request):
    positions = selectors.positions_active(request.user)
    today = timezone.localdate()
    context = {
        "positions": positions,
        "delegations": _delegations_of(request.user, today),
        "two_factor_on": two_factor.has_two_factor(request.user),
    }
    if _may_delegate(request.user):
        context["delegation_form"] = DelegationForm(user=request.user, initial={"starts_on": today, "ends_on": today})
    return render(request, "accounts/home.html", context)


def _delegations_of(user, today):
    return list(
        Delegation.objects.filter(ends_on__gte=today, principal=user).select_related("principal", "deputy")
    ) + list(Delegation.objects.filter(ends_on__gte=today, deputy=user).select_related("principal", "deputy"))


@login_required
@require_POST
def delegation_create(request):
    form = DelegationForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.delegation_create(principal=request.user, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your deputy will take your approvals and escalations in that period."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("home")
