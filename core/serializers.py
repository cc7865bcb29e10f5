"""API shapes every domain app shares: comments of a transition, a history entry, errors, and
the date formats and id bound of query strings."""

from django.utils.translation import gettext_lazy as _
from rest_framework import ISO_8601, serializers

# Officers type dates the Vietnamese way (config/formats/vi); programs send ISO 8601.
DATE_INPUTS = ["%d/%m/%Y", ISO_8601]
DATETIME_INPUTS = [ISO_8601, "%d/%m/%Y %H:%M", "%d/%m/%Y"]

# A bigint id; a larger number would overflow the database driver instead of matching nothing.
MAX_ID = 2**63 - 1


def actor(context):
    """The list views put a stand-in for the user here whose permissions for the whole page
    were read in one query (core.api.PagePermissions); single objects use the user."""
    return context.get("actor") or context["request"].user


class HistoryEntrySerializer(serializers.Serializer):
    """One core.models.TransitionLog row; `states` in the context labels its states."""

    transition = serializers.CharField()
    source = serializers.CharField()
    source_display = serializers.SerializerMethodField()
    target = serializers.CharField()
    target_display = serializers.SerializerMethodField()
    by = serializers.CharField(source="by.get_full_name")
    at = serializers.DateTimeField()
    comment = serializers.CharField()

    def get_source_display(self, entry) -> str:
        return str(self.context["states"].get(entry.source, entry.source))

    def get_target_display(self, entry) -> str:
        return str(self.context["states"].get(entry.target, entry.target))


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflictSerializer(ErrorSerializer):
    state = serializers.CharField(help_text=_("The state the object is in, unchanged."))


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text=_("Required: what has to change."))
