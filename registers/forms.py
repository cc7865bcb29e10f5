"""The register screens' forms: which year (and which issuer), and a document issued on paper."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import date_field

from .models import DocumentKind


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False,
                              error_messages={"invalid": _("Enter a year such as 2026.")})
    issuer = forms.ChoiceField(label=_("Issued by"), required=False)

    def __init__(self, *args, issuers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.issuers = list(issuers)
        if self.issuers:
            self.fields["issuer"].choices = [(key, name) for key, name, _department in self.issuers]
        else:
            del self.fields["issuer"]

    def _chosen(self, name):
        # Each field on its own: a bad issuer in the address keeps the year asked for, and the reverse.
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)

    def chosen_year(self) -> int:
        return self._chosen("year") or timezone.localdate().year

    def chosen_issuer(self):
        """(key, name, department) of the chosen issuer; the unit's own register by default."""
        key = self._chosen("issuer")
        return next((issuer for issuer in self.issuers if issuer[0] == key), self.issuers[0])


class PaperDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *DocumentKind.choices])
    subject = forms.CharField(label=_("Subject line"), max_length=500)
    issued_on = date_field(_("Date of the document"))
    signer = forms.CharField(label=_("Signed by"), max_length=150)
    recipients = forms.CharField(label=_("Recipients"), widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False,
                                        help_text=_("The advising department, or the department that issued it "
                                                    "in its own name."))
    reason = forms.CharField(label=_("Reason it was issued on paper"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = unit.departments.order_by("name")
