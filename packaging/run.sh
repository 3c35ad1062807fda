#!/usr/bin/env bash
# Sets up everything on first use (saying so on stderr), then runs Draft Studio with the given
# arguments: none starts the app, a command (`generate …`) the command line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/dev/system-packages.sh"
bash "$here/dev/venv.sh"
exec "$here/../.venv/bin/draft-studio" "$@"
