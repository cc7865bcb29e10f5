"""Screens under /ke-hoach/: Vietnamese paths, English names."""

from django.urls import path

from . import views
from .indicators import views as indicator_views

app_name = "plans"
# A refused figures form shows the assignment page again. plans.views imports plans.indicators
# for that page's figures card, so the page is handed to the indicator views here, not imported
# by them: the two modules never import each other.
ASSIGNMENT_PAGE = {"assignment_page": views.assignment_page}
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
    # Indicators (chỉ tiêu) of a plan, a unit's figures, the issuer's results.
    path("<int:pk>/chi-tieu/", indicator_views.indicator_list, name="indicators"),
    path("<int:pk>/chi-tieu/them/", indicator_views.indicator_form, name="indicator-add"),
    path("<int:pk>/chi-tieu/<int:indicator_pk>/sua/", indicator_views.indicator_form, name="indicator-edit"),
    path("<int:pk>/chi-tieu/<int:indicator_pk>/xoa/", indicator_views.indicator_delete, name="indicator-delete"),
    path("<int:pk>/chi-tieu/nhap-tep/", indicator_views.indicator_import, name="indicator-import"),
    path("<int:pk>/chi-tieu/ket-qua/", indicator_views.indicator_results, name="indicator-results"),
    path("<int:pk>/chi-tieu/ket-qua.xlsx", indicator_views.indicator_results_xlsx, name="indicator-results-xlsx"),
    path("<int:pk>/chi-tieu/ket-qua.docx", indicator_views.indicator_results_docx, name="indicator-results-docx"),
    path("<int:pk>/chi-tieu/so-lieu-rieng/", indicator_views.issuer_figures, name="issuer-figures"),
    path("giao-viec/<int:pk>/chi-tieu/", indicator_views.assignment_figures, ASSIGNMENT_PAGE,
         name="assignment-figures"),
    path("giao-viec/<int:pk>/chi-tieu/mau.xlsx", indicator_views.assignment_figures_template,
         name="assignment-figures-template"),
    path("giao-viec/<int:pk>/chi-tieu/tai-len/", indicator_views.assignment_figures_upload, ASSIGNMENT_PAGE,
         name="assignment-figures-upload"),
]
