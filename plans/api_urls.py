from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("plans", api.PlanViewSet, basename="api-plan")
router.register("assignments", api.AssignmentViewSet, basename="api-assignment")
router.register("reports", api.ReportViewSet, basename="api-report")

urlpatterns = [
    path("", include(router.urls)),
]
