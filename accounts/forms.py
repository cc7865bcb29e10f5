"""Forms of the login steps. The code is checked by django-otp (its throttling included)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.forms import OTPAuthenticationFormMixin

from .two_factor import normalise_code, verification_device

WRONG_CODE = _("Wrong code. Check the six digits in your authenticator app (or a recovery code) and try again.")


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Code"), max_length=32,
            error_messages={"required": _("Enter the code."), "max_length": WRONG_CODE},
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
            **kwargs,
        )


class TwoFactorCodeForm(OTPAuthenticationFormMixin, forms.Form):
    """One box for the app's six digits or a recovery code; the shape says which device to ask."""

    code = CodeField()

    otp_error_messages = dict(
        OTPAuthenticationFormMixin.otp_error_messages,
        token_required=_("Enter the code."),
        invalid_token=WRONG_CODE,
        device_required=WRONG_CODE,
        n_failed_attempts=ngettext_lazy(
            "Too many wrong codes (%(failure_count)d). Wait a little and try again.",
            "Too many wrong codes (%(failure_count)d). Wait a little and try again.",
            "failure_count",
        ),
        verification_not_allowed=_("Codes cannot be checked right now. Wait a little and try again."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean(self):
        cleaned = super().clean()
        code = normalise_code(cleaned.get("code") or "")
        if not code:
            return cleaned
        device = verification_device(self.user, code)
        if device is None:
            raise forms.ValidationError(WRONG_CODE, code="invalid_token")
        cleaned["otp_device"], cleaned["otp_token"] = device.persistent_id, code
        self.clean_otp(self.user)
        self.device = self.user.otp_device
        return cleaned


class EnrolForm(forms.Form):
    code = CodeField()

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the six digits your authenticator app shows."))
        return code
