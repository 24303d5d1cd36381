#!/usr/bin/env bash
# Install the .deb, run the installed program's self-test, remove it and check that
# nothing is left behind. Run as root on a disposable machine (CI, a container):
#
#   bash release/check-deb.sh dist/otokui_0.1.0_amd64.deb
#
# apt-get installs the package's Depends if they are missing.
set -euo pipefail
deb="$(realpath "$1")"
export DEBIAN_FRONTEND=noninteractive
if dpkg-query -W -f='${Status}' otokui 2>/dev/null | grep -q "install ok installed"; then
    echo "check-deb: otokui is already installed here; refusing to touch it" >&2
    exit 1
fi
apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
trap 'dpkg --purge otokui >/dev/null 2>&1 || true' EXIT

test -x /opt/otokui/otokui
test "$(readlink /usr/bin/otokui)" = /opt/otokui/otokui
test -s /usr/share/applications/otokui.desktop
test -s /usr/share/icons/hicolor/256x256/apps/otokui.png
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate /usr/share/applications/otokui.desktop
fi

# From the installed location, through the command on PATH, in a throwaway home.
home="$(mktemp -d)"
out="$(cd "$home" && HOME="$home" QT_QPA_PLATFORM=offscreen \
       PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring otokui self-test)"
echo "$out"
test "$(echo "$out" | tail -n 1)" = "self-test passed"
rm -rf "$home"

dpkg --purge otokui >/dev/null
trap - EXIT
for path in /opt/otokui /usr/bin/otokui /usr/share/applications/otokui.desktop \
            /usr/share/icons/hicolor/256x256/apps/otokui.png; do
    if [ -e "$path" ] || [ -L "$path" ]; then
        echo "check-deb: $path is still there after removal" >&2
        exit 1
    fi
done
echo "check-deb: installed, self-tested and removed cleanly"
