#!/usr/bin/env bash
# Sets up everything on first use, then runs Draft Studio with the given arguments.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/dev/system-packages.sh"
source "$here/dev/venv.sh"
exec "$here/../.venv/bin/draft-studio" "$@"
