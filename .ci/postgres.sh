#!/usr/bin/env bash
# Installs (if needed) and starts a local PostgreSQL for Pond's service tests
# on Debian, as root. Idempotent. The last line printed is the connection URL,
# so CI can do: export POND_TEST_POSTGRES_URL="$(.ci/postgres.sh | tail -n 1)"
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  pg_ctlcluster "$version" main start >&2
fi

# Wait until the server accepts connections (up to 30 s).
for _ in $(seq 1 60); do
  if su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 0.5
done

su postgres -c "psql -v ON_ERROR_STOP=1 -qtA" >&2 <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pond') THEN
    CREATE ROLE pond LOGIN SUPERUSER CREATEDB PASSWORD 'pond';
  ELSE
    ALTER ROLE pond LOGIN SUPERUSER CREATEDB PASSWORD 'pond';
  END IF;
END
$$;
SQL
if [ "$(su postgres -c "psql -qtAc \"select 1 from pg_database where datname = 'pond'\"")" != "1" ]; then
  su postgres -c "createdb -O pond pond" >&2
fi

# Check the URL itself works over TCP with the password.
for _ in $(seq 1 60); do
  if PGPASSWORD=pond psql -h 127.0.0.1 -p 5432 -U pond -d pond -qtAc 'select 1' >/dev/null 2>&1; then break; fi
  sleep 0.5
done
PGPASSWORD=pond psql -h 127.0.0.1 -p 5432 -U pond -d pond -qtAc 'select 1' >/dev/null

echo "postgres://pond:pond@127.0.0.1:5432/pond"
