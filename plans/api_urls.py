from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api
from .indicators import api as indicator_api

router = SimpleRouter()
router.register("plans", api.PlanViewSet, basename="api-plan")
router.register("assignments", api.AssignmentViewSet, basename="api-assignment")
router.register("reports", api.ReportViewSet, basename="api-report")

urlpatterns = [
    # Indicators of a plan and a unit's figures: nested under the plan and the assignment.
    path("plans/<int:id>/indicators/", indicator_api.PlanIndicatorList.as_view(), name="api-plan-indicators"),
    path("plans/<int:id>/indicators/<int:indicator_id>/", indicator_api.PlanIndicatorDetail.as_view(),
         name="api-plan-indicator"),
    path("plans/<int:id>/indicators/summary/", indicator_api.PlanIndicatorSummary.as_view(),
         name="api-plan-indicator-summary"),
    path("plans/<int:id>/indicators/export.xlsx", indicator_api.PlanIndicatorExportXlsx.as_view(),
         name="api-plan-indicator-xlsx"),
    path("plans/<int:id>/indicators/export.docx", indicator_api.PlanIndicatorExportDocx.as_view(),
         name="api-plan-indicator-docx"),
    path("plans/<int:id>/indicators/issuer-values/", indicator_api.IssuerFigures.as_view(),
         name="api-plan-issuer-values"),
    path("assignments/<int:id>/indicator-values/", indicator_api.AssignmentFigures.as_view(),
         name="api-assignment-indicator-values"),
    path("assignments/<int:id>/indicator-template.xlsx", indicator_api.AssignmentFiguresTemplate.as_view(),
         name="api-assignment-indicator-template"),
    path("", include(router.urls)),
]
