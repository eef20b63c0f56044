from django.urls import path

from accounts.views.signin import LoginView, LogoutView
from frontend_pwa import views, views_devices, views_site

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views_site.favicon, name="favicon"),
    path("app/", views.field_app, name="field_app"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("devices/", views_devices.device_list, name="devices"),
    path("devices/<uuid:pk>/revoke/", views_devices.device_revoke, name="device-revoke"),
]
