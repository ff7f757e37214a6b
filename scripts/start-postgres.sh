#!/usr/bin/env bash
# Start a local PostgreSQL for the function's tests and print its DATABASE_URL on stdout (nothing else).
# Idempotent: installs Debian's postgresql if missing, creates/starts a cluster, a role and a database.
# Works as root (CI) or with sudo. Override with PG_ROLE, PG_PASSWORD, PG_DB.
set -euo pipefail
ROLE=${PG_ROLE:-opendata}
PASSWORD=${PG_PASSWORD:-opendata}
DB=${PG_DB:-opendata_function}
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q postgresql >&2
fi
VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION main"; then
  $SUDO pg_createcluster "$VERSION" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
  $SUDO pg_ctlcluster "$VERSION" main start >&2
fi
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $3}')
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$PORT" || { echo "PostgreSQL did not start on port $PORT" >&2; exit 1; }

psql_admin() { $SUDO -u postgres psql -p "$PORT" -v ON_ERROR_STOP=1 -tAq "$@"; }
if [ -z "$SUDO" ]; then psql_admin() { su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -tAq $(printf '%q ' "$@")"; }; fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != "1" ]; then
  psql_admin -c "CREATE ROLE \"$ROLE\" LOGIN PASSWORD '$PASSWORD'" >&2
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
  psql_admin -c "CREATE DATABASE \"$DB\" OWNER \"$ROLE\"" >&2
fi
echo "postgresql://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
