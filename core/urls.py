from django.urls import path

from . import attachment_views as views
from . import audit_views

urlpatterns = [
    path("<int:pk>/", views.download, name="attachment-download"),
    path("nhat-ky/", audit_views.period_export, name="audit-export"),
    path("nhat-ky/<str:label>/<int:pk>/", audit_views.object_export, name="audit-export-object"),
]
