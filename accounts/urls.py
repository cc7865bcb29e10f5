from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("uy-quyen/", views.delegation_create, name="delegation-create"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
]
