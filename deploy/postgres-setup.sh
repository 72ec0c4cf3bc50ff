#!/usr/bin/env bash
# Creates Otklik's PostgreSQL role and database on a Debian PostgreSQL 15+ server (docs/operations.md, Install).
# Run as root on the database server:   deploy/postgres-setup.sh [database] [role]
# It prints the connection string for /etc/otklik/otklik.env. Run it once; it refuses to touch an existing role.
set -euo pipefail
db=${1:-otklik}
role=${2:-otklik}
psql() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt "$@"; }

if [ "$(psql -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" = "1" ]; then
  echo "role $role exists already; nothing done" >&2; exit 1
fi
password=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
# The app's role owns its database and nothing else: no superuser, no role or database creation.
psql -c "CREATE ROLE \"$role\" LOGIN PASSWORD '$password' NOSUPERUSER NOCREATEDB NOCREATEROLE"
# C.UTF-8 keeps capital Cyrillic letters lowercased by the Russian full-text search (with --locale=C they are not).
psql -c "CREATE DATABASE \"$db\" OWNER \"$role\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
psql -d "$db" -c "REVOKE ALL ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO \"$role\""

cat <<EOT
Database $db and role $role are ready. Put this into /etc/otklik/otklik.env (adjust Host for a remote server):
Database__Provider=Postgres
ConnectionStrings__Otklik=Host=127.0.0.1;Port=5432;Database=$db;Username=$role;Password=$password

Recommended server settings for a node of 2-4 cores (postgresql.conf), then restart PostgreSQL:
  shared_buffers = 1GB            # a quarter of the server's memory
  effective_cache_size = 3GB
  max_connections = 200           # each app node opens at most 100 (Npgsql's pool) — count the nodes
  wal_level = replica             # for pg_basebackup and a read replica
  archive_mode = on               # with archive_command, for point-in-time recovery (docs/operations.md)
EOT
