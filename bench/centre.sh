#!/usr/bin/env bash
# The centre's figures at volume (issue 20): fills N appeals (default 1,000,000) on each engine and measures, in
# process, the dashboard without and with cache, the ranking of a year and the spike detector's daily pass, with a
# plain COUNT(*) over the same rows as the baseline of the same run. Prints a markdown table (also kept in OUT).
#
#   bench/centre.sh [APPEALS] [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
appeals=${1:-1000000}; out=${2:-/tmp/otklik-centre-$(date -u +%Y%m%d-%H%M%S).md}
PGBIN=/usr/lib/postgresql/15/bin
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PGPORT=$(free_port)
work=$(mktemp -d /tmp/otklik-centre.XXXXXX); chmod 755 "$work"
PGDATA="$work/pg"; mkdir -p "$PGDATA"; chown postgres:postgres "$PGDATA"
cleanup() { runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
runuser -u postgres -- $PGBIN/initdb -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
  -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA -c fsync=on -c max_connections=100 -c shared_buffers=512MB" start >/dev/null
dotnet build bench/Otklik.Load -c Release -nologo -v q -clp:ErrorsOnly
load="dotnet bench/Otklik.Load/bin/Release/net10.0/Otklik.Load.dll"
echo "| engine | what | runs | p50 ms | p95 ms | result |" | tee "$out"
echo "|---|---|---|---|---|---|" | tee -a "$out"
for engine in ${ENGINES:-postgres sqlite}; do
  if [ "$engine" = postgres ]; then cs="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=otklik_centre;Timeout=60;Command Timeout=600"
  else cs="Data Source=$work/otklik-centre.db"; fi
  $load centre --engine "$engine" --connection "$cs" --fill "$appeals" --repeat "${REPEAT:-10}" --out "$out"
  [ "$engine" = sqlite ] && rm -f "$work"/otklik-centre.db*
done
echo "== results in $out"
