#!/usr/bin/env bash
# Exercice de restauration : restaure une sauvegarde de deploy/backup.sh dans une base NEUVE et un
# dossier de données temporaire, vérifie qu'elle est complète, puis démarre le site dessus et
# contrôle qu'il sert le contenu restauré. La base de production n'est ni lue ni modifiée : son
# serveur sert seulement à créer la base d'exercice (supprimée à la fin, sauf KEEP_DRILL=1).
#
#   DATABASE_URL=postgres://… deploy/restore_drill.sh [FICHIER.dump]
#
# Variables :
#   DATABASE_URL   une base du serveur PostgreSQL où restaurer (ses identifiants doivent
#                  permettre CREATE DATABASE) ; la base d'exercice est créée à côté
#   BACKUP_DIR     où chercher la dernière sauvegarde (défaut : var/backups)
#   KEEP_DRILL=1   garder la base et le dossier restaurés pour les examiner
#   PYTHON         l'interpréteur de l'environnement (défaut : celui de `uv run`)
# Sortie : 0 si tout est vérifié, autre chose sinon (à surveiller si l'exercice est planifié).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?DATABASE_URL doit désigner une base du serveur où restaurer}"
BACKUP_DIR="${BACKUP_DIR:-var/backups}"
PYTHON="${PYTHON:-$(${UV:-uv} run --frozen python -c 'import sys; print(sys.executable)')}"
started=$(date +%s)

dump="${1:-$(ls -1t "$BACKUP_DIR"/cites-emploi-*.dump 2>/dev/null | head -n1 || true)}"
[[ -n "$dump" && -f "$dump" ]] || { echo "Aucune sauvegarde trouvée dans $BACKUP_DIR" >&2; exit 1; }
prefix="${dump%.dump}"
echo "== Sauvegarde : $dump"

fail() { echo "ÉCHEC : $*" >&2; exit 1; }

if [[ -f "$prefix.sha256" ]]; then
    (cd "$(dirname "$dump")" && sha256sum --quiet -c "$(basename "$prefix").sha256") \
        || fail "sommes de contrôle incorrectes"
    echo "   sommes de contrôle vérifiées"
fi

# La base d'exercice : même serveur et mêmes identifiants, autre nom.
drill_db="cites_emploi_drill_$(date -u +%Y%m%d%H%M%S)"
url_base="${DATABASE_URL%%\?*}"
url_query="${DATABASE_URL#"$url_base"}"
DRILL_URL="${url_base%/*}/${drill_db}${url_query}"
SERVER_URL="$DATABASE_URL"  # plus bas, DATABASE_URL désigne la base d'exercice
workdir="$(mktemp -d)"
server_pid=""

cleanup() {
    local status=$?
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ "${KEEP_DRILL:-0}" == 1 ]]; then
        echo "== Conservés : base ${drill_db}, dossier ${workdir}"
    else
        psql "$SERVER_URL" -X -q -c "DROP DATABASE IF EXISTS \"${drill_db}\" WITH (FORCE)" \
            >/dev/null 2>&1 || echo "(base ${drill_db} à supprimer à la main)"
        rm -rf "$workdir"
    fi
    exit "$status"
}
trap cleanup EXIT

echo "== Base neuve ${drill_db} : pg_restore"
psql "$SERVER_URL" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"${drill_db}\""
pg_restore --no-owner --no-privileges --exit-on-error --jobs=2 --dbname="$DRILL_URL" "$dump"

echo "== Fichiers dans ${workdir}"
mkdir -p "$workdir/media" "$workdir/private-media"
[[ -f "$prefix-media.tar.gz" ]] && tar -xzf "$prefix-media.tar.gz" -C "$workdir/media"
[[ -f "$prefix-private-media.tar.gz" ]] && tar -xzf "$prefix-private-media.tar.gz" -C "$workdir/private-media"

sql() { psql "$DRILL_URL" -X -A -t -v ON_ERROR_STOP=1 -c "$1"; }

echo "== Contrôles de complétude"
if [[ -f "$prefix.counts" ]]; then
    while read -r table expected; do
        actual=$(sql "SELECT count(*) FROM ${table}")
        [[ "$actual" == "$expected" ]] || fail "$table : $actual lignes restaurées, $expected sauvegardées"
        printf '   %-28s %6s lignes ✓\n' "$table" "$actual"
    done <"$prefix.counts"
