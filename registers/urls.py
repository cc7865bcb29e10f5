from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [
    path("", views.registers_home, name="home"),
    path("<int:pk>/di/", views.outgoing, name="outgoing"),
    path("<int:pk>/di.xlsx", views.outgoing_download, name="outgoing-xlsx"),
    path("<int:pk>/di/van-ban-giay/", views.outgoing_paper, name="outgoing-paper"),
    path("<int:pk>/den/", views.incoming, name="incoming"),
    path("<int:pk>/den.xlsx", views.incoming_download, name="incoming-xlsx"),
]
