#!/usr/bin/env bash
# The PRD's user journey, end to end, against a running service: scripts/demo.sh [BASE_URL]
# (default http://localhost:3000). Prints every request and response; exits 1 at the first deviation from CONTRACT.md.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project tools/Demo -c Release -- "${1:-http://localhost:3000}"
