#!/usr/bin/env bash
# Installs the real filesystem and partitioning tools that the diskguard tests
# format sparse images with. Detection is only trustworthy if it is checked
# against what the real mkfs/sfdisk write, so CI runs the tests with
# DRIFTLESS_REQUIRE_TOOLS=1 and they fail when a tool is absent.
#
# apt is touched only when something is missing, so reruns are fast and need
# no network.
set -euo pipefail

# have TOOL: true if TOOL is on PATH or in the sbin directories that a
# non-root PATH often lacks (mkfs.* and sfdisk live there).
have() {
	command -v "$1" >/dev/null 2>&1 && return 0
	local dir
	for dir in /sbin /usr/sbin /usr/local/sbin; do
		[[ -x "$dir/$1" ]] && return 0
	done
	return 1
}

missing=()
have mkfs.btrfs || missing+=(btrfs-progs)
have mkfs.ext4 || missing+=(e2fsprogs)
have mkfs.xfs || missing+=(xfsprogs)
have sfdisk || missing+=(fdisk)

if ((${#missing[@]} == 0)); then
	echo "diskguard tools: all present"
	exit 0
fi

echo "diskguard tools: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
	sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
