#!/usr/bin/env bash
# Sets up everything on first use, then runs lint, type checks and the whole test suite
# against a real Secret Service (gnome-keyring in a private D-Bus session).
# Extra arguments go to pytest, e.g. `bash tests/run.sh -k engine`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash packaging/dev/system-packages.sh
bash packaging/dev/venv.sh dev

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

# A throwaway keyring: the tests never touch the developer's own, and never trip over a
# login keyring that was created with another password.
keyring_home="$(mktemp -d)"
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home"

export QT_QPA_PLATFORM=offscreen QT_API=pyside6 NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
dbus-run-session -- sh -c '
  echo -n "draft-studio-tests" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec .venv/bin/pytest "$@"
' pytest "$@"
