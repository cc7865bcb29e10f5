from django.contrib import admin

from .models import Cluster, ClusterMember, Criterion, CriterionGroup, ScoringTable


class CriterionGroupInline(admin.TabularInline):
    model = CriterionGroup
    fields = ("position", "code", "name")
    extra = 0
    show_change_link = True


@admin.register(ScoringTable)
class ScoringTableAdmin(admin.ModelAdmin):
    list_display = ("name", "organiser", "year", "level")
    list_filter = ("year", "level")
    search_fields = ("name",)
    autocomplete_fields = ("organiser",)
    inlines = [CriterionGroupInline]


class CriterionInline(admin.StackedInline):
    model = Criterion
    fields = (("position", "code", "max_points", "source"), "name", "guidance",
              ("late_weight", "denominator"), ("violation_points", "open_remediation_points"))
    extra = 0


@admin.register(CriterionGroup)
class CriterionGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "table")
    list_filter = ("table__year",)
    inlines = [CriterionInline]


class ClusterMemberInline(admin.TabularInline):
    model = ClusterMember
    fields = ("unit",)
    autocomplete_fields = ("unit",)
    extra = 0


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "organiser", "head")
    list_filter = ("year",)
    autocomplete_fields = ("organiser", "head")
    inlines = [ClusterMemberInline]
