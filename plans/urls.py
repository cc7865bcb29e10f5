"""Screens under /ke-hoach/: Vietnamese paths, English names."""

from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("tao-moi/", views.plan_create, name="create"),
    path("viec-can-xu-ly/", views.inbox, name="inbox"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/sua/", views.plan_edit, name="edit"),
    path("<int:pk>/thao-tac/<slug:action>/", views.plan_action, name="action"),
    path("giao-viec/<int:pk>/", views.assignment_detail, name="assignment"),
    path("giao-viec/<int:pk>/thao-tac/<slug:action>/", views.assignment_action, name="assignment-action"),
    path("giao-viec/<int:pk>/bao-cao/", views.assignment_report, name="assignment-report"),
    path("giao-viec/<int:pk>/trien-khai/", views.plan_create_implementing, name="implement"),
    path("bao-cao/<int:pk>/", views.report_detail, name="report"),
]
