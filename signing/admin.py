"""Where support staff register certificates and trusted authorities: the file is read by
signing.services (so the admin and any other way in apply the same checks); the key material of a
.p12 is sealed before it is stored and never shown again."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from . import services
from .models import Authority, Certificate, SignedFile


class CertificateAddForm(forms.ModelForm):
    certificate_file = forms.FileField(
        label=_("Certificate file"),
        help_text=_("A .p12/.pfx file (certificate with its key: the server signs for its owner) or a "
                    ".cer/.crt/.pem file (certificate only: the owner signs with their own token)."))
    passphrase = forms.CharField(label=_("Password of the .p12 file"), required=False,
                                 widget=forms.PasswordInput(render_value=False))

    class Meta:
        model = Certificate
        fields = ["user", "unit"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("certificate_file")
        if upload is None:
            return cleaned
        data = upload.read()
        owner = {"user": cleaned.get("user"), "unit": cleaned.get("unit")}
        try:
            if upload.name.lower().endswith((".p12", ".pfx")):
                self.instance = services.certificate_register_with_key(
                    pkcs12=data, passphrase=cleaned.get("passphrase") or "", **owner)
            else:
                self.instance = services.certificate_register(data=data, **owner)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return cleaned

    def save(self, commit=True):
        return self.instance  # stored by the service in clean()

    def save_m2m(self):
        pass


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["common_name", "user", "unit", "not_after", "signs_on_server", "active"]
    list_filter = ["active"]
    search_fields = ["common_name", "subject", "user__full_name", "unit__name", "fingerprint"]
    autocomplete_fields = ["user", "unit"]
    readonly_fields = ["subject", "common_name", "issuer", "serial", "fingerprint", "not_before", "not_after",
                       "signs_on_server"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = CertificateAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "unit", "certificate_file", "passphrase"]
        return ["user", "unit", "active", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        # Once registered, who a certificate belongs to is history: only `active` changes.
        return [*self.readonly_fields, "user", "unit"] if obj is not None else []

    @admin.display(boolean=True, description=_("signs on the server"))
    def signs_on_server(self, obj):
        return obj.signs_on_server

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)


class AuthorityAddForm(forms.ModelForm):
    certificate_file = forms.FileField(label=_("Certificate of the authority (.cer, .crt, .pem)"))

    class Meta:
        model = Authority
        fields = ["name"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("certificate_file")
        if upload is not None:
            self.instance = services.authority_add(name=cleaned.get("name") or "", data=upload.read())
        return cleaned

    def save(self, commit=True):
        return self.instance

    def save_m2m(self):
        pass


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "fingerprint", "active", "added_at"]
    readonly_fields = ["fingerprint", "added_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AuthorityAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["name", "certificate_file"] if obj is None else ["name", "active", "fingerprint", "added_at"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)


@admin.register(SignedFile)
class SignedFileAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "signature_count", "updated_at"]
