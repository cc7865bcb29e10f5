"""Screens under /kiem-tra/: Vietnamese paths, English names."""

from django.urls import path

from . import views, views_remediation, views_targets

app_name = "inspections"
urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("tong-hop/", views.dashboard, name="dashboard"),
    path("tong-hop.xlsx", views.dashboard_xlsx_download, name="dashboard-xlsx"),
    path("chuong-trinh/<int:pk>/", views.programme_detail, name="programme"),
    path("chuong-trinh/<int:pk>/them/", views.inspection_create, name="inspection-create"),
    path("<int:pk>/", views.inspection_detail, name="inspection"),
    path("<int:pk>/sua/", views.inspection_edit, name="inspection-edit"),
    path("<int:pk>/thao-tac/<slug:action>/", views.inspection_action, name="inspection-action"),
    # One inspected unit: self-report, findings, conclusion, remediation.
    path("doi-tuong/<int:pk>/", views_targets.target_detail, name="target"),
    path("doi-tuong/<int:pk>/thao-tac/<slug:action>/", views_targets.target_action, name="target-action"),
    path("doi-tuong/<int:pk>/phat-hien/", views_targets.finding_record, name="finding-record"),
    path("doi-tuong/<int:pk>/ket-luan/", views_targets.conclusion_edit, name="conclusion-edit"),
    path("phat-hien/<int:pk>/sua/", views_targets.finding_edit, name="finding-edit"),
    path("ket-luan/<int:pk>.docx", views_targets.conclusion_docx, name="conclusion-docx"),
    path("ket-luan/<int:pk>.pdf", views_targets.conclusion_pdf, name="conclusion-pdf"),
    path("khac-phuc/<int:pk>/", views_remediation.remediation_detail, name="remediation"),
    path("khac-phuc/<int:pk>/thao-tac/<slug:action>/", views_remediation.remediation_action,
         name="remediation-action"),
]
