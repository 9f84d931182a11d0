#!/usr/bin/env bash
# Run fuzz targets one after another (never two at once), each for SECONDS.
# Usage: fuzz/run.sh SECONDS TARGET...
# Logs go to fuzz/logs/<target>.log; a summary line per run to fuzz/logs/runs.txt.
set -uo pipefail
cd "$(dirname "$0")"
secs=$1
shift
mkdir -p logs
for t in "$@"; do
    [ -d "corpus/$t" ] || ./seed.sh "$t"
    start=$(date +%s)
    cargo fuzz run -s none "$t" -- -max_total_time="$secs" -rss_limit_mb=1024 \
        -timeout=10 -max_len=65536 -print_final_stats=1 >"logs/$t.log" 2>&1
    rc=$?
    end=$(date +%s)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "logs/$t.log" | tail -1)
    printf '%s target=%s rc=%s seconds=%s execs=%s\n' "$(date -u +%FT%TZ)" "$t" "$rc" \
        "$((end - start))" "${execs:-?}" >>logs/runs.txt
done
