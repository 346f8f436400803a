#!/usr/bin/env bash
# Installs the PostgreSQL server binaries that the store/pgstore tests start
# a throwaway cluster with (initdb, pg_ctl, postgres under
# /usr/lib/postgresql/<major>/bin). The tests never skip: without a server
# they fail, so CI installs it first.
#
# apt is touched only when initdb is missing, so reruns are fast and need no
# network. Debian's package may also create and start a "main" cluster; the
# tests do not use it.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1; then
	echo "postgres: initdb present"
	exit 0
fi

echo "postgres: installing postgresql"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
	sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends postgresql
