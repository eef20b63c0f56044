from django.urls import path

from frontend_pwa import views

urlpatterns = [
    path("", views.home, name="home"),
    path("app/", views.field_app, name="field_app"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
