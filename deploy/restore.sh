#!/usr/bin/env bash
# Restore a dump made by deploy/backup.sh into an EMPTY database, then bring its schema up to date.
#
#   createdb maraude_restored            # or drop and recreate the damaged one, app stopped
#   DATABASE_URL=postgres://…/maraude_restored deploy/restore.sh /var/backups/maraude/maraude-….dump
#   DATABASE_URL=… manage.py migrate     # if the code is newer than the dump
#
# Reads DATABASE_URL and DATABASE_PASSWORD / DATABASE_PASSWORD_FILE like the app. Refuses to
# restore into a database that already has tables, so it never mixes two states.
set -euo pipefail

dump="${1:?usage: restore.sh DUMP_FILE (made by deploy/backup.sh)}"
[[ -r "$dump" ]] || { echo "cannot read $dump" >&2; exit 2; }
: "${DATABASE_URL:?DATABASE_URL is not set (the empty database to restore into)}"

if [[ -n "${DATABASE_PASSWORD_FILE:-}" ]]; then
  PGPASSWORD="$(<"$DATABASE_PASSWORD_FILE")"
  export PGPASSWORD
elif [[ -n "${DATABASE_PASSWORD:-}" ]]; then
  export PGPASSWORD="$DATABASE_PASSWORD"
fi

tables="$(psql --dbname="$DATABASE_URL" --no-psqlrc -Atc \
  "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [[ "$tables" != "0" ]]; then
  echo "refusing to restore: the target database already has $tables tables." >&2
  echo "Restore into an empty database (createdb), then point DATABASE_URL at it." >&2
  exit 3
fi

# All or nothing: a failed restore leaves the database empty, not half-filled.
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges \
  --dbname="$DATABASE_URL" "$dump"
psql --dbname="$DATABASE_URL" --no-psqlrc -q -c "ANALYZE"
echo "restored $dump"
