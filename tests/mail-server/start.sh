#!/usr/bin/env bash
# Starts a throwaway postfix (SMTP) + dovecot (IMAP, LMTP) on free ports under a temporary folder, for the mail intake
# tests (docs/decisions/0020). Any user of the domain example.test signs in to IMAP with the password "secret", so each
# test uses mailboxes of its own. Prints the shell exports; stop with tests/mail-server/stop.sh DIR.
# Usage: eval "$(tests/mail-server/start.sh)"
set -euo pipefail
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
M=$(mktemp -d /tmp/otklik-mta.XXXXXX)
chmod 755 "$M"
IMAP_PORT=$(free_port); LMTP_PORT=$(free_port); SMTP_PORT=$(free_port)
mkdir -p "$M/run" "$M/state" "$M/vmail"
chown mail:mail "$M/vmail"
cat > "$M/dovecot.conf" <<CONF
protocols = imap lmtp
listen = 127.0.0.1
base_dir = $M/run
state_dir = $M/state
log_path = $M/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 8
mail_location = maildir:$M/vmail/%u
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$M/vmail/%u allow_all_users=yes
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}
service imap {
  process_limit = 200
}
CONF
dovecot -c "$M/dovecot.conf" </dev/null >/dev/null 2>&1

# postfix: the toolchain's recipe (docs toolchain.md, section 6) on free ports. Postfix has one configuration per
# machine (an alternate directory needs the default one to list it), so one test run at a time uses it.
postconf -e 'inet_interfaces = loopback-only' 'inet_protocols = ipv4' 'mydestination = localhost' \
  'myhostname = mail.example.test' 'virtual_mailbox_domains = example.test' \
  "virtual_transport = lmtp:inet:127.0.0.1:$LMTP_PORT" 'mynetworks = 127.0.0.0/8' 'maillog_file = /var/log/postfix.log' \
  'smtputf8_enable = yes' 'default_transport = error:outbound disabled' 'relay_transport = error:outbound disabled' \
  'message_size_limit = 104857600'
# The SMTP listener of the previous run (another port) is replaced by this run's.
for svc in $(postconf -M | awk '$2=="inet" && $1 ~ /^[0-9]+$/ {print $1}'); do postconf -MX "$svc/inet"; done
postconf -M "$SMTP_PORT/inet=$SMTP_PORT inet n - n - - smtpd"
postconf -F '*/*/chroot = n'
[ -f /etc/aliases.db ] || newaliases
postfix stop >/dev/null 2>&1 || true
postfix start </dev/null >/dev/null 2>&1
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$IMAP_PORT") 2>/dev/null && break; sleep 0.1; done
echo "export OTKLIK_TEST_MTA_DIR=$M OTKLIK_TEST_IMAP_PORT=$IMAP_PORT OTKLIK_TEST_MTA_SMTP_PORT=$SMTP_PORT"
