#!/usr/bin/env bash
# Sauvegarde de la plateforme : la base PostgreSQL (pg_dump au format « custom », compressé,
# restaurable table par table) et les fichiers (médias publics + documents privés des groupes).
#
#   DATABASE_URL=postgres://… deploy/backup.sh            # ou avec l'EnvironmentFile de systemd
#
# Variables :
#   DATABASE_URL        base à sauvegarder (obligatoire)
#   BACKUP_DIR          dossier des sauvegardes (défaut : var/backups)
#   VAR_DIR             dossier des données (défaut : var/ du dépôt) ; médias dans $VAR_DIR/media
#   PRIVATE_MEDIA_ROOT  documents des groupes et photos de profil (défaut : $VAR_DIR/private-media)
#   S3_BUCKET_NAME      si défini, les fichiers sont dans ce compartiment S3 : il se sauvegarde à
#                       part (docs/deployment.md, « Sauvegardes »)
#   BACKUP_KEEP_DAYS    sauvegardes plus anciennes supprimées (défaut : 14 ; 0 = tout garder)
#
# Produit, pour un horodatage T (UTC) :
#   cites-emploi-T.dump        la base (pg_restore)
#   cites-emploi-T-media.tar.gz          les médias publics (MEDIA_ROOT)
#   cites-emploi-T-private-media.tar.gz  documents des groupes, photos (PRIVATE_MEDIA_ROOT)
#   cites-emploi-T.counts      nombre de lignes des tables principales (vérifié par la restauration)
#   cites-emploi-T.sha256      sommes de contrôle des fichiers ci-dessus
# Copiez ensuite BACKUP_DIR hors de la machine (rsync, stockage objet) : une sauvegarde qui reste
# sur le serveur ne protège pas de sa perte. Exercice de restauration : deploy/restore_drill.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?DATABASE_URL doit désigner la base à sauvegarder}"
VAR_DIR="${VAR_DIR:-$PWD/var}"
PRIVATE_MEDIA_ROOT="${PRIVATE_MEDIA_ROOT:-$VAR_DIR/private-media}"
BACKUP_DIR="${BACKUP_DIR:-$VAR_DIR/backups}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
# Les tables comptées avant et après restauration.
COUNT_TABLES="${COUNT_TABLES:-accounts_user cites_cite groups_group groups_post groups_documentversion cafes_cites_session cafes_cites_chatmessage wagtailcore_page wagtailcore_revision}"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
base="$BACKUP_DIR/cites-emploi-$stamp"
mkdir -p "$BACKUP_DIR"
chmod 700 "$BACKUP_DIR"
umask 077

started=$(date +%s)
# Comptages et dump lisent le même instantané de la base (pg_export_snapshot) : les nombres
# enregistrés sont exactement ceux du dump, même si le site écrit pendant la sauvegarde.
existing=$(psql "$DATABASE_URL" -X -A -t -v ON_ERROR_STOP=1 -c \
    "SELECT string_agg(t, ' ') FROM unnest(string_to_array('${COUNT_TABLES}', ' ')) AS t
     WHERE to_regclass(t) IS NOT NULL")
coproc SNAPSHOT { psql "$DATABASE_URL" -X -A -t -q -v ON_ERROR_STOP=1; }
echo "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SELECT pg_export_snapshot();" \
    >&"${SNAPSHOT[1]}"
read -r -t 30 snapshot <&"${SNAPSHOT[0]}"

echo "== Comptage des lignes → ${base}.counts"
: >"${base}.counts.partial"
for table in $existing; do
    echo "SELECT count(*) FROM ${table};" >&"${SNAPSHOT[1]}"
    read -r -t 300 count <&"${SNAPSHOT[0]}"
    echo "$table $count" >>"${base}.counts.partial"
done

echo "== Base : pg_dump -Fc → ${base}.dump"
# Écrit sous un nom temporaire : une sauvegarde interrompue ne passe jamais pour complète.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --snapshot="$snapshot" \
    --dbname="$DATABASE_URL" --file="${base}.dump.partial"
echo "COMMIT;" >&"${SNAPSHOT[1]}"
exec {SNAPSHOT[1]}>&-
if [[ -n "${SNAPSHOT_PID:-}" ]]; then wait "$SNAPSHOT_PID" || true; fi
mv "${base}.dump.partial" "${base}.dump"
mv "${base}.counts.partial" "${base}.counts"

echo "== Fichiers : tar → ${base}-media.tar.gz, ${base}-private-media.tar.gz"
# Une archive par dossier, aux chemins relatifs : la restauration les replace où elle veut.
archive_dir() { # dossier archive
    if [[ -d "$1" ]]; then
        tar --create --gzip --file="$2.partial" -C "$1" .
    else
        tar --create --gzip --file="$2.partial" --files-from=/dev/null
    fi
    mv "$2.partial" "$2"
}
archive_dir "$VAR_DIR/media" "${base}-media.tar.gz"
archive_dir "$PRIVATE_MEDIA_ROOT" "${base}-private-media.tar.gz"
if [[ -n "${S3_BUCKET_NAME:-}" ]]; then
    # Fichiers dans un stockage objet : les archives ci-dessus sont vides ; le compartiment se
    # sauvegarde à part (versionnement + rclone sync ou aws s3 sync, docs/deployment.md).
    echo "   S3_BUCKET_NAME=$S3_BUCKET_NAME : médias dans le stockage objet, non archivés ici"
fi

name="$(basename "$base")"
(cd "$BACKUP_DIR" && sha256sum "$name.dump" "$name-media.tar.gz" "$name-private-media.tar.gz" \
    "$name.counts" >"$name.sha256")

if [[ "$BACKUP_KEEP_DAYS" -gt 0 ]]; then
    find "$BACKUP_DIR" -maxdepth 1 -name 'cites-emploi-*' -type f \
        -mtime "+$BACKUP_KEEP_DAYS" -print -delete
fi

echo "== Sauvegarde terminée en $(($(date +%s) - started)) s :"
ls -lh "${base}".* "${base}"-*.tar.gz
