from django.urls import path

from planning.views import activity, custom_fields, data_inclusion, directory, places, routes, sessions

app_name = "planning"

urlpatterns = [
    path("", sessions.board, name="board"),
    path("sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/copy/", sessions.session_copy, name="session_copy"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/route/", routes.route_builder, name="route"),
    path("sessions/<int:pk>/slots/", sessions.session_slots, name="slots"),
    path("teams/<int:pk>/base/", routes.team_base, name="team_base"),
    path("hotspots/", places.hotspot_list, name="hotspots"),
    path("hotspots/new/", places.hotspot_edit, name="hotspot_create"),
    path("hotspots/<int:pk>/", places.hotspot_edit, name="hotspot_edit"),
    path("hotspots/<int:pk>/photo.jpg", places.hotspot_photo, name="hotspot_photo"),
    path("coverage/", places.coverage_view, name="coverage"),
    path("directory/", directory.directory_list, name="directory"),
    path("directory/new/", directory.partner_edit, name="partner_create"),
    path("directory/<int:pk>/", directory.partner_edit, name="partner_edit"),
    path("directory/import/", directory.directory_import, name="directory_import"),
    path("directory/export.csv", directory.directory_export, name="directory_export"),
    path("directory/data-inclusion/", data_inclusion.data_inclusion_import, name="data_inclusion_import"),
    path("activity/", activity.activity, name="activity"),
    path("fields/", custom_fields.field_list, name="fields"),
    path("fields/new/", custom_fields.field_edit, name="field_create"),
    path("fields/<int:pk>/", custom_fields.field_edit, name="field_edit"),
    path("fields/<int:pk>/move/", custom_fields.field_move, name="field_move"),
    path("fields/<int:pk>/retire/", custom_fields.field_retire, name="field_retire"),
]
