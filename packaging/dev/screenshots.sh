#!/usr/bin/env bash
# Retakes the README screenshots under Xvfb (a real X server, the xcb platform plugin).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/packaging/dev/system-packages.sh"
source "$root/packaging/dev/venv.sh"
display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb' EXIT
sleep 1
DISPLAY="$display" QT_QPA_PLATFORM=xcb "$root/.venv/bin/python" "$root/packaging/dev/screenshots.py"
echo "Wrote main-window, compare, export, shortcuts, refine-panel, family and refined-vs-parent.png in $root/resources/screenshots"
