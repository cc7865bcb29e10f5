"""Screens under /ke-hoach/: Vietnamese paths, English names."""

from django.urls import path

from . import views, views_assignments, views_bulk, views_documents
from .indicators import views as indicator_views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("tao-moi/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/sua/", views.plan_edit, name="edit"),
    path("<int:pk>/thao-tac/<slug:action>/", views.plan_action, name="action"),
    path("<int:pk>/van-ban.docx", views_documents.plan_document_docx, name="document-docx"),
    path("<int:pk>/van-ban.pdf", views_documents.plan_document_pdf, name="document-pdf"),
    path("<int:pk>/van-ban.png", views_documents.plan_document_preview, name="document-preview"),
    path("<int:pk>/van-ban/ban-da-ky/", views_documents.plan_document_upload, name="document-upload"),
    path("<int:pk>/xu-ly-hang-loat/", views_bulk.plan_bulk, name="bulk"),
    path("giao-viec/<int:pk>/", views_assignments.assignment_detail, name="assignment"),
    path("giao-viec/<int:pk>/thao-tac/<slug:action>/", views_assignments.assignment_action, name="assignment-action"),
    path("giao-viec/<int:pk>/bao-cao/", views_assignments.assignment_report, name="assignment-report"),
    path("giao-viec/<int:pk>/trien-khai/", views.plan_create_implementing, name="implement"),
    path("bao-cao/<int:pk>/", views_assignments.report_detail, name="report"),
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
    path("giao-viec/<int:pk>/chi-tieu/", views_assignments.assignment_figures, name="assignment-figures"),
    path("giao-viec/<int:pk>/chi-tieu/mau.xlsx", indicator_views.assignment_figures_template,
         name="assignment-figures-template"),
    path("giao-viec/<int:pk>/chi-tieu/tai-len/", views_assignments.assignment_figures_upload,
         name="assignment-figures-upload"),
]
