#!/usr/bin/env bash
# Install what the browser tests need, when it is missing and we can:
#   - Debian's chromium (driven by the Python playwright package; never `playwright install`),
#   - a Java runtime for the Nu HTML checker, and CJK fonts so pages render as readers see them,
#   - the npm packages axe-core and vnu-jar (package-lock.json) in node_modules.
# apt-get needs root. Without root, or when an install fails, this says what is missing and
# exits 0: the browser tests then skip with that reason locally and fail under CI=true.
set -uo pipefail
cd "$(dirname "$0")/../.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure_browser: installing ${missing[*]}"
    apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
      || echo "ensure_browser: apt-get could not install ${missing[*]}" >&2
  else
    echo "ensure_browser: missing ${missing[*]}; as root run: apt-get install -y ${missing[*]}" >&2
  fi
fi

if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  if command -v npm >/dev/null 2>&1; then
    # --ignore-scripts: vnu-jar's postinstall would download a Java runtime; we use the system's.
    npm ci --no-audit --no-fund --ignore-scripts \
      || echo "ensure_browser: npm ci failed; run it by hand" >&2
  else
    echo "ensure_browser: npm is missing, so axe-core and vnu-jar are not installed" >&2
  fi
fi
exit 0
