from django.urls import path

from . import attachment_views as views

urlpatterns = [
    path("<int:pk>/", views.download, name="attachment-download"),
]
