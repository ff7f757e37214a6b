#!/usr/bin/env bash
# Debian packages for the tests and previews: chromium (Playwright drives it; it never
# downloads a browser), antiword (.doc text), poppler-utils (pdftotext), nodejs (search
# index tests), npm (installs axe-core). PostgreSQL comes from scripts/start-postgres.sh.
#   install-system.sh            everything `make test` needs
#   install-system.sh previews   only what document previews use (`make serve`); without root or sudo
#                                it says so and goes on: pure-Python readers stand in for both tools
set -euo pipefail
missing=()
if [ "${1:-}" != previews ]; then
  command -v chromium >/dev/null || missing+=(chromium)
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)  # axe-core for the accessibility tests
fi
command -v antiword >/dev/null || missing+=(antiword)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if [ "${1:-}" = previews ] && ! sudo -n true 2>/dev/null; then
    echo "Không cài được ${missing[*]} (cần quyền root); bản xem trước dùng trình đọc Python." \
         "(Could not install ${missing[*]} without root; previews use the Python readers.)" >&2
    exit 0
  fi
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
