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
echo "install test passed"
