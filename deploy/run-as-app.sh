#!/bin/sh
# Run a command exactly as the app service runs: user maraude, in /opt/maraude, with the
# settings of /etc/maraude/maraude.env read by systemd itself (same parsing as the service).
#
#   /opt/maraude/deploy/run-as-app.sh .venv/bin/python manage.py createsuperuser
#   /opt/maraude/deploy/run-as-app.sh deploy/restore.sh /var/backups/maraude/maraude-….dump
set -eu
[ "$#" -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
# Interactive commands (createsuperuser, shell) get a terminal; scripts get plain pipes.
if [ -t 0 ]; then io=--pty; else io=--pipe; fi
case "$1" in /*) cmd="$1" ;; *) cmd="/opt/maraude/$1" ;; esac
shift
exec systemd-run --quiet --wait --collect "$io" \
  --uid=maraude --gid=maraude \
  --working-directory=/opt/maraude \
  --property=EnvironmentFile=/etc/maraude/maraude.env \
  "$cmd" "$@"
