#!/usr/bin/env bash
# Vendors the front-end libraries into src/Otklik/wwwroot/lib so the app works offline and CI needs no npm.
# Run it by hand when a version changes, then commit the files it writes.
set -euo pipefail

LEAFLET_VERSION=1.9.4

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "leaflet@$LEAFLET_VERSION" >/dev/null && tar -xzf "leaflet-$LEAFLET_VERSION.tgz")

dest="$root/src/Otklik/wwwroot/lib/leaflet"
rm -rf "$dest"
mkdir -p "$dest/images"
cp "$work/package/dist/leaflet.js" "$work/package/dist/leaflet.css" "$dest/"
cp "$work/package/dist/images/"* "$dest/images/"
cp "$work/package/LICENSE" "$dest/LICENSE"
cat > "$dest/README.md" <<README
Leaflet $LEAFLET_VERSION (BSD-2-Clause, see LICENSE), from npm \`leaflet@$LEAFLET_VERSION\` (dist/).
Written by scripts/vendor-frontend.sh — do not edit by hand; change the version there and run it again.
README
echo "Leaflet $LEAFLET_VERSION → $dest"

# The SignalR browser client (the bell's live notices, Features/Notifications/LiveNotices.cs).
SIGNALR_VERSION=10.0.0
(cd "$work" && npm pack --silent "@microsoft/signalr@$SIGNALR_VERSION" >/dev/null && mkdir -p signalr && tar -xzf "microsoft-signalr-$SIGNALR_VERSION.tgz" -C signalr)
dest="$root/src/Otklik/wwwroot/lib/signalr"
rm -rf "$dest"
mkdir -p "$dest"
cp "$work/signalr/package/dist/browser/signalr.min.js" "$dest/"
cat > "$dest/README.md" <<README
@microsoft/signalr $SIGNALR_VERSION (MIT, © .NET Foundation), from npm \`@microsoft/signalr@$SIGNALR_VERSION\` (dist/browser/).
Written by scripts/vendor-frontend.sh — do not edit by hand; change the version there and run it again.
README
echo "SignalR $SIGNALR_VERSION → $dest"
