from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import devices, keys, sync
from api.views.base import not_found

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file, so the CSP needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/devices/enrol", devices.EnrolView.as_view(), name="device-enrol"),
    path("v1/devices/", devices.DeviceListView.as_view(), name="device-list"),
    path("v1/devices/<uuid:pk>/revoke", devices.DeviceRevokeView.as_view(), name="device-revoke"),
    path("v1/sync/push", sync.PushView.as_view(), name="sync-push"),
    path("v1/sync/pull", sync.PullView.as_view(), name="sync-pull"),
    path("v1/keys", keys.KeysView.as_view(), name="keys"),
    path("v1/keys/legacy", keys.LegacyView.as_view(), name="keys-legacy"),
    # Last: any other address under /api/ is a 404 in the API's error shape, not an HTML page.
    re_path(r"^", not_found, name="not-found"),
]
