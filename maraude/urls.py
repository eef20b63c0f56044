from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from maraude.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("reports/", include("reports.urls")),
    path("planning/", include("planning.urls")),
    path("", include("pwa.urls")),
    path("", include("frontend_pwa.urls")),
]

# A database outage outside a view is a 503 too (maraude/outage.py).
handler500 = "maraude.outage.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
