#!/usr/bin/env bash
# Back up Briefroom: the database as a pg_dump custom-format archive and, when media files are
# stored on local disk, the media folder as a tarball. Prints the paths it wrote.
#
#   DATABASE_URL=postgres://... scripts/backup.sh DEST_DIR
#
# DATABASE_URL  the database to dump (required; a libpq URI, as in .env)
# MEDIA_ROOT    media folder to archive; skipped when unset, missing, or when
#               AWS_STORAGE_BUCKET_NAME is set (back the bucket up with the provider's tools)
# BACKUP_KEEP_DAYS  delete this script's archives in DEST_DIR older than this (default 14;
#               0 keeps everything)
#
# Check a dump with: python manage.py backup_check DEST_DIR/briefroom-....dump
set -euo pipefail

dest="${1:?usage: scripts/backup.sh DEST_DIR}"
: "${DATABASE_URL:?DATABASE_URL must be set}"
keep_days="${BACKUP_KEEP_DAYS:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"

dump="$dest/briefroom-$stamp.dump"
# Write under a temporary name so a failed or interrupted dump never looks like a backup.
trap 'rm -f "$dump.partial" "$dest/media-$stamp.tar.gz.partial"' EXIT
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$dump.partial"
pg_restore --list "$dump.partial" >/dev/null
mv "$dump.partial" "$dump"
echo "$dump"

if [[ -z "${AWS_STORAGE_BUCKET_NAME:-}" && -n "${MEDIA_ROOT:-}" && -d "${MEDIA_ROOT:-}" ]]; then
    media="$dest/media-$stamp.tar.gz"
    tar -czf "$media.partial" -C "$MEDIA_ROOT" .
    mv "$media.partial" "$media"
    echo "$media"
fi

if [[ "$keep_days" -gt 0 ]]; then
    find "$dest" -maxdepth 1 -type f \( -name 'briefroom-*.dump' -o -name 'media-*.tar.gz' \) \
        -mtime +"$keep_days" -delete
fi
