from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("emulations", api.EmulationViewSet, basename="api-emulation")
router.register("score-sheets", api.ScoreSheetViewSet, basename="api-score-sheet")

urlpatterns = [
    path("", include(router.urls)),
]
