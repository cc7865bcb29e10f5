from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

from core import views as core_views


def favicon(request):
    # Browsers ask for /favicon.ico where a page names no icon (the API's JSON, a download). Not a
    # permanent redirect: browsers would keep it for good, and the hashed name changes with the icon.
    return redirect(static("favicon.ico"))


# The split view serves Swagger's start-up script as a file, so script-src 'self' holds; only
# Swagger's own inline <style> block needs a relaxed style-src, on this page alone.
api_docs = login_required(
    csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))
)

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Signed-in people only: anonymous callers get 401 from the schema, the login page from the docs.
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("api/", include("accounts.api_urls")),
    path("api/", include("plans.api_urls")),
    path("api/", include("inspections.api_urls")),
    path("api/", include("restructuring.api_urls")),
    path("api/", include("emulation.api_urls")),
    path("admin/", admin.site.urls),
    path("tep/", include("core.urls")),
    # The inbox serves every flow but keeps the address officers have bookmarked.
    path("ke-hoach/", include("workflows.urls")),
    path("ke-hoach/", include("plans.urls")),
    path("kiem-tra/", include("inspections.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("tong-hop/", include("dashboards.urls")),
    path("so-van-ban/", include("registers.urls")),
    path("thi-dua/", include("emulation.urls")),
    path("don-vi/", include("restructuring.urls")),
    path("", include("accounts.urls")),
]
