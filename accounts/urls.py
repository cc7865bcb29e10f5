from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_login, views_tokens

urlpatterns = [
    path("", views.home, name="home"),
    path("uy-quyen/", views.delegation_create, name="delegation-create"),
    path("dang-nhap/", views_login.LoginView.as_view(), name="login"),
    path("dang-nhap/xac-thuc/", views_login.verify, name="two-factor-verify"),
    path("dang-nhap/cai-dat-xac-thuc/", views_login.enrol, name="two-factor-enrol"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("ma-api/", views_tokens.api_tokens_page, name="api-tokens-page"),
    path("ma-api/<str:prefix>/thu-hoi/", views_tokens.api_token_revoke_page, name="api-token-revoke-page"),
]
