from django.urls import path

from . import views, views_matrix, views_work

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("qua-han.xlsx", views.overview_xlsx_download, name="overview-xlsx"),
    path("dung-han/", views.on_time, name="on-time"),
    path("dung-han.xlsx", views.on_time_xlsx_download, name="on-time-xlsx"),
    path("ma-tran/", views_matrix.units_by_plans, name="matrix"),
    path("don-vi/", views_work.unit_work_page, name="unit-work"),
]
