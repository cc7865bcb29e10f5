from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from . import services, two_factor
from .models import Delegation, Department, Position, Unit, UnitLevel, User


class PositionInline(admin.TabularInline):
    model = Position
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["unit", "department"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Profile"), {"fields": ("full_name", "phone")}),)
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    inlines = [PositionInline]
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-factor authentication (lost phone)"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            two_factor.two_factor_reset(user=user, by=request.user)
            # Also in the user's admin history, next to who did it and when.
            self.log_change(request, user, str(_("Two-factor authentication reset.")))
        self.message_user(request, _("Two-factor authentication was reset for %(count)d user(s): they set it up "
                                     "again at their next login.") % {"count": len(queryset)})


@admin.register(UnitLevel)
class UnitLevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "rank"]


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    form = movenodeform_factory(Unit)
    list_display = ["name", "code", "level", "document_code", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "code"]
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "document_code", "unit", "issues_own_documents"]
    list_select_related = ["unit"]
    search_fields = ["name", "code", "document_code"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "department", "valid_from", "valid_to"]
    list_filter = ["role", "unit__level"]
    list_select_related = ["user", "unit", "department"]
    search_fields = ["user__username", "user__full_name", "unit__name"]
    autocomplete_fields = ["user", "unit", "department"]

    def save_model(self, request, obj, form, change):
        from .services import positions_sync_groups

        super().save_model(request, obj, form, change)
        positions_sync_groups(users=[obj.user])


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["principal", "deputy", "starts_on", "ends_on", "reason"]
    list_select_related = ["principal", "deputy"]
    autocomplete_fields = ["principal", "deputy"]

    def save_model(self, request, obj, form, change):
        # New delegations go through the service: validation and the deputy's group membership at once.
        if change:
            super().save_model(request, obj, form, change)
            services.positions_sync_groups(users=[obj.deputy])
            return
        created = services.delegation_create(principal=obj.principal, deputy=obj.deputy, starts_on=obj.starts_on,
                                             ends_on=obj.ends_on, reason=obj.reason, by=request.user)
        obj.pk = created.pk
