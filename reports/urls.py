from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("funder/", views.funder_home, name="funder_home"),
    path("funder/<int:agreement_id>/", views.funder_dashboard, name="funder_dashboard"),
    path("funder/<int:agreement_id>/report.<str:fmt>", views.funder_export, name="funder_export"),
    path("coordinator/", views.coordinator_dashboard, name="coordinator_dashboard"),
    path("coordinator/report.<str:fmt>", views.coordinator_export, name="coordinator_export"),
]
