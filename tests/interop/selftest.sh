#!/usr/bin/env bash
# Self-check of the interop scripts against the real SDKs (no whisper needed):
# installs what is missing (SKIP_INSTALL=1 to skip), then runs selftest.py.
# Prints one line per check and "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ "${SKIP_INSTALL:-0}" = 1 ] || "$here/install.sh"
exec "${PYTHON:-python3}" "$here/selftest.py"
