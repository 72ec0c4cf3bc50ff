#!/usr/bin/env bash
# Issue 23's figures: the support-measure catalogue search at 5,000 measures and the recipients-register search at
# 1,000,000 rows, on SQLite and on PostgreSQL (fsync on). Writes docs/performance.md's "Business portal" section.
# Usage: bench/business.sh [MEASURES] [RECIPIENTS]   (defaults 5000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
measures=${1:-5000}; recipients=${2:-1000000}
[ -x /usr/lib/postgresql/15/bin/initdb ] || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
PGBIN=/usr/lib/postgresql/15/bin
PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
PGDATA=$(mktemp -d /tmp/otklik-bizbenchpg.XXXXXX); chown postgres:postgres "$PGDATA"
trap 'runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$PGDATA" /tmp/otklik-bizbench.db*' EXIT
runuser -u postgres -- $PGBIN/initdb -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA -c fsync=on -c synchronous_commit=on" start >/dev/null

# BIN=folder runs an already built harness (no build).
bin=${BIN:-bench/Otklik.BusinessBench/bin/Release/net10.0}
[ -n "${BIN:-}" ] || dotnet build bench/Otklik.BusinessBench -c Release -nologo -v q
rows=$(mktemp)
for engine in sqlite postgres; do
  echo "== $engine"
  if [ $engine = postgres ]; then cs="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=otklik_bizbench"; else cs="Data Source=/tmp/otklik-bizbench.db"; fi
  dotnet "$bin/Otklik.BusinessBench.dll" --engine $engine --measures "$measures" --recipients "$recipients" --connection "$cs" --report "$rows"
done
load=$(cut -d' ' -f1-3 /proc/loadavg)
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, .NET $(dotnet --version), PostgreSQL $($PGBIN/postgres --version | awk '{print $3}'), SQLite (bundled)"
section=$(cat <<MD
## Business portal (issue 23): catalogue search at $measures measures, register search at $recipients recipient rows

Measured $(date -u +%Y-%m-%d) on $machine (load average at the end: $load) by \`bench/business.sh $measures $recipients\`. In process, the same calls the
pages and the API make: \`MeasureCatalogue.FindAsync\` (five filter mixes in turn: words with synonyms and word forms;
micro-loan + sole trader + ОКВЭД 10.71; small business + grants from 1 million; two words + medium business; no
filter) and \`RecipientRegister.SearchAsync\` (a part of the name, five queries in turn; an exact ИНН). Each call in a
fresh DbContext after 5 warm-up calls. The baseline, in the same run on the same database: one published measure read
by its id; the last column is p95 over the baseline's p95.

| engine | what | p50 | p95 | p95 / baseline |
|---|---|---|---|---|
$(cat "$rows")
MD
)
if grep -q '^## Business portal (issue 23)' docs/performance.md; then
  python3 - "$section" <<'PY'
import re, sys
p = 'docs/performance.md'; s = open(p).read()
s = re.sub(r'## Business portal \(issue 23\).*?(?=\n## |\Z)', sys.argv[1].rstrip() + '\n', s, flags=re.S)
open(p, 'w').write(s)
PY
else
  printf '\n%s\n' "$section" >> docs/performance.md
fi
rm -f "$rows"
echo "== written to docs/performance.md"
