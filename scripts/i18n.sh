#!/usr/bin/env bash
# The catalogues (client/locale): extract the message ids from the client's sources,
# merge them into every language's .po, compile the .mo files that are committed beside
# them. After `update`, fill in the new msgstr entries (tests/client/test_i18n.py fails
# until every id is translated in every language), then run `compile`.
#   scripts/i18n.sh            # extract + update + compile
#   scripts/i18n.sh compile    # only compile (after editing a .po)
set -euo pipefail
cd "$(dirname "$0")/.."
LOC=client/locale
if [ "${1:-all}" != "compile" ]; then
  pybabel -q extract -F "$LOC/babel.cfg" -k N_ -k ngettext:1,2 --no-location --sort-output \
    --project "CBM Hotline" --copyright-holder "CBM Hotline" -o "$LOC/hotline.pot" client
  pybabel -q update -D hotline -i "$LOC/hotline.pot" -d "$LOC" --no-fuzzy-matching \
    --ignore-obsolete -w 100
fi
pybabel -q compile -D hotline -d "$LOC" --statistics
