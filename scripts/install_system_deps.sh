#!/usr/bin/env bash
# Installs the Debian packages the project needs, only when they are missing.
#   font     - fonts-wqy-microhei: a CJK font for the word cloud and screenshots
#   chromium - chromium: the headless browser the browser test drives
set -euo pipefail
want="${1:-font}"

apt_install() {
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null; then sudo="sudo"; else
            echo "need root to install $*: run 'apt-get install $*' as root" >&2; return 1; fi
    fi
    if [ -z "$(find /var/lib/apt/lists -name '*Packages*' -print -quit 2>/dev/null)" ]; then
        $sudo apt-get update -qq
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
        || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

case "$want" in
    font)
        [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || apt_install fonts-wqy-microhei ;;
    chromium)
        command -v chromium >/dev/null || apt_install chromium ;;
    *) echo "unknown dependency: $want" >&2; exit 2 ;;
esac
