"""guardian's object permissions, asked through one checker per person for a whole request.

guardian's backend makes a new ObjectPermissionChecker for every `has_perm(perm, obj)`, and
each one reads the person's grants on that object again: two queries per question, asked by
the page's actions, its rules and its services alike. Inside a request one checker per person
answers every later question on an object it has seen from what it read (guardian caches per
object). Grants do not change in a request except through the services that change them, and
those call core.request_cache.forget(); outside a request (Celery, commands) nothing is kept.
"""

from guardian.backends import ObjectPermissionBackend, check_support
from guardian.core import ObjectPermissionChecker
from guardian.ctypes import get_content_type
from guardian.exceptions import WrongAppError

from core.request_cache import remembered


class RequestObjectPermissionBackend(ObjectPermissionBackend):
    def has_perm(self, user_obj, perm, obj=None):
        support, user_obj = check_support(user_obj, obj)
        if not support:
            return False
        if "." in perm:
            app_label = perm.split(".", 1)[0]
            if app_label != obj._meta.app_label and app_label != get_content_type(obj).app_label:
                raise WrongAppError(f"Permission {perm!r} is not of the app of {obj._meta.label}")
        checker = remembered(("object-permission-checker", user_obj.pk), lambda: ObjectPermissionChecker(user_obj))
        return checker.has_perm(perm, obj)
