#!/usr/bin/env bash
# Issue 18's figures: the doors measured beside the portal's intake, in one run on PostgreSQL (fsync on) and on SQLite.
# Writes (replaces) the section "## The doors (issue 18)" of docs/performance.md.
#
#   bench/doors.sh [LETTERS]        (default 10000)
#
# Starts its own PostgreSQL 15 on a free port and postfix + dovecot (tests/mail-server/start.sh; stopped at the end),
# publishes the app (Release), then for each engine `Otklik.Load doors` (bench/Otklik.Load/Doors.cs):
#   1. a fresh database with the bench region and APPEALS appeals; LETTERS letters put into one IMAP mailbox (IMAP
#      APPEND, 100 a command) before the app starts; the published app (Production, workers on, polling the mailbox
#      every POLL_SECONDS) takes them in: letters/s from the first letter taken until the last, with a progress line;
#   2. LATENCY_LETTERS letters through postfix (SMTP) one every PACE_MS: each letter's time to its appeal in moderation;
#   3. Telegram: whole conversations through the webhook at concurrency 8 and 32, the Bot API served by the harness;
#   4. the portal's POST /api/v1/appeals at concurrency 1, 8 and 32: the baseline each door is divided by.
# Environment: ENGINES ("postgres sqlite"), APPEALS (2000), DURATION (20 s a load step), WARMUP (3 s), POLL_SECONDS (5),
# LATENCY_LETTERS (50), PACE_MS (2000), NOTE (a line under the section's heading), BIN (a folder with an already built
# Otklik.Load; APP an already published app's Otklik.dll).
set -euo pipefail
cd "$(dirname "$0")/.."
letters=${1:-10000}
engines=${ENGINES:-postgres sqlite}
[ -x /usr/lib/postgresql/15/bin/initdb ] || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
command -v dovecot >/dev/null && command -v postfix >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd dovecot-lmtpd postfix >/dev/null; }
PGBIN=/usr/lib/postgresql/15/bin
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PGPORT=$(free_port)
work=$(mktemp -d /tmp/otklik-doors.XXXXXX); chmod 755 "$work"
PGDATA="$work/pg"; mkdir -p "$PGDATA"; chown postgres:postgres "$PGDATA"
mta=""
cleanup() {
  [ -n "$mta" ] && bash tests/mail-server/stop.sh "$mta" || true
  runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
runuser -u postgres -- $PGBIN/initdb -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
  -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA -c fsync=on -c synchronous_commit=on -c max_connections=200 -c shared_buffers=256MB" start >/dev/null
echo "== PostgreSQL $($PGBIN/postgres --version | awk '{print $3}') on port $PGPORT (fsync on)"
eval "$(bash tests/mail-server/start.sh)"
mta=$OTKLIK_TEST_MTA_DIR
echo "== postfix (SMTP $OTKLIK_TEST_MTA_SMTP_PORT) + dovecot (IMAP $OTKLIK_TEST_IMAP_PORT) in $mta"

if [ -n "${APP:-}" ]; then app=$APP; else
  echo "== publishing the app (Release)"
  dotnet publish src/Otklik -c Release -o "$work/app" -nologo -v q >/dev/null
  app="$work/app/Otklik.dll"
fi
bin=${BIN:-bench/Otklik.Load/bin/Release/net10.0}
[ -n "${BIN:-}" ] || dotnet build bench/Otklik.Load -c Release -nologo -v q >/dev/null
load="dotnet $bin/Otklik.Load.dll"

rows="$work/rows.md"; latency="$work/latency.md"; : > "$rows"; : > "$latency"
for engine in $engines; do
  if [ "$engine" = postgres ]; then cs="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=otklik_doors;Maximum Pool Size=100;Timeout=60"
  else cs="Data Source=$work/otklik-doors.db"; fi
  $load doors --engine "$engine" --connection "$cs" --app "$app" --letters "$letters" --appeals "${APPEALS:-2000}" \
    --imap-port "$OTKLIK_TEST_IMAP_PORT" --smtp-port "$OTKLIK_TEST_MTA_SMTP_PORT" --poll-seconds "${POLL_SECONDS:-5}" \
    --latency-letters "${LATENCY_LETTERS:-50}" --pace-ms "${PACE_MS:-2000}" --duration "${DURATION:-20}" --warmup "${WARMUP:-3}" \
    --rows "$rows" --latency-rows "$latency"
done

load_avg=$(cut -d' ' -f1-3 /proc/loadavg)
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, .NET $(dotnet --version), PostgreSQL $($PGBIN/postgres --version | awk '{print $3}') (fsync on), SQLite (bundled), $(dovecot --version | awk '{print "dovecot " $1}'), postfix $(postconf -h mail_version)"
section=$(cat <<MD
## The doors (issue 18)
${NOTE:+
$NOTE
}
Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $machine; load average at the end: $load_avg (other work on the same machine
makes these a floor) — by \`bench/doors.sh $letters\` (\`Otklik.Load doors\`, bench/Otklik.Load/Doors.cs). One published
app (Release, Production settings, the background workers on as a production node runs them) per engine, on a fresh
database with the bench region and ${APPEALS:-2000} appeals; each door measured in turn with the app otherwise idle (the
outbox — receipts to the applicants, written as .eml files, and the bot's messages — drained between the steps). The
baseline is the portal's own intake, \`POST /api/v1/appeals\` (the \`intake\` workload of \`bench/run.sh\`), measured in
the same run against the same app; the last column is the door's appeals/s over the portal's at the same concurrency
(the mailbox is read by one reader, one letter after another: it is set beside the portal at concurrency 1).

- **E-mail**: $letters letters (realistic appeal texts, "Имя Фамилия" senders each of their own address and Message-ID, one
  in four HTML with a text part, one in three with a JPEG of 8–40 KB or a one-page PDF) put into one dovecot mailbox by
  IMAP APPEND (100 letters a command) before the app starts; the app's own poller reads them (\`MailboxReader\`). The rate
  runs from the first letter taken (its \`TakenAtUtc\`) until the harness, looking every 250 ms, sees the last one taken;
  then every letter must be exactly one appeal of the e-mail channel, in moderation, with its file — else the run fails.
- **Telegram**: a conversation is 6 updates (/start, the phone shared by the button, a topic's button, the text, the
  location, «Отправить») in a new chat, posted to \`/api/v1/telegram/webhook\` with the secret header; the bot's replies
  go to a Bot API served by the harness. Rate = conversations finished in the measured window (after a warm-up); each
  must leave exactly one Telegram appeal, and no refusal.
- The table's rates come from durations of ${DURATION:-20} s after ${WARMUP:-3} s of warm-up.

| engine | door | concurrency | rate | portal intake, same run, same concurrency | door ÷ portal |
|---|---|---|---|---|---|
$(cat "$rows")

**From a letter's arrival to its appeal in moderation.** Letters sent through postfix (SMTP → LMTP → dovecot) one at a
time at a steady pace while the app is idle; the delay runs from postfix's "250 queued" to the harness's first look
(every 100 ms) that finds the appeal in moderation. The app reads mailboxes by polling
(\`Otklik:MailIntake:PollSeconds\`, here ${POLL_SECONDS:-5} s, the least it allows; the default is 60 s) — it does not
use IMAP IDLE (ADR 0020) — so the delay is bounded by the poll interval plus one letter's intake: with the default of
60 s expect up to a minute.

| engine | letters | poll interval | p50 | p95 | max | min |
|---|---|---|---|---|---|---|
$(cat "$latency")
MD
)
if grep -q '^## The doors (issue 18)' docs/performance.md; then
  python3 - "$section" <<'PY'
import re, sys
p = 'docs/performance.md'; s = open(p).read()
s = re.sub(r'## The doors \(issue 18\).*?(?=\n## |\Z)', lambda m: sys.argv[1].rstrip() + '\n', s, flags=re.S)
open(p, 'w').write(s)
PY
else
  printf '\n%s\n' "$section" >> docs/performance.md
fi
echo "== written to docs/performance.md (## The doors (issue 18))"
