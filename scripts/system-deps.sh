#!/usr/bin/env bash
# Installs the Debian packages the portal and its tests need, when missing.
set -euo pipefail
need=()
command -v msgfmt >/dev/null || need+=(gettext)
command -v chromium >/dev/null || need+=(chromium)
command -v pdftotext >/dev/null || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" || need+=(fonts-wqy-microhei)
# CJK Extension B (names such as 𠀀 𪚥): the PDFs' fallback font HanaMinB.
fc-list 2>/dev/null | grep -qi "HanaMinB" || need+=(fonts-hanazono)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
# PgBouncer: tests/jianfu/test_two_nodes.py puts it (transaction mode) in front of PostgreSQL.
[ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
