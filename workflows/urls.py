from django.urls import path

from . import views

app_name = "workflows"
urlpatterns = [
    path("viec-can-xu-ly/", views.inbox, name="inbox"),
]
