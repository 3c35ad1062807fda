#!/usr/bin/env bash
# Installs the Debian packages the app and its tests need, and only the missing ones:
# a real Secret Service (gnome-keyring in a private D-Bus session), and Qt's X11 libraries.
set -euo pipefail

packages=(
  python3-venv dbus dbus-x11 gnome-keyring
  libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3
  xvfb xdotool imagemagick libimage-exiftool-perl
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0
)

command -v dpkg-query >/dev/null || { echo "Not a Debian-like system: install the equivalents of: ${packages[*]}" >&2; exit 0; }

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Please install as root: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "Installing Debian packages (a minute or two): ${missing[*]}…" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Debian packages installed (${SECONDS} s)." >&2
