#!/usr/bin/env bash
# The cost of the personal-data audit (ADR 0015) on the API read workload: the same "read" workload of Otklik.Load
# (GET /api/v1/appeals/{id}?include=history by a member of staff, concurrency 8) with the audit on and off, alternately,
# against one database in one run. The machine is shared: read the ratios of back-to-back pairs, not the absolute rates.
#
#   bench/audit-cost.sh [--engine postgres|sqlite] [--appeals N] [--rounds R] [--duration S]
#
# "off" is the app started with Otklik:Audit:Enabled=false (it logs a warning that the audit is off); "on" the default.
set -euo pipefail
cd "$(dirname "$0")/.."
engine=postgres; appeals=10000; rounds=6; duration=10
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine=$2; shift ;;
    --appeals) appeals=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --duration) duration=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
PGBIN=/usr/lib/postgresql/15/bin
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
work=$(mktemp -d /tmp/otklik-audit-cost.XXXXXX); chmod 755 "$work"
cleanup() {
  [ "$engine" = postgres ] && runuser -u postgres -- $PGBIN/pg_ctl -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ "$engine" = postgres ]; then
  PGPORT=$(free_port); mkdir -p "$work/pg"; chown postgres:postgres "$work/pg"
  runuser -u postgres -- $PGBIN/initdb -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  runuser -u postgres -- $PGBIN/pg_ctl -D "$work/pg" -l "$work/pg/server.log" -w -t 60 \
    -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $work/pg -c fsync=on -c synchronous_commit=on -c max_connections=300 -c shared_buffers=512MB" start >/dev/null
  cs="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=otklik_bench;Maximum Pool Size=100;Timeout=60"
else
  cs="Data Source=$work/otklik-bench.db"
fi
echo "== building (Release)"
dotnet publish src/Otklik -c Release -o "$work/app" -nologo -v q >/dev/null
dotnet build bench/Otklik.Load -c Release -nologo -v q >/dev/null
load="dotnet bench/Otklik.Load/bin/Release/net10.0/Otklik.Load.dll"
common=(--engine "$engine" --connection "$cs" --app "$work/app/Otklik.dll" --appeals "$appeals" --only read --warmup 5 --duration "$duration")

echo "== fill ($appeals appeals) and a first measurement with the audit on (not counted: the database's first pass)"
$load run "${common[@]}" --out "$work/first.json" >/dev/null
for i in $(seq 1 "$rounds"); do
  # ABBA: odd rounds measure off then on, even rounds on then off, so a drift of the shared machine cancels out.
  order="off on"; [ $((i % 2)) -eq 0 ] && order="on off"
  for mode in $order; do
    if [ $mode = off ]; then export Otklik__Audit__Enabled=false; else unset Otklik__Audit__Enabled; fi
    $load run "${common[@]}" --reuse --out "$work/$i-$mode.json" >/dev/null
    echo "   round $i, audit $mode: done"
  done
done
unset Otklik__Audit__Enabled
python3 - "$work" "$rounds" "$engine" <<'PY'
import json, sys, statistics
work, rounds, engine = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def read(path):
    d = json.load(open(path))
    ws = d.get("workloads") or d.get("Workloads")
    w = next(x for x in ws if (x.get("name") or x.get("Name")) == "read")
    g = lambda k: w.get(k) if k in w else w.get(k[0].upper() + k[1:])
    return g("rate"), g("p50"), g("p95"), g("errors")
print(f"| {engine} round | audit off ops/s | audit on ops/s | on/off rate | p50 off → on ms | p95 off → on ms | errors |")
print("|---|---|---|---|---|---|---|")
ratios = []
for i in range(1, rounds + 1):
    off, on = read(f"{work}/{i}-off.json"), read(f"{work}/{i}-on.json")
    ratios.append(on[0] / off[0])
    print(f"| {i} | {off[0]:.1f} | {on[0]:.1f} | {on[0]/off[0]:.3f} | {off[1]:.2f} → {on[1]:.2f} | {off[2]:.2f} → {on[2]:.2f} | {off[3] + on[3]} |")
print(f"\nsum of on / sum of off: {sum(read(f'{work}/{i}-on.json')[0] for i in range(1, rounds + 1)) / sum(read(f'{work}/{i}-off.json')[0] for i in range(1, rounds + 1)):.3f}")
print(f"median on/off rate ratio: {statistics.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})")
PY
