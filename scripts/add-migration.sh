#!/usr/bin/env bash
# Adds a migration NAME to both engines at once: never to one provider alone.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: scripts/add-migration.sh NAME" >&2; exit 2; }
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet build src/Otklik -v q -nologo >/dev/null
dotnet ef migrations add "$1" -p src/Otklik --no-build --context SqliteAppDbContext   -o Data/Migrations/Sqlite
dotnet ef migrations add "$1" -p src/Otklik --no-build --context PostgresAppDbContext -o Data/Migrations/Postgres
