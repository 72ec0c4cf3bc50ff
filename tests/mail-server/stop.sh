#!/usr/bin/env bash
# Stops what tests/mail-server/start.sh started in DIR and removes DIR.
M=${1:?the folder start.sh printed}
postfix stop >/dev/null 2>&1 || true
[ -f "$M/run/master.pid" ] && kill "$(cat "$M/run/master.pid")" 2>/dev/null || true
rm -rf "$M"
