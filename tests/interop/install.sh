#!/usr/bin/env bash
# Install the SDKs the interop scripts call: PyPI packages from requirements.txt into the
# interpreter that runs verify.py/sign.py, npm packages from node/package-lock.json into
# node/node_modules. Idempotent (npm ci only when the lockfile changed; FORCE=1 to redo it).
# Safe as root in CI. PYTHON picks the interpreter (default python3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python3}"
say() { printf 'interop/install.sh: %s\n' "$*"; }

# --- Python
command -v "$PYTHON" >/dev/null || { say "no $PYTHON on PATH"; exit 1; }
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
[ "$(id -u)" = 0 ] && export PIP_ROOT_USER_ACTION=ignore
if "$PYTHON" -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))'; then
  say "$PYTHON is an externally managed (distro) interpreter: installing with --break-system-packages"
  export PIP_BREAK_SYSTEM_PACKAGES=1
fi
say "+ $PYTHON -m pip install -q -r requirements.txt"
"$PYTHON" -m pip install -q -r "$here/requirements.txt"

# --- Node
command -v node >/dev/null && command -v npm >/dev/null || { say "node and npm are required (Node >= 20)"; exit 1; }
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || { say "Node $(node --version) is too old: the SDKs need Node >= 20"; exit 1; }
stamp="$here/node/node_modules/.interop-lock.sha256"
want="$(sha256sum "$here/node/package-lock.json" | cut -d' ' -f1)"
if [ "${FORCE:-0}" != 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  say "node/node_modules already matches package-lock.json (FORCE=1 to reinstall)"
else
  say "+ (cd node && npm ci --no-audit --no-fund)"
  (cd "$here/node" && npm ci --no-audit --no-fund)
  echo "$want" > "$stamp"
fi

# --- What is there now
say "installed:"
"$PYTHON" -m pip list --format=freeze 2>/dev/null \
  | grep -iE '^(stripe|slack[-_]sdk|standardwebhooks|svix|twilio|squareup|paddle[-_]python[-_]sdk|pynacl)==' \
  | sed 's/^/  pypi /'
(cd "$here/node" && node -e '
  const deps = Object.keys(require("./package.json").dependencies);
  for (const d of deps) console.log(`  npm  ${d}@${require(`./node_modules/${d}/package.json`).version}`);')
