#!/usr/bin/env bash
# Checks the nginx site with the machine's nginx (`nginx -t`) without installing it: the site, its includes and a
# throwaway self-signed certificate in a temporary prefix. Needs nginx and openssl (apt-get install nginx-light).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/otklik-nginx.XXXXXX); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/ssl" "$tmp/logs"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=otklik.example.ru \
  -keyout "$tmp/ssl/privkey.pem" -out "$tmp/ssl/fullchain.pem" 2>/dev/null
for f in otklik.conf otklik-proxy.conf otklik-upstream.conf; do
  sed -e "s#/etc/nginx/otklik-#$tmp/otklik-#g" -e "s#/etc/ssl/otklik#$tmp/ssl#g" "$here/$f" > "$tmp/$f"
done
cat > "$tmp/nginx.conf" <<EOT
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events {}
http {
  include /etc/nginx/mime.types;
  access_log $tmp/logs/access.log;
  include $tmp/otklik.conf;
}
EOT
nginx -t -p "$tmp" -c "$tmp/nginx.conf"
