#!/usr/bin/env bash
# `make serve` : la topologie de production sur une seule machine, avec le PostgreSQL et le Redis
# locaux — N processus uvicorn sur des ports consécutifs + le worker des tâches de fond, réglages
# de production (DEBUG désactivé, fichiers statiques compressés par WhiteNoise).
#
# Variables (toutes facultatives) :
#   WORKERS=2  HOST=127.0.0.1  PORT=8000 (premier port)  DATABASE_URL  REDIS_URL  SECRET_KEY
#   PYTHON : l'interpréteur de l'environnement (défaut : celui de `uv run`)
# Sans nginx, chaque processus répond directement ; devant eux, en production, le proxy inverse
# de deploy/nginx/cites-emploi.conf (voir docs/deployment.md).
set -euo pipefail
cd "$(dirname "$0")/.."

WORKERS="${WORKERS:-2}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
PYTHON="${PYTHON:-$(${UV:-uv} run --frozen python -c 'import sys; print(sys.executable)')}"

export DJANGO_SETTINGS_MODULE=cde_site.settings.production
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cites_emploi}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export TASKS_BACKEND="${TASKS_BACKEND:-django_tasks_db.DatabaseBackend}"
export SESSION_ENGINE="${SESSION_ENGINE:-commons.sessions}"
export SITE_URL="${SITE_URL:-http://${HOST}:${PORT}}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1,${HOST}}"
# Pas de TLS en local : c'est le proxy inverse qui le termine en production.
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}"
# Les courriels s'affichent dans la sortie du worker, sauf si un serveur SMTP est configuré.
if [[ -z "${EMAIL_HOST:-}" ]]; then
    export EMAIL_BACKEND="${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}"
fi
mkdir -p var
if [[ -z "${SECRET_KEY:-}" ]]; then
    # Une clé générée une fois pour cette machine, gardée hors du dépôt (var/ est ignoré).
    if [[ ! -s var/serve-secret-key ]]; then
        (umask 077 && "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))' \
            >var/serve-secret-key)
    fi
    SECRET_KEY="$(cat var/serve-secret-key)"
    export SECRET_KEY
fi

echo "== Base de données : ${DATABASE_URL%%\?*}"
"$PYTHON" - <<'PY'
import os
import sys

import psycopg
from psycopg import sql

url = os.environ["DATABASE_URL"]
info = psycopg.conninfo.conninfo_to_dict(url)
name = info.get("dbname")
try:
    psycopg.connect(url, connect_timeout=3).close()
except psycopg.OperationalError as error:
    if name and f'database "{name}" does not exist' in str(error):
        admin = psycopg.conninfo.make_conninfo(url, dbname="postgres")
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"   base « {name} » créée")
    else:
        sys.exit(f"PostgreSQL injoignable : {error}")
PY
"$PYTHON" - <<'PY'
import os
import sys

import redis

try:
    redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=2).ping()
except redis.RedisError as error:
    sys.exit(f"Redis injoignable ({os.environ['REDIS_URL']}) : {error}")
PY

echo "== Migrations, pages du site, fichiers statiques"
"$PYTHON" manage.py migrate --no-input -v0
"$PYTHON" manage.py setup_site
"$PYTHON" manage.py collectstatic --no-input -v0

pids=()
stop() {
    trap - INT TERM EXIT
    echo ""
    echo "== Arrêt des processus ${pids[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

urls=()
for ((i = 0; i < WORKERS; i++)); do
    port=$((PORT + i))
    "$PYTHON" -m uvicorn cde_site.asgi:application --app-dir platform \
        --host "$HOST" --port "$port" --lifespan off --no-server-header \
        --proxy-headers --forwarded-allow-ips 127.0.0.1 &
    pids+=($!)
    urls+=("http://${HOST}:${port}/")
done
"$PYTHON" manage.py db_worker &
pids+=($!)

# Attendre que chaque processus réponde sur /sante/ (base et Redis joignables).
for url in "${urls[@]}"; do
    for _ in $(seq 1 60); do
        if "$PYTHON" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
            "${url}sante/" 2>/dev/null; then
            break
        fi
        sleep 0.5
    done
done

echo ""
echo "== Plateforme servie par ${WORKERS} processus uvicorn et 1 worker de tâches (Ctrl-C pour arrêter) :"
for url in "${urls[@]}"; do echo "   ${url}   (santé : ${url}sante/)"; done
echo "   Administration : ${urls[0]}admin/"
echo "   Créer un administrateur : DATABASE_URL=${DATABASE_URL} uv run python manage.py createsuperuser"
echo "   Devant ces processus en production : deploy/nginx/cites-emploi.conf (upstream = ces ports)."
wait -n "${pids[@]}" || true
echo "Un processus s'est arrêté : arrêt des autres."
