#!/bin/bash
# Base image hardening for Ubuntu 24.04: run as root on the image builder.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# 1. SSH: keys only, no root login, no password or keyboard-interactive login.
install -d -m 0755 /etc/ssh/sshd_config.d
cat > /etc/ssh/sshd_config.d/10-immutable-hardening.conf <<'CONF'
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
PermitEmptyPasswords no
X11Forwarding no
MaxAuthTries 3
CONF
chmod 0644 /etc/ssh/sshd_config.d/10-immutable-hardening.conf
sshd -t

# 2. No unattended upgrades: an immutable host changes only by a new image.
systemctl disable --now unattended-upgrades.service apt-daily.timer apt-daily-upgrade.timer \
  2>/dev/null || true
cat > /etc/apt/apt.conf.d/20auto-upgrades <<'CONF'
APT::Periodic::Update-Package-Lists "0";
APT::Periodic::Unattended-Upgrade "0";
CONF
apt-get remove -y --purge unattended-upgrades || true

# 3. Firewall: deny incoming by default. SSH stays allowed so that layered images can be
#    provisioned; fleets get no key pair and no port 22 in their security group.
apt-get update -q
apt-get install -y -q ufw
ufw --force reset
ufw default deny incoming
ufw default allow outgoing
ufw allow 22/tcp comment 'image builder provisioning'
ufw --force enable

# 4. Patch once, at bake time, and leave no caches behind.
apt-get upgrade -y -q
apt-get autoremove -y -q
apt-get clean
rm -rf /var/lib/apt/lists/*
