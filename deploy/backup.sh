#!/usr/bin/env bash
# Back up the Maraude database: one compressed pg_dump file per run, the last KEEP kept.
#
#   deploy/backup.sh [BACKUP_DIR] [KEEP]      (defaults: /var/backups/maraude, 14)
#
# Reads the same variables as the app: DATABASE_URL (postgres://USER@HOST:5432/NAME) and, if the
# password is kept apart, DATABASE_PASSWORD or DATABASE_PASSWORD_FILE. Prints the new file's path.
# Restore with deploy/restore.sh. Copy the directory off the machine too (docs/operations.md).
set -euo pipefail

backup_dir="${1:-/var/backups/maraude}"
keep="${2:-14}"
: "${DATABASE_URL:?DATABASE_URL is not set (the database to back up)}"
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || { echo "KEEP must be a positive number, got '$keep'" >&2; exit 2; }

if [[ -n "${DATABASE_PASSWORD_FILE:-}" ]]; then
  PGPASSWORD="$(<"$DATABASE_PASSWORD_FILE")"
  export PGPASSWORD
elif [[ -n "${DATABASE_PASSWORD:-}" ]]; then
  export PGPASSWORD="$DATABASE_PASSWORD"
fi

umask 077 # dumps hold every record: readable by their owner only
mkdir -p "$backup_dir"
final="$backup_dir/maraude-$(date -u +%Y%m%dT%H%M%SZ).dump"
partial="$final.partial"
trap 'rm -f "$partial"' EXIT

# Custom format: compressed, restorable table by table, and checked below before it counts.
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$partial"
pg_restore --list "$partial" >/dev/null
mv "$partial" "$final"

# Rotation only after a good dump, by name (the UTC timestamp sorts): failures never eat history.
find "$backup_dir" -maxdepth 1 -name 'maraude-*.dump' -printf '%f\n' | sort -r |
  tail -n +"$((keep + 1))" | while read -r old; do rm -f -- "$backup_dir/$old"; done

echo "$final"
