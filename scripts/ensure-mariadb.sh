#!/usr/bin/env bash
# The MariaDB integration test replicates three of Debian's mariadbd servers
# (the product never needs MariaDB). Installs them when missing; the package's
# own service is not used (the test starts servers on their own ports and folders).
set -euo pipefail
if [ -x /usr/sbin/mariadbd ] && [ -x /usr/bin/mariadb-install-db ] && [ -x /usr/bin/mariadb-dump ]; then exit 0; fi
"$(dirname "$0")/apt-install.sh" mariadb-server "the integration tests"
"$(dirname "$0")/apt-install.sh" mariadb-client "the integration tests"
