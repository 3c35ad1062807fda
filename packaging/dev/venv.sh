#!/usr/bin/env bash
# Sourced by the run and test scripts: makes .venv with Python >= 3.11 and installs the
# project into it, again only when pyproject.toml changed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv"
extras="${1:-}"

python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "Draft Studio needs Python 3.11 or newer; set PYTHON to one." >&2
  exit 1
}
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"

stamp="$venv/.installed-$(sha256sum "$root/pyproject.toml" | cut -c1-16)${extras:+-$extras}"
if [ ! -e "$stamp" ]; then
  "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$venv/bin/python" -m pip install -q -e "$root${extras:+[$extras]}"
  rm -f "$venv"/.installed-*
  touch "$stamp"
fi
