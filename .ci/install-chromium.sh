#!/usr/bin/env bash
# Installs Debian's chromium, in which the hostapi tests drive the dashboard
# headless (chromedp). CI runs them with DRIFTLESS_REQUIRE_TOOLS=1, so a
# missing browser fails the run instead of skipping the test.
#
# apt is touched only when chromium is missing, so reruns are fast and need
# no network.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 || [[ -x /usr/bin/chromium ]]; then
	echo "chromium: present"
	exit 0
fi

echo "chromium: installing"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
	sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends chromium
