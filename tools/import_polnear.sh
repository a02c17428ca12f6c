#!/usr/bin/env bash
# Imports every PolNeAR train and dev text into a fresh database and fails if any file fails
# to import (issue 18: one article was lost to a span the index rejected).
#
#   tools/import_polnear.sh            # uses target/debug/claims (built if missing)
#   CLAIMS_BIN=target/release/claims tools/import_polnear.sh
#   CLAIMS_EVAL=/path/to/eval tools/import_polnear.sh
#
# The evaluation data is read from $CLAIMS_EVAL, else ../shared/eval next to the checkout;
# `.ci/run` calls this script only when that directory is there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
eval_dir="${CLAIMS_EVAL:-$root/../shared/eval}"
dirs=("$eval_dir/polnear/train/text" "$eval_dir/polnear/dev/text")
for d in "${dirs[@]}"; do
    if [ ! -d "$d" ]; then
        echo "import_polnear: $d not found (set CLAIMS_EVAL to the eval directory)" >&2
        exit 2
    fi
done
bin="${CLAIMS_BIN:-}"
if [ -z "$bin" ]; then
    (cd "$root" && cargo build --quiet --bin claims)
    bin="$root/target/debug/claims"
fi

want=$(find "${dirs[@]}" -name '*.txt' | wc -l | tr -d ' ')
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
"$bin" --db "$tmp/polnear.db" --format json import "${dirs[@]}" >"$tmp/out.json" 2>"$tmp/err.txt" || status=$?
field() { sed -n "s/^  \"$1\": \([0-9]*\),\$/\1/p" "$tmp/out.json" | head -n 1; }
files=$(field files)
failed=$(field failed)
if [ "$status" -ne 0 ] || [ "${failed:-x}" != 0 ] || [ "${files:-x}" != "$want" ]; then
    echo "import_polnear: FAILED: exit $status, ${files:-?} of $want files read, ${failed:-?} failed" >&2
    cat "$tmp/err.txt" >&2
    exit 1
fi
echo "import_polnear: all $files PolNeAR train and dev texts imported, 0 failed"
