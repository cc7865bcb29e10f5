from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api, api_results

router = SimpleRouter()
router.register("inspection-programmes", api.ProgrammeViewSet, basename="api-inspection-programme")
router.register("inspections", api.InspectionViewSet, basename="api-inspection")
router.register("inspection-targets", api.TargetViewSet, basename="api-inspection-target")
router.register("findings", api_results.FindingViewSet, basename="api-finding")
router.register("conclusions", api_results.ConclusionViewSet, basename="api-conclusion")
router.register("remediations", api_results.RemediationViewSet, basename="api-remediation")

urlpatterns = [
    path("conclusions/<int:id>/document.docx", api_results.ConclusionDocument.as_view(), name="api-conclusion-docx"),
    path("conclusions/<int:id>/document.pdf", api_results.ConclusionPdf.as_view(), name="api-conclusion-pdf"),
    path("inspection-dashboard/", api_results.InspectionDashboard.as_view(), name="api-inspection-dashboard"),
    path("", include(router.urls)),
]
