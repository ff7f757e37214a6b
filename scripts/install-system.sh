#!/usr/bin/env bash
# Debian packages for the tests and previews: chromium (Playwright drives it; it never
# downloads a browser), antiword (.doc text), poppler-utils (pdftotext), nodejs (search
# index tests). PostgreSQL comes from scripts/start-postgres.sh.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v antiword >/dev/null || missing+=(antiword)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v node >/dev/null || missing+=(nodejs)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
