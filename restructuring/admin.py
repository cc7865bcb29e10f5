"""The changes of the unit tree, read-only (rows are written only by restructuring.services),
and the upload of a restructuring file: every line previewed first (applied inside a
transaction that is rolled back), then applied on a second, explicit confirmation."""

import hashlib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ReadOnlyAdmin

from .files import RestructureFileError, changes_apply, parse_changes
from .models import UnitChange

UPLOAD_SESSION_KEY = "restructuring_upload"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Restructuring file (CSV, UTF-8)"),
                           help_text=gettext_lazy("Columns: kind, old_codes, new_codes, new_names, new_parent, "
                                                  "effective_on, decision, move_people. Nothing is changed until "
                                                  "you confirm the preview."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB: split it."))
        return upload


@admin.register(UnitChange)
class UnitChangeAdmin(ReadOnlyAdmin):
    list_display = ["kind_of_change", "effective_on", "decision", "units_before", "units_after", "by"]
    list_filter = ["kind", "effective_on"]
    search_fields = ["decision", "predecessors__code", "predecessors__name", "successors__code", "successors__name"]
    list_select_related = ["by"]
    date_hierarchy = "effective_on"
    change_list_template = "admin/restructuring/unitchange/change_list.html"
    upload_template = "admin/restructuring/unitchange/upload.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("predecessors", "successors")

    # Not the field's own "kind": that msgid is already the kind of a document (loại văn bản).
    @admin.display(description=gettext_lazy("Kind of change"), ordering="kind")
    def kind_of_change(self, change):
        return change.get_kind_display()

    @admin.display(description=gettext_lazy("units before"))
    def units_before(self, change):
        return "; ".join(u.name for u in change.predecessors.all())

    @admin.display(description=gettext_lazy("units after"))
    def units_after(self, change):
        return "; ".join(u.name for u in change.successors.all())

    def has_upload_permission(self, request) -> bool:
        return request.user.has_perm("restructuring.add_unitchange")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_upload": self.has_upload_permission(request)}
        return super().changelist_view(request, extra_context=extra_context)

    def get_urls(self):
        upload = path("upload/", self.admin_site.admin_view(self.upload_view),
                      name="restructuring_unitchange_upload")
        return [upload, *super().get_urls()]

    def upload_view(self, request):
        if not self.has_upload_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        context = {}
        if request.method == "POST" and form.is_valid():
            content = form.cleaned_data["file"].read()
            try:
                text = content.decode("utf-8-sig")
                result = changes_apply(parse_changes(text), by=request.user, dry_run=True)
            except UnicodeDecodeError:
                context["errors"] = [_("The file is not UTF-8 text: save it as CSV UTF-8.")]
            except RestructureFileError as exc:
                context["errors"] = exc.errors
            else:
                digest = hashlib.sha256(text.encode()).hexdigest()
                # Kept on the server, so that the confirmation applies exactly what was previewed.
                request.session[UPLOAD_SESSION_KEY] = {"content": text, "digest": digest,
                                                       "name": form.cleaned_data["file"].name}
                context.update(result=result, digest=digest, file_name=form.cleaned_data["file"].name)
        return self._render(request, form, context)

    def _confirm(self, request):
        stored = request.session.get(UPLOAD_SESSION_KEY)
        if not stored or stored.get("digest") != request.POST.get("digest"):
            messages.error(request, _("That preview is no longer here: upload the file again."))
            return redirect("admin:restructuring_unitchange_upload")
        try:
            result = changes_apply(parse_changes(stored["content"]), by=request.user)
        except RestructureFileError as exc:
            return self._render(request, UploadForm(), {"errors": exc.errors})
        del request.session[UPLOAD_SESSION_KEY]
        messages.success(request, _("%(file)s: %(applied)s changes applied, %(before)s applied before.") % {
            "file": stored.get("name", ""), "applied": len(result.applied),
            "before": len(result.lines) - len(result.applied)})
        return redirect(reverse("admin:restructuring_unitchange_changelist"))

    def _render(self, request, form, context):
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": _("Upload a restructuring file"), "form": form, **context,
        }
        return TemplateResponse(request, self.upload_template, context)
