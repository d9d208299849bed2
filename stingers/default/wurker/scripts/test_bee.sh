#!/bin/sh
# A stand-in job for trying Wurker out: it writes a timestamped "ping" line every INTERVAL
# seconds (to a log file, or to standard output) until DURATION seconds have passed.
#
#   -d DURATION  seconds to run; 0 (the default) runs until stopped
#   -i INTERVAL  seconds between pings (default 10)
#   -l FILE      append the pings to FILE instead of standard output
#   -e CODE      fail: after CODE pings, print an error on standard error and exit with CODE
set -u

duration=0
interval=10
logfile=
fail_code=0

usage() {
    echo "usage: $0 [-d seconds] [-i seconds] [-l file] [-e code]" >&2
    exit 64
}

while getopts "d:i:l:e:" option; do
    case "$option" in
        d) duration=$OPTARG ;;
        i) interval=$OPTARG ;;
        l) logfile=$OPTARG ;;
        e) fail_code=$OPTARG ;;
        *) usage ;;
    esac
done
for number in "$duration" "$interval" "$fail_code"; do
    case "$number" in
        '' | *[!0-9]*) usage ;;
    esac
done
[ "$interval" -gt 0 ] || usage

say() {
    line="$(date -u '+%Y-%m-%dT%H:%M:%SZ') test_bee[$$]: $*"
    if [ -n "$logfile" ]; then
        echo "$line" >>"$logfile"
    else
        echo "$line"
    fi
}

pings=0
started=$(date +%s)
say "started (duration ${duration}s, interval ${interval}s)"
while :; do
    pings=$((pings + 1))
    say "ping $pings"
    if [ "$fail_code" -gt 0 ] && [ "$pings" -ge "$fail_code" ]; then
        echo "test_bee: failing on purpose after $pings pings" >&2
        exit "$fail_code"
    fi
    if [ "$duration" -gt 0 ] && [ $(($(date +%s) - started + interval)) -gt "$duration" ]; then
        break
    fi
    sleep "$interval"
done
say "done after $pings pings"
