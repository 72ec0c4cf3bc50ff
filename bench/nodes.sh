#!/usr/bin/env bash
# Issue 21's figures: the bench harness's workloads against one app node and against two nodes on the same PostgreSQL
# (workers spread round-robin over the nodes, as nginx balances connections), on one machine and one fill; and the
# web node's peak RSS with the garbage-collector setting the published runtime configuration really carries.
#
#   bench/nodes.sh [APPEALS] [OUT]     (default 100,000 appeals; OUT a markdown table, default /tmp/otklik-nodes-*.md)
#
# DURATION / WARMUP (seconds, default 20 / 5) and ONLY (workloads, comma-separated) tune a run.
set -euo pipefail
cd "$(dirname "$0")/.."
appeals=${1:-100000}; out=${2:-/tmp/otklik-nodes-$(date -u +%Y%m%d-%H%M%S).md}
[ -x /usr/lib/postgresql/15/bin/initdb ] || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
PGBIN=/usr/lib/postgresql/15/bin
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PGPORT=$(free_port)
work=$(mktemp -d /tmp/otklik-nodes.XXXXXX); chmod 755 "$work"
PGDATA="$work/pg"; mkdir -p "$PGDATA"; chown postgres:postgres "$PGDATA"
cleanup() { runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
runuser -u postgres -- $PGBIN/initdb -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
  -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA -c fsync=on -c synchronous_commit=on -c max_connections=300 -c shared_buffers=512MB" start >/dev/null
echo "== PostgreSQL on port $PGPORT (fsync on); building (Release)"
dotnet publish src/Otklik -c Release -o "$work/app" -nologo -v q >/dev/null
dotnet build bench/Otklik.Load -c Release -nologo -v q >/dev/null
load="dotnet bench/Otklik.Load/bin/Release/net10.0/Otklik.Load.dll"
gc=$(python3 -c "import json; print(json.load(open('$work/app/Otklik.runtimeconfig.json'))['runtimeOptions'].get('configProperties', {}).get('System.GC.Server', 'not set'))")
echo "== published runtimeconfig: System.GC.Server = $gc"
cs="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=otklik_nodes;Maximum Pool Size=100;Timeout=60"
common=(--engine postgres --connection "$cs" --app "$work/app/Otklik.dll" --duration "${DURATION:-20}" --warmup "${WARMUP:-5}")
[ -n "${ONLY:-}" ] && common+=(--only "$ONLY")
echo "== one node ($appeals appeals)"
$load run "${common[@]}" --appeals "$appeals" --nodes 1 --out "$work/one.json"
echo "== two nodes (the same database, --reuse)"
$load run "${common[@]}" --reuse --nodes 2 --out "$work/two.json"
python3 - "$work/one.json" "$work/two.json" "$out" "$gc" "$appeals" <<'PY'
import json, sys
one, two = (json.load(open(p)) for p in sys.argv[1:3])
out, gc, appeals = sys.argv[3], sys.argv[4], sys.argv[5]
rows = ["| workload | c | 1 node ops/s | 1 node p95 ms | 2 nodes ops/s | 2 nodes p95 ms | 2 ÷ 1 rate |", "|---|---|---|---|---|---|---|"]
by = {w["Name"]: w for w in two["Workloads"]}
for w in one["Workloads"]:
    t = by.get(w["Name"])
    if not t: continue
    rows.append(f"| {w['Name']} | {w['Concurrency']} | {w['Rate']:.1f} | {w['P95']:.1f} | {t['Rate']:.1f} | {t['P95']:.1f} | {t['Rate'] / w['Rate']:.2f} |" if w['Rate'] else f"| {w['Name']} | … |")
rss1 = (one.get("ServerPeakRssKb") or 0) / 1024
rss2 = ", ".join(f"{k / 1024:.0f}" for k in two.get("NodePeakRssKb", []))
text = "\n".join(rows) + f"\n\nPeak RSS over the measured workloads: one node {rss1:.0f} MiB; two nodes {rss2} MiB each. " \
       f"Published runtimeconfig System.GC.Server = {gc}. {appeals} appeals, PostgreSQL fsync on.\n"
open(out, "w").write(text)
print(text)
PY
echo "== $out"
