from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("unit-changes", api.UnitChangeViewSet, basename="api-unit-change")

urlpatterns = [
    path("", include(router.urls)),
]
