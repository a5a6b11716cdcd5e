#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser downloads
# are unreachable from this project's machines). Installs it when missing.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then exit 0; fi
"$(dirname "$0")/apt-install.sh" chromium "the browser tests"
