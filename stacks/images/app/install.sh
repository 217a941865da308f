#!/bin/bash
# Install the example web app (uploaded to /tmp/immutable-app) as a systemd service.
# APP_VERSION comes from the provisioner's environment.
set -euo pipefail
: "${APP_VERSION:?APP_VERSION must be set}"

id -u app >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin app
install -d -o root -g root -m 0755 /opt/app
install -o root -g root -m 0644 /tmp/immutable-app/files/app.py /opt/app/app.py
printf '%s\n' "$APP_VERSION" > /opt/app/VERSION
install -o root -g root -m 0644 /tmp/immutable-app/files/immutable-app.service \
  /etc/systemd/system/immutable-app.service
rm -rf /tmp/immutable-app

systemctl daemon-reload
systemctl enable immutable-app.service
# Smoke test: the service starts and answers on its health endpoint.
systemctl start immutable-app.service
for _ in $(seq 1 20); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"; then
    break
  fi
  sleep 1
done
python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"
systemctl stop immutable-app.service

ufw allow 8080/tcp comment 'immutable-app'
