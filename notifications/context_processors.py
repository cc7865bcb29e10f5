"""The header's unread count: one count on the partial index, only on pages that show it."""

from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page that never prints the header (a partial, an error page) costs no query.
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user))}
