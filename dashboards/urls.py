from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("dung-han/", views.on_time, name="on-time"),
    path("dung-han.xlsx", views.on_time_xlsx_download, name="on-time-xlsx"),
]
