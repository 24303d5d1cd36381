#!/usr/bin/env bash
# Put dist/Otokui.app (built by `pyinstaller build.spec` on macOS) into a compressed DMG
# with a link to /Applications, the usual drag-to-install window.
#
#   bash release/macos/make-dmg.sh 0.1.0      # -> dist/Otokui-0.1.0.dmg
#
# Signing and notarisation (once the project has an Apple Developer ID) go between the
# build and this script:
#   codesign --deep --force --options runtime --sign "Developer ID Application: ..." dist/Otokui.app
# and after it:
#   xcrun notarytool submit dist/Otokui-VERSION.dmg --wait ... && xcrun stapler staple dist/Otokui-VERSION.dmg
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION="${1:?usage: make-dmg.sh VERSION}"
APP=dist/Otokui.app
test -x "$APP/Contents/MacOS/otokui" || { echo "make-dmg: $APP is missing; build it first" >&2; exit 1; }

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG="dist/Otokui-$VERSION.dmg"
rm -f "$DMG"
# UDZO: zlib-compressed, readable by every macOS the app supports.
hdiutil create -volname "Otokui $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO \
    -imagekey zlib-level=9 -ov "$DMG"
echo "$DMG"
