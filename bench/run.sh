#!/usr/bin/env bash
# Otklik side by side with Redmine and with the machine's own limits (issue 8), in one run. Writes the section between
# the "bench/run.sh" markers of docs/performance.md (the rest of the file stays).
#
#   bench/run.sh [--quick] [--appeals N] [--with-redmine] [--engines "postgres sqlite"] [--only search,read] [--note TEXT]
#
#   --quick         2,000 appeals and 1 + 3 s per workload: checks the harness in a minute or two; not figures to quote
#   --appeals N     appeals to fill (default 100,000; the targets of issue 8 are at 1,000,000)
#   --redmine-appeals N  issues Redmine is preloaded with (default: --appeals); its search at a million issues runs into
#                   minutes per request, so a run may compare with Redmine at 100,000 and say so
#   --with-redmine  installs and runs Redmine from Debian's packages with ../shared/peers/redmine/ (setup.sh uses
#                   PostgreSQL's default cluster: fine on a bench machine, never in CI); without it the report takes
#                   Redmine's figures from ../shared/peers/redmine/RESULTS.md and says so
#
# Starts its own PostgreSQL (fsync on, the real durability setting) on a free port, publishes the app (Release) and
# runs it against each engine with no demo data and no background workers, measures the limits (pgbench single-row
# inserts; Kestrel answering prebuilt bytes) and stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
args="$*"
quick=""; appeals=""; redmine_appeals=""; redmine=0; engines="postgres sqlite"; note=""; only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=--quick ;;
    --appeals) appeals=$2; shift ;;
    --with-redmine) redmine=1 ;;
    --redmine-appeals) redmine_appeals=$2; shift ;;
    --engines) engines=$2; shift ;;
    --note) note=$2; shift ;;
    --only) only=$2; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$appeals" ]; then if [ -n "$quick" ]; then appeals=2000; else appeals=100000; fi; fi
if [ -n "$quick" ]; then duration=3; else duration=30; fi

[ -x /usr/lib/postgresql/15/bin/initdb ] || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
PGBIN=/usr/lib/postgresql/15/bin
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PGPORT=$(free_port)
work=$(mktemp -d /tmp/otklik-run.XXXXXX); chmod 755 "$work"
PGDATA="$work/pg"; mkdir -p "$PGDATA"; chown postgres:postgres "$PGDATA"
redmine_pid=""
cleanup() {
  [ -n "$redmine_pid" ] && kill "$redmine_pid" 2>/dev/null || true
  runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
runuser -u postgres -- $PGBIN/initdb -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
  -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA -c fsync=on -c synchronous_commit=on -c max_connections=300 -c shared_buffers=512MB" start >/dev/null
echo "== PostgreSQL $($PGBIN/postgres --version | awk '{print $3}') on port $PGPORT (fsync on)"

echo "== building (Release)"
dotnet publish src/Otklik -c Release -o "$work/app" -nologo -v q >/dev/null
dotnet build bench/Otklik.Load -c Release -nologo -v q >/dev/null
load="dotnet bench/Otklik.Load/bin/Release/net10.0/Otklik.Load.dll"

# The limit of durable intake: one single-row INSERT per transaction, on the same server and settings.
echo "== pgbench: single-row inserts, ${duration} s each"
runuser -u postgres -- $PGBIN/createdb -h 127.0.0.1 -p "$PGPORT" limits
runuser -u postgres -- psql -q -h 127.0.0.1 -p "$PGPORT" -d limits -c \
  "CREATE TABLE intake (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now(), body text NOT NULL)"
echo "INSERT INTO intake (body) VALUES (repeat('обращение ', 50));" > "$work/insert.sql"
chmod 644 "$work/insert.sql"
: > "$work/pgbench.txt"
for c in 8 32; do
  tps=$(runuser -u postgres -- $PGBIN/pgbench -h 127.0.0.1 -p "$PGPORT" -n -c $c -j 2 -T "$duration" -f "$work/insert.sql" limits 2>/dev/null \
        | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  echo "   pgbench c=$c: $tps tps"
  echo "intake c$c $tps" >> "$work/pgbench.txt"
done

# What PostgreSQL alone can answer on this machine: pgbench's built-in select-only script (a primary-key SELECT per
# transaction) at the reads' concurrency — the most any read made of N such statements could reach is this rate / N.
runuser -u postgres -- $PGBIN/pgbench -h 127.0.0.1 -p "$PGPORT" -i -q -s 10 limits >/dev/null 2>&1
tps=$(runuser -u postgres -- $PGBIN/pgbench -h 127.0.0.1 -p "$PGPORT" -n -S -c 8 -j 2 -T "$duration" limits 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
echo "   pgbench -S c=8: $tps tps"
echo "select c8 $tps" >> "$work/pgbench.txt"

results=""
limits=--limits
for engine in $engines; do
  if [ "$engine" = postgres ]; then cs="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=otklik_bench;Maximum Pool Size=100;Timeout=60"
  else cs="Data Source=$work/otklik-bench.db"; fi
  $load run --engine "$engine" --connection "$cs" --app "$work/app/Otklik.dll" --appeals "$appeals" $quick $limits ${only:+--only "$only"} --out "$work/$engine.json"
  results="$results${results:+,}$work/$engine.json"
  limits=""
done

redmine_out=""
if [ "$redmine" = 1 ]; then
  peer=../shared/peers/redmine
  port=$(free_port)
  echo "== Redmine (Debian packages) on port $port: $peer/setup.sh"
  setup=$(bash "$peer/setup.sh" "$port")
  key=$(echo "$setup" | sed -n 's/^API_KEY=//p'); redmine_pid=$(echo "$setup" | sed -n 's/^PID=//p')
  redmine_appeals=${redmine_appeals:-$appeals}
  if [ "$redmine_appeals" -gt 4000 ]; then bash "$peer/preload.sh" "$redmine_appeals"; fi
  if [ -n "$quick" ]; then counts="--n 100 --list 50 --get 100 --put 100 --search 20"; else counts="--n 2000 --list 500 --get 500 --put 500 --search 100"; fi
  # shellcheck disable=SC2086
  node "$peer/bench.js" --base "http://127.0.0.1:$port" --key "$key" --conc 8 --rounds 1 --phases a,b,c,d,e $counts --max-seconds 300 | tee "$work/redmine.txt"
  redmine_out="$work/redmine.txt"
  kill "$redmine_pid" 2>/dev/null || true; redmine_pid=""
fi

# The raw results stay after the run: rerun the report from them (e.g. with another --note) without measuring again.
keep=/tmp/otklik-bench-results-$(date -u +%Y%m%d-%H%M%S); mkdir -p "$keep"
cp "$work"/*.json "$work/pgbench.txt" "$keep"/; [ -n "$redmine_out" ] && cp "$redmine_out" "$keep"/
results=${results//$work/$keep}; [ -n "$redmine_out" ] && redmine_out="$keep/redmine.txt"
$load report --results "$results" --pgbench "$keep/pgbench.txt" --redmine "$redmine_out" --out docs/performance.md \
  ${redmine_out:+--redmine-issues "${redmine_appeals:-$appeals}"} --command "bench/run.sh $args" --commit "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" --note "$note"
echo "== raw results kept in $keep"
