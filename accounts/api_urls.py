from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api, api_tokens

router = DefaultRouter()
router.register("units", api.UnitViewSet, basename="unit")

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    path("tokens/", api_tokens.ApiTokenListView.as_view(), name="api-tokens"),
    path("tokens/<str:prefix>/", api_tokens.ApiTokenDetailView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
