#!/usr/bin/env bash
# Runs every test of Otklik on SQLite and on PostgreSQL, on a fresh Debian machine of the project's kind.
# Installs what the tests need, starts a throwaway PostgreSQL on a free port, stops it at the end,
# and ends with one line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

# 1. Debian packages (PostgreSQL server, Chromium for the browser tests). apt is skipped when all is there.
need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium fonts-dejavu-core)
[ -f /usr/lib/chromium/locales/ru.pak ] || need+=(chromium-l10n)   # date and file fields in Russian, as people see them
[ -x /usr/sbin/nginx ] || need+=(nginx-light)   # two app nodes behind Debian's nginx with the shipped site (TwoNodesBehindNginxTests)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. A throwaway PostgreSQL cluster on a free port (fsync off: these are tests, not durability checks).
PGBIN=/usr/lib/postgresql/15/bin
PGPORT=${OTKLIK_TEST_PGPORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')}
PGDATA=$(mktemp -d /tmp/otklik-pg.XXXXXX)
chown postgres:postgres "$PGDATA"
stop_pg() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
trap stop_pg EXIT
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
  -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" start >/dev/null
export OTKLIK_TEST_PG="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres;Pooling=true"
echo "== PostgreSQL on port $PGPORT"

# 2b. A local SMTP server (npm smtp-server, tests/smtp-sink): every message lands as an .eml file that the tests read back.
[ -x /usr/bin/node ] || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
[ -d tests/smtp-sink/node_modules ] || (cd tests/smtp-sink && npm ci --no-audit --no-fund --silent)
SMTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
MAIL_DIR=$(mktemp -d /tmp/otklik-mail.XXXXXX)
SMTP_PORT=$SMTP_PORT MAIL_DIR=$MAIL_DIR node tests/smtp-sink/sink.js >"$MAIL_DIR.log" 2>&1 &
SMTP_PID=$!
stop_all() {
  kill "$SMTP_PID" 2>/dev/null || true
  rm -rf "$MAIL_DIR" "$MAIL_DIR.log"
  stop_pg
}
trap stop_all EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && break; sleep 0.1; done
export OTKLIK_TEST_SMTP_PORT=$SMTP_PORT OTKLIK_TEST_MAIL_DIR=$MAIL_DIR
echo "== SMTP sink on port $SMTP_PORT"

# 2c. A real mail server for the mail intake tests: postfix (SMTP) delivering over LMTP to dovecot (IMAP), on free ports.
if ! command -v dovecot >/dev/null || ! command -v postfix >/dev/null || [ ! -x /usr/lib/dovecot/lmtp ]; then
  echo "== installing: postfix dovecot-imapd dovecot-lmtpd"
  printf 'postfix postfix/main_mailer_type select Local only\npostfix postfix/mailname string localhost\n' | debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postfix dovecot-imapd dovecot-lmtpd >/dev/null
fi
eval "$(tests/mail-server/start.sh)"
stop_all() {
  kill "$SMTP_PID" 2>/dev/null || true
  rm -rf "$MAIL_DIR" "$MAIL_DIR.log"
  tests/mail-server/stop.sh "$OTKLIK_TEST_MTA_DIR"
  stop_pg
}
echo "== postfix on port $OTKLIK_TEST_MTA_SMTP_PORT, dovecot IMAP on port $OTKLIK_TEST_IMAP_PORT"

# 3. Build, check that neither engine's migrations lag behind the model, run the tests.
dotnet tool restore >/dev/null
dotnet build Otklik.slnx -c Release -nologo -v q
for ctx in SqliteAppDbContext PostgresAppDbContext; do
  if ! dotnet ef migrations has-pending-model-changes -p src/Otklik --context "$ctx" --no-build --configuration Release >/dev/null 2>&1; then
    echo "FAIL: the model has changes without a migration for $ctx (scripts/add-migration.sh NAME)"
    echo "0 passed, 1 failed"
    exit 1
  fi
done

results=$(mktemp -d /tmp/otklik-results.XXXXXX)
# Hundreds of test hosts start in one run; each would watch its appsettings files through inotify, and the user's
# limit of inotify instances (128 by default) is soon spent — hosts then fail to start. Tests never edit configuration
# files while running, so the hosts read them once and watch nothing.
export DOTNET_hostBuilder__reloadConfigOnChange=false
export DOTNET_USE_POLLING_FILE_WATCHER=true
export OTKLIK_TEST_SLOW_STOPS="$results/slow-stops.txt"
set +e
dotnet test Otklik.slnx -c Release --no-build --logger "trx" --results-directory "$results" "$@"
status=$?
set -e

counts=$(for f in "$results"/*.trx; do
  sed -n 's/.*<Counters total="\([0-9]*\)" executed="[0-9]*" passed="\([0-9]*\)" failed="\([0-9]*\)".*/\2 \3/p' "$f"
done | awk '{p+=$1; f+=$2} END {print p+0" "f+0}')
passed=${counts% *}; failed=${counts#* }
# The slowest tests, so that a run growing past its budget says where the time went.
if command -v python3 >/dev/null; then
  python3 - "$results" <<'EOF' || true
import glob, re, sys
rows = []
for f in glob.glob(sys.argv[1] + "/*.trx"):
    for m in re.finditer(r'<UnitTestResult [^>]*?testName="([^"]*)"[^>]*?duration="(\d+):(\d+):([\d.]+)"', open(f, encoding="utf-8").read()):
        rows.append((int(m.group(2)) * 3600 + int(m.group(3)) * 60 + float(m.group(4)), m.group(1)))
print("== slowest tests")
for sec, name in sorted(rows, reverse=True)[:15]:
    print(f"{sec:8.1f} s  {name}")
EOF
fi
if [ -s "$OTKLIK_TEST_SLOW_STOPS" ]; then
  echo "== app stops slower than 3 s: $(wc -l <"$OTKLIK_TEST_SLOW_STOPS") (the slowest 10)"
  sort -rn "$OTKLIK_TEST_SLOW_STOPS" | head -10 | cut -c1-220
fi
[ -n "${OTKLIK_TEST_RESULTS:-}" ] && mkdir -p "$OTKLIK_TEST_RESULTS" && cp "$results"/*.trx "$results"/slow-stops.txt "$OTKLIK_TEST_RESULTS"/ 2>/dev/null || true
rm -rf "$results"
echo "== $(( $(date +%s) - started )) s"
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "FAIL: no test ran"; fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
