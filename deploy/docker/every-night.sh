#!/bin/sh
# Run a command every day at HH:MM (the container's clock, UTC), for ever: compose.yaml's
# scheduled jobs (the systemd install uses timers instead). A failure is logged, not fatal.
#   every-night.sh 03:30 python manage.py purge_expired_contacts
set -eu
at="$1"
shift
while :; do
  now="$(date +%s)"
  next="$(date -d "today $at" +%s)"
  [ "$next" -gt "$now" ] || next="$(date -d "tomorrow $at" +%s)"
  sleep "$((next - now))"
  echo "every-night: running $*"
  "$@" || echo "every-night: '$*' failed with status $?" >&2
done
