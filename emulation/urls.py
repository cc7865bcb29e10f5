from django.urls import path

from . import views

app_name = "emulation"

urlpatterns = [
    path("", views.emulation_list, name="list"),
    path("bang-diem/nhap/", views.table_import_page, name="table-import"),
    path("bang-diem/mau.xlsx", views.table_template_download, name="table-template"),
    path("bang-diem/<int:pk>/mo/", views.emulation_open_page, name="open"),
    path("<int:pk>/", views.emulation_detail, name="detail"),
    path("<int:pk>/xep-hang.xlsx", views.ranking_download, name="ranking-xlsx"),
    path("<int:pk>/quyet-dinh.docx", views.decision_download, name="decision-docx"),
    path("<int:pk>/quyet-dinh.pdf", views.decision_pdf_download, name="decision-pdf"),
    path("<int:pk>/ban-hanh/", views.emulation_decide_page, name="decide"),
    path("phieu/<int:pk>/", views.sheet_detail, name="sheet"),
    path("phieu/<int:pk>/<slug:action>/", views.sheet_action, name="sheet-action"),
]
