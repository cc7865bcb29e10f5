"""Screens under /don-vi/: a unit's page with its history, the administrators' restructuring form."""

from django.urls import path

from . import views

app_name = "restructuring"
urlpatterns = [
    path("sap-xep/", views.restructure, name="new"),
    path("<int:pk>/", views.unit_detail, name="unit"),
]
