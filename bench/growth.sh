#!/usr/bin/env bash
# Growth benchmark: the large council and one ten times its size, one after
# the other with the same binary. For each: storing it (`goldthread
# generate`), the database size, and, on a server over loopback, the cost
# of one officer's write (the form's post), the action's page after it and
# the dashboard after it (medians of seven writes), and the server's peak
# memory. Prints one line of JSON per size.
#
#   bench/growth.sh                      # SQLite, both sizes
#   SIZES="20:3000:400" bench/growth.sh   # one size (services:actions:indicators)
#   GOLDTHREAD=target/release/goldthread bench/growth.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"20:3000:400 60:30000:4000"}
if [ -z "${GOLDTHREAD:-}" ]; then
    cargo build --release -p goldthread >&2
    GOLDTHREAD=target/release/goldthread
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gt-growth.XXXXXX")
SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
cp "$GOLDTHREAD" "$WORK/goldthread"
BIN="$WORK/goldthread"

cat >"$WORK/after_write.py" <<'PY'
import json, re, statistics, sys, time, urllib.parse, urllib.request, datetime
base, session, action = sys.argv[1], sys.argv[2], sys.argv[3]
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
opener = urllib.request.build_opener(NoRedirect())
def get(path):
    t = time.time()
    body = opener.open(urllib.request.Request(base + path, headers={"Cookie": session}), timeout=300).read().decode()
    return body, (time.time() - t) * 1000
def write(i):
    page, _ = get(f"/actions/{action}")
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "version": version, "status": "on_track",
        "as_at": datetime.date.today().isoformat(), "commentary": f"growth {i}"}).encode()
    t = time.time()
    try:
        opener.open(urllib.request.Request(base + f"/actions/{action}", data=body, headers={"Cookie": session}), timeout=300)
    except urllib.error.HTTPError as e:
        assert e.code == 303, e.code
    return (time.time() - t) * 1000
get("/dashboard")
posts, dash, act = [], [], []
for i in range(7):
    posts.append(write(i))
    dash.append(get("/dashboard")[1])
    act.append(get(f"/actions/{action}")[1])
print(json.dumps({"post_ms": round(statistics.median(posts), 1),
    "action_page_after_write_ms": round(statistics.median(act), 1),
    "dashboard_after_write_ms": round(statistics.median(dash), 1)}))
PY

for size in $SIZES; do
    IFS=: read -r services actions indicators <<<"$size"
    DIR="$WORK/db-$actions"
    summary=$(RUST_LOG=warn "$BIN" generate --data-dir "$DIR" --services "$services" --actions "$actions" \
        --indicators "$indicators" --years 10 --seed 42)
    stored=$(grep -o 'stored [0-9.]*s' <<<"$summary" | grep -o '[0-9.]*')
    bytes=$(stat -c %s "$DIR/goldthread.sqlite")
    echo "violet orchard stream 7" | RUST_LOG=warn "$BIN" user add bench@bench.goldthread.test --name Bench \
        --role editor --password-stdin --data-dir "$DIR" >/dev/null
    RUST_LOG=warn "$BIN" serve --data-dir "$DIR" --bind 127.0.0.1:0 2>"$WORK/serve.log" >&2 &
    SERVER_PID=$!
    ADDR=
    for _ in $(seq 1 600); do
        ADDR=$(grep -o 'running at http://127\.0\.0\.1:[0-9]*' "$WORK/serve.log" | head -1 | sed 's|running at ||') || true
        [ -n "$ADDR" ] && break
        sleep 0.1
    done
    [ -n "$ADDR" ] || { echo "server did not start" >&2; cat "$WORK/serve.log" >&2; exit 1; }
    JAR="$WORK/jar"
    rm -f "$JAR"
    TOKEN=$(curl -s -c "$JAR" -b "$JAR" "$ADDR/sign-in" | grep -o 'name="csrf_token" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}')
    curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf_token=$TOKEN" \
        --data-urlencode "email=bench@bench.goldthread.test" --data-urlencode "password=violet orchard stream 7" \
        --data-urlencode "next=/" "$ADDR/sign-in"
    SESSION=$(awk '$6 == "goldthread_session" { print "goldthread_session=" $7 }' "$JAR")
    ACTION=$(curl -s -H "Cookie: $SESSION" "$ADDR/api/v1/actions?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
    timings=$(timeout 600 python3 "$WORK/after_write.py" "$ADDR" "$SESSION" "$ACTION")
    peak=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status")
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
    echo "{\"actions\": $actions, \"stored_s\": $stored, \"database_bytes\": $bytes, \"server_peak_mib\": $peak, \"writes\": $timings}"
    rm -rf "$DIR"
done
