#!/bin/sh
# The app's nightly jobs in compose.yaml (systemd: the maraude-purge, maraude-sync-log-purge,
# maraude-rollups and maraude-funder-summaries timers).
set -u
status=0
python manage.py purge_expired_contacts || status=1
python manage.py purge_sync_log || status=1
python manage.py rebuild_rollups --recent-days 10 || status=1
python manage.py publish_catalogue || status=1
python manage.py send_funder_summaries || status=1
exit "$status"
