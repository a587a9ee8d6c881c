#!/usr/bin/env bash
# Runs the README's tour with two `classify` binaries, side by side, and compares what each
# wrote: stdout, exit status and every file (figures, JSON, HTML, model files), byte for byte.
# Seconds (which differ run to run) are masked. Use it to show that a change kept every
# command's text, JSON and figures as they were:
#
#   git stash; cargo build --release; cp target/release/classify /tmp/classify-before
#   git stash pop; cargo build --release
#   scripts/tour_diff.sh /tmp/classify-before target/release/classify
#
# Needs a cache (CLASSIFY_DATA) with mnist, fashion-mnist, titanic and spamassassin for the
# commands that name them; without them those commands fail alike on both sides.
set -uo pipefail
before=$(realpath "$1") after=$(realpath "$2")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT; echo "work: $work" >&2

# One command per line, as the README's tour gives them (figures into the working folder).
read -r -d '' TOUR <<'LIST'
data info
data info --json --train 1000
data show --index 0
data show --index 0 --out digit.png
data grid --count 100 --out digits.png
data grid --count 100 --out digits.svg
data info --dataset fashion-mnist
binary
binary --json
binary --digit 3 --cv 5 --scale
binary --model dummy
binary --model knn --train 5000
binary --target-precision 0.9
binary --model forest --calibrate isotonic --out cal.png --figure calibration
binary --dataset mnist --train 10000 --json
binary --out roc.svg --figure roc
binary --out det.png --figure det
binary --out rocv.png --figure roc-cv
binary --out pr.png --figure pr
binary --model forest
binary --model svc --train 1000 --strategy ovr
multiclass --scale
multiclass --solver fast
multiclass --model svc --train 2000
multiclass --model sgd --strategy ovo --train 3000
multiclass --out cm.png --normalize true --errors-only
multiclass --out roc.png --figure roc
multiclass --json --train 2000
knn --k 5 --index 7
knn --json --weights distance
multilabel
multilabel --chain svc --train 2000
multilabel --json --train 3000
denoise --out denoise.png
denoise --save-noisy noisy --test-images 100
denoise --json --test-images 50
tune knn
tune knn --json --train 2000
augment
augment --json --train 2000
titanic --out titanic.png --submission submission.csv
titanic --json --submission sub.csv
tabular --dataset TESTS/fixtures/tabular/wine.csv
tabular --dataset TESTS/fixtures/tabular/wine.csv --json --out wine.svg
tabular --dataset titanic --label Survived --drop PassengerId,Name,Ticket,Cabin --cv 10
spam
spam --json --keep-headers
report --out report
report --dataset TESTS/fixtures/digits8x8 --out rep8
train --model forest --save forest.classify
train --model knn --save knn.classify --format json
train --model sgd --save sgd.classify --json
train --model logistic --save logistic.classify --train 2000
train --model svc --save svc.classify --train 1000
train --model dummy --save dummy.classify
train --model sgd --train 500
data show --test --index 3 --out three.png
predict --model forest.classify three.png
predict --model knn.classify three.png --json --out prepared.png
predict --model sgd.classify three.png
predict --model logistic.classify three.png --json
predict --model svc.classify three.png
predict --model nope.classify three.png
knn --dataset TESTS/fixtures/digits8x8
binary --index 99999
binary --train 5
multiclass --strategy ovo --model forest
binary --solver bogus
LIST

run_side() { # side binary
  local dir="$work/$1" bin=$2 n=0
  mkdir -p "$dir"
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    n=$((n + 1))
    local cmd=${line//TESTS/$root/tests}
    ( cd "$dir" && eval "\"$bin\" $cmd --quiet" >"$dir/.out.$n" 2>"$dir/.err.$n"; echo $? >"$dir/.rc.$n" )
  done <<<"$TOUR"
}
run_side before "$before" &
run_side after "$after" &
wait

# Seconds differ run to run: masked in text, JSON and HTML.
mask() { sed -E 's/[0-9]+(\.[0-9]+)? ?(s|ms)\b/<T>/g; s/"(fit_seconds|test_seconds|seconds|[a-z_]*_seconds)": ?[0-9.e+-]+/"\1": <T>/g' "$1"; }
status=0 n=0
while IFS= read -r line; do
  [ -z "$line" ] && continue
  n=$((n + 1))
  for f in out err rc; do
    if ! cmp -s <(mask "$work/before/.$f.$n") <(mask "$work/after/.$f.$n"); then
      echo "DIFFERS ($f): classify $line"
      diff <(mask "$work/before/.$f.$n") <(mask "$work/after/.$f.$n") | head -10
      status=1
    fi
  done
done <<<"$TOUR"
# Every file either side wrote.
files=$(cd "$work" && find before after -type f ! -name '.*' | sed -E 's#^(before|after)/##' | sort -u)
count=0
while IFS= read -r f; do
  [ -z "$f" ] && continue
  count=$((count + 1))
  a="$work/before/$f" b="$work/after/$f"
  if [ ! -f "$a" ] || [ ! -f "$b" ]; then echo "ONLY ON ONE SIDE: $f"; status=1; continue; fi
  case "$f" in
    *.html|*.json) cmp -s <(mask "$a") <(mask "$b") || { echo "DIFFERS: $f"; status=1; } ;;
    *) cmp -s "$a" "$b" || { echo "DIFFERS: $f"; status=1; } ;;
  esac
done <<<"$files"
echo "$n commands, $count files compared: $([ $status = 0 ] && echo identical || echo 'differences above')"
exit $status
