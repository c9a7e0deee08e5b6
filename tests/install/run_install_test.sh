#!/usr/bin/env bash
# Installs Weir from the build tree into a scratch prefix, builds an outside project against it
# with find_package(Weir), runs its WordCount and checks the counts.
set -euo pipefail
build_dir="$(realpath "$1")"
source_dir="$(realpath "$2")"
work="$build_dir/install-test"
rm -rf "$work"
cmake --install "$build_dir" --prefix "$work/prefix" > "$work.log" 2>&1 || { cat "$work.log"; exit 1; }
cmake -S "$source_dir/tests/install/consumer" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$work/prefix" > "$work.log" 2>&1 || { cat "$work.log"; exit 1; }
cmake --build "$work/build" > "$work.log" 2>&1 || { cat "$work.log"; exit 1; }
out=$("$work/build/consumer_word_count")
echo "$out"
for expected in "(to,2)" "(be,2)" "(question,1)"; do
  grep -qxF "$expected" <<<"$out" || { echo "missing $expected"; exit 1; }
done
[ "$(wc -l <<<"$out")" -eq 8 ] || { echo "expected 8 distinct words"; exit 1; }
# weir_add_job also built the job library next to the executable; the installed weir loads it.
[ -f "$work/build/consumer_job.so" ] || { echo "weir_add_job built no consumer_job.so"; exit 1; }
plan=$("$work/prefix/bin/weir" info "$work/build/consumer_job.so")
grep -q '"pact": "Data Source"' <<<"$plan" || { echo "weir info printed no plan: $plan"; exit 1; }
echo "install test passed"
