from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views.signin import AdminLoginView, LogoutView
from maraude.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The admin's sign-in is the site's: the same rule, the same second factor (one door each).
    path("admin/login/", AdminLoginView.as_view(), name="admin-login"),
    path("admin/logout/", LogoutView.as_view(), name="admin-logout"),
    # Password changes go through the account page (journaled), not the admin's own form.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="accounts:security"),
        name="admin-password",
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("reports/", include("reports.urls")),
    path("planning/", include("planning.urls")),
    path("", include("pwa.urls")),
    path("", include("frontend_pwa.urls")),
]

# A database outage outside a view is a 503 too (maraude/outage.py).
handler500 = "maraude.outage.server_error"

# No /media/ route, in development either: place photos are served only by the scoped view
# (planning.views.places.hotspot_photo), never as public files.
