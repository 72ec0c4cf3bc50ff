#!/usr/bin/env bash
# The deadline sweep over N open appeals on SQLite and on PostgreSQL (fsync on, the real durability setting).
# Writes the table of docs/performance.md's "Deadline sweep" section. Usage: bench/sweep.sh [APPEALS]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
appeals=${1:-100000}
[ -x /usr/lib/postgresql/15/bin/initdb ] || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
PGBIN=/usr/lib/postgresql/15/bin
PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
PGDATA=$(mktemp -d /tmp/otklik-benchpg.XXXXXX); chown postgres:postgres "$PGDATA"
trap 'runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$PGDATA" /tmp/otklik-bench.db*' EXIT
runuser -u postgres -- $PGBIN/initdb -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA -c fsync=on -c synchronous_commit=on" start >/dev/null

dotnet build bench/Otklik.Bench -c Release -nologo -v q
rows=$(mktemp)
for engine in sqlite postgres; do
  echo "== $engine, $appeals open appeals"
  if [ $engine = postgres ]; then cs="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=otklik_bench"; else cs="Data Source=/tmp/otklik-bench.db"; fi
  dotnet bench/Otklik.Bench/bin/Release/net10.0/Otklik.Bench.dll --engine $engine --appeals "$appeals" --connection "$cs" --report "$rows"
done

machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m), .NET $(dotnet --version), PostgreSQL $($PGBIN/postgres --version | awk '{print $3}'), SQLite (bundled)"
section=$(cat <<MD
## Deadline sweep

Measured $(date -u +%Y-%m-%d) on $machine by \`bench/sweep.sh $appeals\`. Open appeals registered over 45 days, filled
through the entity's own methods; one pass of \`DeadlineWatch.RunOnceAsync\` at a fixed "now". The first pass does the
due work — here a catch-up: most appeals are weeks old, so each climbs every level it has passed (at risk, overdue,
dispatcher, controller, centre), each level a history event and an outbox notice, claimed and committed 200 appeals
per transaction; the second pass finds nothing due, which is the cost of every later minute. Then every open appeal is
recomputed, as after a calendar change.

| engine | open appeals | first pass | second pass | recompute all |
|---|---|---|---|---|
$(cat "$rows")
MD
)
mkdir -p docs
if [ -f docs/performance.md ] && grep -q '^## Deadline sweep' docs/performance.md; then
  python3 - "$section" <<'PY'
import re, sys
p = 'docs/performance.md'; s = open(p).read()
s = re.sub(r'## Deadline sweep.*?(?=\n## |\Z)', sys.argv[1].rstrip() + '\n', s, flags=re.S)
open(p, 'w').write(s)
PY
else
  { [ -f docs/performance.md ] || printf '# Performance notes\n\nFigures measured on the project machine; each section says how to reproduce it.\n\n'; echo "$section"; } >> docs/performance.md
fi
rm -f "$rows"
echo "== written to docs/performance.md"
