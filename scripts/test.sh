#!/usr/bin/env bash
# Everything the tests need on a fresh machine, then the tests. Used by the README and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "warning: could not install chromium; browser tests will be skipped"
fi
if ! command -v tesseract >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr >/dev/null) \
    || echo "warning: could not install tesseract-ocr; OCR tests will be skipped"
fi
python3 -m pip install -q -e '.[test]'
python3 -m pytest -q "$@"
