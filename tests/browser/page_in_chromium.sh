#!/usr/bin/env bash
# Opens the page "Try it" in headless Chromium with one of its checks and
# judges what the check wrote into the page (try_it_checks.js):
#   page_in_chromium.sh selftest PAGE.html   passes when "selftest: A of N agree" has A = N ≥ 100;
#   page_in_chromium.sh drawtest PAGE.html   passes when the drawn "1" reads as 1 and the "0" as 0.
# Exits 77, which CTest reports as skipped, when no Chromium is installed.
set -uo pipefail
check=$1 page=$2
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "no Chromium installed (bash setup.sh installs it): skipped"
  exit 77
fi
if [ ! -f "$page" ]; then
  echo "FAIL: $page does not exist; build the book first (cmake --build build)"
  exit 1
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
dom=$(timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --no-first-run --disable-sync --user-data-dir="$profile" \
        --virtual-time-budget=20000 --window-size=1200,1600 --dump-dom "file://$page?$check" 2>/dev/null)
# What the page wrote, and its status line, for the test's log.
lines=$(grep -o "<p>[^<]*</p>" <<<"$dom" | sed 's/<[^>]*>//g' | grep -E '^(selftest|drawtest|image)' || true)
echo "$lines"
grep -o 'id="try-it-status"[^>]*>[^<]*' <<<"$dom" | sed 's/.*>/status: /'

case $check in
  selftest)
    if [[ $lines =~ selftest:\ ([0-9]+)\ of\ ([0-9]+)\ agree ]]; then
      agree=${BASH_REMATCH[1]} total=${BASH_REMATCH[2]}
      if [ "$agree" -eq "$total" ] && [ "$total" -ge 100 ]; then
        echo "PASS: the page agrees with the build on all $total images"
        exit 0
      fi
      echo "FAIL: $agree of $total agree; every one of at least 100 must"
      exit 1
    fi
    echo "FAIL: the page wrote no self-test result"
    exit 1 ;;
  drawtest)
    if grep -q 'drawtest: "1" read as 1$' <<<"$lines" && grep -q 'drawtest: "0" read as 0$' <<<"$lines"; then
      echo "PASS: the drawn 1 and 0 are read as 1 and 0"
      exit 0
    fi
    echo "FAIL: the drawn digits were not read as drawn"
    exit 1 ;;
  *)
    echo "unknown check $check; expected selftest or drawtest"
    exit 2 ;;
esac
