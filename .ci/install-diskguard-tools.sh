#!/usr/bin/env bash
# Installs the real filesystem and partitioning tools that the diskguard tests
# format and damage sparse images with. Detection is only trustworthy if it is
# checked against what the real mkfs/sfdisk/wipefs write, so CI runs the tests
# with DRIFTLESS_REQUIRE_TOOLS=1 and they fail when a tool is absent. The
# loop-device tests also need root and the loop driver.
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
have dumpe2fs || missing+=(e2fsprogs)
have mkfs.xfs || missing+=(xfsprogs)
have sfdisk || missing+=(fdisk)
have wipefs || missing+=(util-linux)
# losetup is in Debian's and Ubuntu's "mount" package.
have losetup || missing+=(mount)
have dd || missing+=(coreutils)

# load_loop: the loop-device tests need /dev/loop-control; load the driver
# if it is a module that is not loaded yet. Best effort: in a container the
# host decides.
load_loop() {
	[[ -e /dev/loop-control ]] && return 0
	[[ $(id -u) -eq 0 ]] && command -v modprobe >/dev/null 2>&1 && modprobe loop && return 0
	echo "diskguard tools: warning: no /dev/loop-control; the loop-device tests will fail with DRIFTLESS_REQUIRE_TOOLS=1" >&2
}

if ((${#missing[@]} == 0)); then
	echo "diskguard tools: all present"
	load_loop
	exit 0
fi

# Sorted and de-duplicated: one package can provide several tools.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "diskguard tools: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
	sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
load_loop
