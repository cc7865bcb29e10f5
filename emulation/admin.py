"""Scoring tables and clusters are edited here until their year's emulation opens; from then on
they are read-only, as the sheets were made from them (a criterion added later would have no
score; a cluster's new head would not hold the tasks already queued for the old one)."""

from django.contrib import admin

from .models import Cluster, ClusterMember, Criterion, CriterionGroup, Emulation, ScoringTable


def _table_open(table_id) -> bool:
    return table_id is not None and Emulation.objects.filter(table_id=table_id).exists()


def _clusters_open(cluster) -> bool:
    return cluster is not None and cluster.pk is not None and Emulation.objects.filter(
        table__organiser_id=cluster.organiser_id, table__year=cluster.year).exists()


class FrozenOnceOpen:
    """Read-only once the object's emulation is open: `frozen(obj)` says when."""

    def frozen(self, obj) -> bool:
        raise NotImplementedError

    def has_add_permission(self, request, obj=None):
        # An inline is asked about its parent object; a model admin about nothing (Django's signatures).
        if isinstance(self, admin.options.InlineModelAdmin):
            return not self.frozen(obj) and super().has_add_permission(request, obj)
        return super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return not self.frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.frozen(obj) and super().has_delete_permission(request, obj)


class CriterionGroupInline(FrozenOnceOpen, admin.TabularInline):
    model = CriterionGroup
    fields = ("position", "code", "name")
    extra = 0
    show_change_link = True

    def frozen(self, obj):
        return obj is not None and _table_open(obj.pk)


@admin.register(ScoringTable)
class ScoringTableAdmin(admin.ModelAdmin):
    list_display = ("name", "organiser", "year", "level")
    list_filter = ("year", "level")
    search_fields = ("name",)
    autocomplete_fields = ("organiser",)
    inlines = [CriterionGroupInline]

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and _table_open(obj.pk)) and super().has_change_permission(request, obj)


class CriterionInline(FrozenOnceOpen, admin.StackedInline):
    model = Criterion
    fields = (("position", "code", "max_points", "source"), "name", "guidance",
              ("late_weight", "denominator"), ("violation_points", "open_remediation_points"))
    extra = 0

    def frozen(self, obj):
        return obj is not None and _table_open(obj.table_id)


@admin.register(CriterionGroup)
class CriterionGroupAdmin(FrozenOnceOpen, admin.ModelAdmin):
    list_display = ("code", "name", "table")
    list_filter = ("table__year",)
    inlines = [CriterionInline]

    def frozen(self, obj):
        return obj is not None and _table_open(obj.table_id)


class ClusterMemberInline(FrozenOnceOpen, admin.TabularInline):
    model = ClusterMember
    fields = ("unit",)
    autocomplete_fields = ("unit",)
    extra = 0

    def frozen(self, obj):
        return _clusters_open(obj)


@admin.register(Cluster)
class ClusterAdmin(FrozenOnceOpen, admin.ModelAdmin):
    list_display = ("name", "year", "organiser", "head")
    list_filter = ("year",)
    autocomplete_fields = ("organiser", "head")
    inlines = [ClusterMemberInline]

    def frozen(self, obj):
        return _clusters_open(obj)