fi
missing=0
if [[ -n "${S3_BUCKET_NAME:-}" ]]; then
    # Fichiers dans le stockage objet : ni archivés ni restaurés ici (docs/deployment.md).
    echo "   S3_BUCKET_NAME défini : fichiers non vérifiés (stockage objet, sauvegardé à part)"
else
    while read -r name; do
        [[ -z "$name" ]] && continue
        [[ -f "$workdir/private-media/$name" ]] || { echo "   fichier privé absent : $name"; missing=$((missing + 1)); }
    done < <(sql "SELECT file FROM groups_documentversion
                  UNION ALL SELECT photo FROM accounts_user WHERE photo <> ''" 2>/dev/null || true)
    while read -r name; do
        [[ -z "$name" ]] && continue
        [[ -f "$workdir/media/$name" ]] || { echo "   média absent : $name"; missing=$((missing + 1)); }
    done < <(sql "SELECT file FROM wagtailimages_image
                  UNION ALL SELECT file FROM wagtaildocs_document" 2>/dev/null || true)
    [[ "$missing" == 0 ]] || fail "$missing fichier(s) référencé(s) par la base absent(s) des archives"
    echo "   tous les fichiers référencés par la base sont présents ✓"
fi

# Le site, en réglages de production, sur la base et les fichiers restaurés ; sans Redis ni
# Elasticsearch : l'exercice ne doit toucher ni au cache ni à l'index de la production.
export DJANGO_SETTINGS_MODULE=cde_site.settings.production
export DATABASE_URL="$DRILL_URL" VAR_DIR="$workdir" PRIVATE_MEDIA_ROOT="$workdir/private-media"
export REDIS_URL="" ELASTICSEARCH_URL="" SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1
export TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend
export EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
export SESSION_ENGINE=django.contrib.sessions.backends.db
SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY

echo "== Le code actuel sur la base restaurée"
if "$PYTHON" manage.py migrate --check >/dev/null 2>&1; then
    echo "   aucune migration en attente ✓"
else
    echo "   migrations en attente (sauvegarde plus ancienne que le code) : application"
    "$PYTHON" manage.py migrate --no-input -v0
fi
"$PYTHON" manage.py check --deploy --fail-level ERROR >/dev/null 2>&1 \
    || "$PYTHON" manage.py check --deploy --fail-level ERROR
"$PYTHON" manage.py collectstatic --no-input -v0

port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$PYTHON" -m uvicorn cde_site.asgi:application --app-dir platform --host 127.0.0.1 \
    --port "$port" --lifespan off --no-access-log --log-level warning &
server_pid=$!
site="http://127.0.0.1:${port}"

fetch() { # chemin code_attendu texte_attendu
    "$PYTHON" - "$site$1" "$2" "$3" <<'PY'
import html
import sys
import urllib.error
import urllib.request

url, expected_status, expected_text = sys.argv[1], int(sys.argv[2]), sys.argv[3]
try:
    response = urllib.request.urlopen(url, timeout=10)
    status, body = response.status, response.read().decode()
except urllib.error.HTTPError as error:
    status, body = error.code, error.read().decode()
if status != expected_status:
    sys.exit(f"{url} : HTTP {status} au lieu de {expected_status}")
if expected_text not in html.unescape(body):
    sys.exit(f"{url} : « {expected_text} » absent de la page")
print(f"   {url} → {status}, « {expected_text[:60]} » ✓")
PY
}

for _ in $(seq 1 60); do
    "$PYTHON" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
        "$site/sante/" 2>/dev/null && break
    sleep 0.5
done

echo "== Le site sert le contenu restauré (${site})"
fetch /sante/ 200 '"database": "ok"'
home_title=$(sql "SELECT title FROM wagtailcore_page WHERE depth = 2 AND live ORDER BY path LIMIT 1")
fetch / 200 "$home_title"
cite=$(sql "SELECT slug || '|' || name FROM cites_cite WHERE is_published ORDER BY slug LIMIT 1")
if [[ -n "$cite" ]]; then
    fetch "/cites/${cite%%|*}/" 200 "${cite#*|}"
fi
fetch /donnees-personnelles/ 200 "Durées de conservation"
fetch /une-page-qui-n-existe-pas/ 404 ""

echo "== Exercice de restauration réussi en $(($(date +%s) - started)) s"
