#!/usr/bin/env bash
# Seed the fuzz corpora from the project's own samples and fixtures.
# Usage: fuzz/seed.sh [TARGET...]   (default: every target)
# Corpora live in fuzz/corpus/<target>/ and are not committed.
set -euo pipefail
cd "$(dirname "$0")"
root=..
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^sipmsrp-fuzz$')
fi
text_seeds() {
    find "$root/samples" "$root/tests/fixtures" -type f \
        ! -name '.*' ! -name '*.py' ! -name 'README.md' ! -name '*.json' -size -256k
}
# Copy files into a corpus under names unique across source directories.
put() {
    local dir=$1 f
    while IFS= read -r f; do
        cp "$f" "$dir/$(printf '%s' "${f#"$root"/}" | tr / _)"
    done
}
for t in "${targets[@]}"; do
    dir="corpus/$t"
    mkdir -p "$dir"
    case "$t" in
        capture | tcp | body)
            # Generated from the samples: captures (pcap, pcapng, several link
            # types), TCP segment records, Content-Type line + body.
            cargo run --quiet --release --example seeds -- "$t" "$dir" "$root/samples"
            ;;
        summary_roundtrip)
            find "$root/tests/fixtures/summary" -type f -name '*.json' | put "$dir"
            text_seeds | grep -i summary | put "$dir"
            ;;
        *)
            text_seeds | put "$dir"
            ;;
    esac
    echo "$t: $(find "$dir" -type f | wc -l) seeds"
done
