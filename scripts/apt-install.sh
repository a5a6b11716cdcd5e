#!/usr/bin/env bash
# `scripts/apt-install.sh <package> <what needs it>`: installs one of Debian's
# packages for the tests that need it, as root or through sudo, and says how
# to install it by hand when neither is possible. The ensure-*.sh scripts call
# it once they have found the package missing.
set -euo pipefail
package="$1"
echo "Installing Debian's $package for $2…"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "$package is missing and installing it needs root: run 'apt-get install $package' as root." >&2
  exit 1
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$package" >/dev/null
