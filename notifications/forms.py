from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("Send me an e-mail for each notification"), required=False)
    daily_digest = forms.BooleanField(
        label=_("Instead, one summary e-mail each morning"), required=False,
        help_text=_("Only when e-mail is on. The notifications stay in the list here either way."),
    )
