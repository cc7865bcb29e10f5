"""Screens under /thong-bao/: Vietnamese paths, English names."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/mo/", views.notification_open, name="open"),
    path("doc-het/", views.notifications_read_all, name="read-all"),
    path("cai-dat/", views.preference_edit, name="settings"),
]
