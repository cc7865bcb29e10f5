from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("inspection-programmes", api.ProgrammeViewSet, basename="api-inspection-programme")
router.register("inspections", api.InspectionViewSet, basename="api-inspection")
router.register("inspection-targets", api.TargetViewSet, basename="api-inspection-target")
router.register("findings", api.FindingViewSet, basename="api-finding")
router.register("conclusions", api.ConclusionViewSet, basename="api-conclusion")
router.register("remediations", api.RemediationViewSet, basename="api-remediation")

urlpatterns = [
    path("conclusions/<int:id>/document.docx", api.ConclusionDocument.as_view(), name="api-conclusion-docx"),
    path("inspection-dashboard/", api.InspectionDashboard.as_view(), name="api-inspection-dashboard"),
    path("", include(router.urls)),
]
