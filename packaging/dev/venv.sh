#!/usr/bin/env bash
# Makes .venv with Python >= 3.11 and installs the project into it with the extras named as
# arguments (`bash packaging/dev/venv.sh dev`), again only when pyproject.toml changed or an
# extra is missing: an install with more extras serves a call that asks for fewer. Run, never
# sourced, so that it sees only its own arguments. Says on stderr what it does, and nothing
# when there is nothing to do.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv"
log="$venv/setup.log"
python="${PYTHON:-python3}"
hash="$(sha256sum "$root/pyproject.toml" | cut -c1-16)"

# The stamp .installed-HASH[-EXTRA,EXTRA] names the pyproject.toml and the extras installed.
stamp=""
for found in "$venv"/.installed-*; do
  [ -e "$found" ] && stamp="${found##*/.installed-}"
done
[ -x "$venv/bin/python" ] || stamp=""
stamp_hash="${stamp:0:16}"
stamp_extras="${stamp:17}"

missing=()
for extra in "$@"; do
  [[ ",$stamp_extras," == *",$extra,"* ]] || missing+=("$extra")
done
[ "$stamp_hash" = "$hash" ] && [ ${#missing[@]} -eq 0 ] && exit 0

if [ ! -x "$venv/bin/python" ]; then
  echo "Setting up Draft Studio in .venv (first run, about a minute)…" >&2
elif [ -z "$stamp" ]; then
  echo "Finishing Draft Studio's set-up in .venv (about a minute)…" >&2
elif [ "$stamp_hash" != "$hash" ]; then
  echo "Updating .venv to the changed pyproject.toml (about a minute)…" >&2
else
  echo "Adding the ${missing[*]} extra to .venv (about half a minute)…" >&2
fi

if [ ! -x "$venv/bin/python" ]; then
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || {
    echo "Draft Studio needs Python 3.11 or newer, and $python is not; set PYTHON to one." >&2
    exit 1
  }
  made_here=""
  [ -e "$venv" ] || made_here=1
  if ! output="$("$python" -m venv "$venv" 2>&1)"; then
    [ -n "$made_here" ] && rm -rf "$venv"
    reason="$(tail -n 1 <<<"$output")"
    [[ "$output" == *ensurepip* ]] && reason="it lacks ensurepip, which python3-venv provides"
    echo "Could not make .venv with $python: $reason." >&2
    exit 1
  fi
fi

# What was installed stays: a plain run after a pyproject.toml change keeps the dev tools.
extras="$(printf '%s\n' "$@" ${stamp_extras//,/ } | awk 'NF' | sort -u | paste -sd, -)"
if ! PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install -q \
  -e "$root${extras:+[$extras]}" >"$log" 2>&1; then
  reason="$(sed -n 's/^ *ERROR: //p' "$log" | tail -n 1)"
  echo "Could not install Draft Studio's Python packages into .venv (${reason:-pip failed});" \
    "pip's whole output is in .venv/setup.log, and the next run tries again." >&2
  exit 1
fi
rm -f "$venv"/.installed-*
touch "$venv/.installed-$hash${extras:+-$extras}"
echo "Draft Studio is set up in .venv (${SECONDS} s)." >&2
