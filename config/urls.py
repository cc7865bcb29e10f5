from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import views as core_views


def favicon(request):
    # Browsers ask for /favicon.ico where a page names no icon (the API's JSON, a download). Not a
    # permanent redirect: browsers would keep it for good, and the hashed name changes with the icon.
    return redirect(static("favicon.ico"))


urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("accounts.api_urls")),
    path("api/", include("plans.api_urls")),
    path("api/", include("inspections.api_urls")),
    path("admin/", admin.site.urls),
    path("tep/", include("core.urls")),
    # The inbox serves every flow but keeps the address officers have bookmarked.
    path("ke-hoach/", include("workflows.urls")),
    path("ke-hoach/", include("plans.urls")),
    path("kiem-tra/", include("inspections.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("tong-hop/", include("dashboards.urls")),
    path("", include("accounts.urls")),
]
