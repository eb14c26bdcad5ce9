#!/usr/bin/env bash
# Debian's Chromium for the browser test of the trainer's app (tests/viz/test_browser.py, marker
# `browser`). Playwright drives this system browser; no browser is ever downloaded by Playwright.
# Idempotent: does nothing when chromium is already installed. Uses apt-get as root, or through
# sudo; where neither is possible it says so and leaves the test to skip (or, under CI=true, fail).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: no apt-get here; install Chromium by hand for the browser test" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install-browser: not root and no sudo; run this script as root for the browser test" >&2
        exit 0
    fi
    SUDO="sudo"
fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
chromium --version
