#!/usr/bin/env bash
# Retakes the README screenshots under Xvfb (a real X server, the xcb platform plugin).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/packaging/dev/system-packages.sh"
bash "$root/packaging/dev/venv.sh"
display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
sleep 1
# A throwaway keyring in a private D-Bus session: the app as a desktop user has it, and the
# developer's own keyring untouched.
keyring_home="$(mktemp -d)"
trap 'kill $xvfb; rm -rf "$keyring_home"' EXIT
DISPLAY="$display" QT_QPA_PLATFORM=xcb XDG_DATA_HOME="$keyring_home" dbus-run-session -- sh -c '
  echo -n "draft-studio-shots" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$1/.venv/bin/python" "$1/packaging/dev/screenshots.py"
' sh "$root"
echo "Wrote first-window, main-window, grid-16x9, compare, export, shortcuts, refine-panel, family, refined-vs-parent, batch-job, batch-job-grouped, compare-swipe, survey, tournament and tournament-done.png in $root/resources/screenshots"
