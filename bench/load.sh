#!/usr/bin/env bash
# Load benchmark: the dashboard, a plan page and an indicator page of a large
# generated council, under concurrent load over loopback, next to /healthz on
# the same server in the same run. Prints a Markdown table (p50, p99,
# requests per second, each page's rate as a share of /healthz's) and the
# server's peak memory, for SQLite and PostgreSQL.
#
#   bench/load.sh                      # both backends, default council
#   BACKENDS=sqlite bench/load.sh      # one backend
#   DURATION=30s CONNECTIONS=32 bench/load.sh
#
# Settings (environment):
#   BACKENDS      "sqlite postgres"
#   GENERATE      generator flags (default: the issue's large council)
#   DURATION      wrk duration per endpoint (10s)
#   MIXED_DURATION  seconds of the mixed load (30; 0 skips it): officers
#                 recording progress while wrk reads the dashboard
#   WRITERS       officers writing at once in the mixed load (4)
#   WRITE_MODE    "page" (each write opens the action's page, then posts
#                 the form, as a person does), "form" (posts only) or
#                 "edit" (an editor opens the action's edit form and saves
#                 it with a new title: plan authoring)
#   SERVERS       servers on PostgreSQL in the mixed load (2): the officers
#                 write through the second while wrk reads the first, and
#                 a last write through the second is timed until the first
#                 shows it
#   THREADS       wrk threads (2)
#   CONNECTIONS   wrk connections (16)
#   PG_URL        server URL without database (postgres://postgres@127.0.0.1:5432)
#   PG_DB         database to (re)create for the run (gt_bench; it is dropped first)
#   GOLDTHREAD    a built binary to use instead of building one
#   RUST_LOG      server log filter; unset means the shipped default (one
#                 info line per request, written to a file here)
#
# All traffic goes to 127.0.0.1; every step is bounded in time.
set -euo pipefail

cd "$(dirname "$0")/.."
BACKENDS=${BACKENDS:-"sqlite postgres"}
GENERATE=${GENERATE:-"--services 20 --actions 3000 --indicators 400 --years 10 --seed 42"}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PG_DB=${PG_DB:-gt_bench}

say() { echo "load.sh: $*" >&2; }

if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing wrk"
        apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
    else
        say "wrk is not installed (apt-get install wrk)"; exit 1
    fi
fi
for tool in curl python3; do
    command -v "$tool" >/dev/null || { say "$tool is required"; exit 1; }
done

MIXED_DURATION=${MIXED_DURATION:-30}
WRITERS=${WRITERS:-4}
WRITE_MODE=${WRITE_MODE:-page}
SERVERS=${SERVERS:-2}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gt-load.XXXXXX")
# The officers of the mixed load: each opens an action's page (for its
# form's version and token) and records progress, until time is up.
# Prints "writes failed conflicts p50_ms p99_ms post_p50_ms post_p99_ms":
# a write is the page and the form; the post alone is the form. In "form"
# mode an officer opens each action's page once and then posts the form
# again with the next version (as a tool posting many updates would), so
# the write path alone is measured.
cat >"$WORK/writer.py" <<'PY'
import http.client, html, json, re, sys, threading, time, urllib.parse, datetime
base, session, actions_file, seconds, writers, mode = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
host = urllib.parse.urlparse(base).netloc
ids = [a["id"] for a in json.load(open(actions_file))["items"]]
today = datetime.date.today().isoformat()
lock = threading.Lock()
times, posts, failed, conflicts = [], [], [0], [0]
def edit_form(page, n, i):
    # The edit form as the page fills it in, with a new title.
    fields = [(m.group(1), html.unescape(m.group(2))) for m in re.finditer(r'<input class="govuk-input[^"]*" id="\w+" name="(\w+)" value="([^"]*)"', page)]
    fields += [(m.group(1), html.unescape(m.group(2))) for m in re.finditer(r'(?s)<textarea[^>]*name="(\w+)"[^>]*>(.*?)</textarea>', page)]
    fields += [("nodes", m.group(1)) for m in re.finditer(r'name="nodes" type="checkbox" value="(\d+)" checked', page)]
    fields = [(k, f"Edited under load {n}-{i}" if k == "title" else v) for k, v in fields]
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return fields + [("version", version)]
def write(n):
    # One kept-alive connection per officer, as a browser keeps one; each
    # officer has actions of their own, as posts lead different actions.
    mine = ids[n::writers] or ids
    conn = http.client.HTTPConnection(host, timeout=30)
    headers = {"Cookie": session}
    known = {}  # action -> (version, token), in "form" mode
    end = time.time() + seconds
    i = 0
    while time.time() < end:
        action = mine[i % len(mine)]
        i += 1
        start = time.time()
        status = None
        try:
            if mode == "edit":
                conn.request("GET", f"/actions/{action}/edit", headers=headers)
                page = conn.getresponse().read().decode()
                token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)
                body = urllib.parse.urlencode(edit_form(page, n, i) + [("csrf_token", token)])
                posted = time.time()
                conn.request("POST", f"/actions/{action}/edit", body=body, headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
                response = conn.getresponse()
                response.read()
                status = response.status
            else:
                if mode == "form" and action in known:
                    version, token = known[action]
                else:
                    conn.request("GET", f"/actions/{action}", headers=headers)
                    page = conn.getresponse().read().decode()
                    version = re.search(r'name="version" value="(\d+)"', page).group(1)
                    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)
                body = urllib.parse.urlencode({"csrf_token": token, "version": version, "status": "on_track", "as_at": today, "commentary": f"Mixed load {n}-{i}"})
                posted = time.time()
                conn.request("POST", f"/actions/{action}", body=body, headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
                response = conn.getresponse()
                response.read()
                status = response.status
                # Recording progress moves the action's version by one.
                known[action] = (str(int(version) + 1), token) if status == 303 else known.pop(action, None)
        except Exception:
            conn.close()
            conn = http.client.HTTPConnection(host, timeout=30)
        with lock:
            if status == 303:
                times.append((time.time() - start) * 1000)
                posts.append((time.time() - posted) * 1000)
            elif status == 409:
                conflicts[0] += 1
            else:
                failed[0] += 1
threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
for t in threads: t.start()
for t in threads: t.join()
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else 0
print(len(times), failed[0], conflicts[0], f"{pct(times, 0.5):.0f}", f"{pct(times, 0.99):.0f}", f"{pct(posts, 0.5):.1f}", f"{pct(posts, 0.99):.1f}")
PY
SERVER_PID=
SECOND_PID=
cleanup() {
    for pid in "$SERVER_PID" "$SECOND_PID"; do
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${GOLDTHREAD:-}" ]; then
    say "building release"
    cargo build --release -p goldthread >&2
    GOLDTHREAD="${CARGO_TARGET_DIR:-target}/release/goldthread"
fi
# A private copy, so a rebuild during the run cannot swap the binary.
cp "$GOLDTHREAD" "$WORK/goldthread"
BIN="$WORK/goldthread"

# wrk prints latencies as 812.00us, 1.23ms or 1.02s: in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n }'
}

# Runs wrk against one URL, with the session cookie when one is given;
# prints "p50 p99 rps errors".
load() {
    local url=$1 cookie=${2:-} out="$WORK/wrk.txt"
    local headers=()
    [ -n "$cookie" ] && headers=(-H "Cookie: $cookie")
    timeout 300 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${headers[@]}" "$url" >"$out" 2>&1 || true
    local p50 p99 rps errors
    p50=$(awk '$1 == "50%" { print $2 }' "$out")
    p99=$(awk '$1 == "99%" { print $2 }' "$out")
    rps=$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$out")
    errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$out")
    if [ -z "$p50" ] || [ -z "$rps" ]; then
        say "wrk failed on $url:"; cat "$out" >&2
        echo "- - 0 -"; return
    fi
    echo "$(to_ms "$p50") $(to_ms "$p99") $rps $errors"
}

TABLE="$WORK/table.md"
NOTES="$WORK/notes.md"
{
    echo "| backend | page | p50 ms | p99 ms | req/s | share of /healthz req/s | errors |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
} >"$TABLE"
: >"$NOTES"

# Starts `goldthread serve` on a free port with DB_ARGS, logging to $1;
# sets STARTED_PID and STARTED_ADDR.
start_server() {
    local log=$1
    "$BIN" serve "${DB_ARGS[@]}" --bind 127.0.0.1:0 2>"$log" >&2 &
    STARTED_PID=$!
    STARTED_ADDR=
    for _ in $(seq 1 300); do
        STARTED_ADDR=$(grep -o 'running at http://127\.0\.0\.1:[0-9]*' "$log" | head -1 | sed 's|running at http://||') || true
        [ -n "$STARTED_ADDR" ] && break
        kill -0 "$STARTED_PID" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.1
    done
    [ -n "$STARTED_ADDR" ] || { say "server did not start"; cat "$log" >&2; exit 1; }
}

# Samples a process's resident memory (MiB) every second into $2 until it
# is killed.
sample_memory() {
    local pid=$1 out=$2
    while kill -0 "$pid" 2>/dev/null; do
        awk '/^VmRSS:/ { printf "%.0f\n", $2 / 1024 }' "/proc/$pid/status" >>"$out" 2>/dev/null || true
        sleep 1
    done
}

for backend in $BACKENDS; do
    HEALTHZ_RPS=
    case $backend in
        sqlite)
            DB_ARGS=(--data-dir "$WORK/sqlite")
            ;;
        postgres)
            timeout 60 dropdb --if-exists -h 127.0.0.1 -U postgres "$PG_DB"
            timeout 60 createdb -h 127.0.0.1 -U postgres "$PG_DB"
            DB_ARGS=(--database-url "$PG_URL/$PG_DB")
            ;;
        *) say "unknown backend $backend"; exit 1 ;;
    esac

    say "$backend: generating ($GENERATE)"
    # shellcheck disable=SC2086
    SUMMARY=$(RUST_LOG=warn timeout 900 "$BIN" generate "${DB_ARGS[@]}" $GENERATE)
    echo "- $backend generator: $SUMMARY" >>"$NOTES"
    # A reader's account: pages are read signed in, as councillors do.
    echo "violet orchard stream 7" | RUST_LOG=warn timeout 60 "$BIN" user add bench@bench.goldthread.test \
        --name "Bench Reader" --role editor --password-stdin "${DB_ARGS[@]}" >/dev/null

    say "$backend: starting the server"
    start_server "$WORK/serve-$backend.log"
    SERVER_PID=$STARTED_PID
    ADDR=$STARTED_ADDR
    BASE="http://$ADDR"
    # Sign in through the form, as a person would; keep the session cookie.
    JAR="$WORK/cookies-$backend"
    TOKEN=$(curl -s -c "$JAR" -b "$JAR" --max-time 30 "$BASE/sign-in" | grep -o 'name="csrf_token" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}')
    curl -s -o /dev/null -c "$JAR" -b "$JAR" --max-time 30 \
        --data-urlencode "csrf_token=$TOKEN" --data-urlencode "email=bench@bench.goldthread.test" \
        --data-urlencode "password=violet orchard stream 7" --data-urlencode "next=/" "$BASE/sign-in"
    SESSION=$(awk '$6 == "goldthread_session" { print "goldthread_session=" $7 }' "$JAR")
    [ -n "$SESSION" ] || { say "$backend: signing in failed"; exit 1; }
    CURL_AUTH=(-H "Cookie: $SESSION")
    # The first dashboard loads every action and value into the server's
    # cache of monitoring data: the cold start, reported apart.
    cold=$(curl -s -o /dev/null --max-time 120 -w '%{time_total}' "${CURL_AUTH[@]}" "$BASE/dashboard")
    echo "- $backend cold /dashboard (loads the monitoring data): $(awk -v s="$cold" 'BEGIN { printf "%.0f", s * 1000 }') ms" >>"$NOTES"

    # The largest service plan, and its indicator with the biggest page.
    PLAN=$(curl -sf --max-time 30 "${CURL_AUTH[@]}" "$BASE/api/v1/plans?limit=1000" | python3 -c '
import json, sys
plans = json.load(sys.stdin)["items"]
print(max(plans, key=lambda p: (p["kind"] == "service", p["actions"]))["id"])')
    INDICATOR=
    BEST=0
    for id in $(curl -sf --max-time 30 "${CURL_AUTH[@]}" "$BASE/plans/$PLAN" | sed 's|&#x2f;|/|g' | grep -o '/indicators/[0-9]*' | sed 's|/indicators/||' | awk '!seen[$0]++' | head -12); do
        size=$(curl -s -o /dev/null --max-time 30 -w '%{size_download}' "${CURL_AUTH[@]}" "$BASE/indicators/$id")
        if [ "$size" -gt "$BEST" ]; then BEST=$size; INDICATOR=$id; fi
    done

    # Publish the plan (as an editor does, with the page's form token), so
    # its public page can be measured: anonymous, cacheable.
    FORM_TOKEN=$(curl -s --max-time 30 "${CURL_AUTH[@]}" "$BASE/plans/$PLAN" | grep -o 'name="csrf_token" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}')
    curl -s -o /dev/null --max-time 30 "${CURL_AUTH[@]}" --data-urlencode "csrf_token=$FORM_TOKEN" \
        --data-urlencode "publish=yes" "$BASE/plans/$PLAN/publish"

    # /healthz anonymous and signed in: the difference is what looking up
    # the session costs each request.
    PAGES=("/healthz" "/healthz signed-in" "/dashboard signed-in" "/plans/$PLAN signed-in" "/public/plans/$PLAN")
    [ -n "$INDICATOR" ] && PAGES+=("/indicators/$INDICATOR signed-in")
    for entry in "${PAGES[@]}"; do
        read -r page who <<<"$entry"
        cookie=
        [ "$who" = signed-in ] && cookie=$SESSION
        label="\`$page\`${who:+ ($who)}"
        first=$(curl -s -o /dev/null --max-time 60 -w '%{http_code} %{time_total} %{size_download}' ${cookie:+-H "Cookie: $cookie"} "$BASE$page")
        read -r code secs bytes <<<"$first"
        echo "- $backend $label: status $code, $bytes bytes, one request $(awk -v s="$secs" 'BEGIN { printf "%.0f", s * 1000 }') ms" >>"$NOTES"
        if [ "$code" != 200 ]; then
            say "$backend $page answered $code; skipped"
            echo "| $backend | $label | – | – | – | – | status $code |" >>"$TABLE"
            continue
        fi
        say "$backend: wrk $page ${who:-anonymous} for $DURATION"
        read -r p50 p99 rps errors <<<"$(load "$BASE$page" "$cookie")"
        if [ "$page" = /healthz ] && [ -z "$who" ]; then HEALTHZ_RPS=$rps; fi
        share=$(awk -v r="$rps" -v h="${HEALTHZ_RPS:-0}" 'BEGIN { if (h > 0) printf "%.2f", r / h; else print "–" }')
        echo "| $backend | $label | $p50 | $p99 | $rps | $share | $errors |" >>"$TABLE"
    done

    PEAK=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status")
    echo "- $backend server peak memory (VmHWM): $PEAK MiB" >>"$NOTES"

    # Mixed load: officers recording progress (each write as a person
    # makes it: open the action's page, post the form) while councillors
    # read the dashboard. Every write moves the data version, so this is
    # what a write costs the readers.
    if [ "$MIXED_DURATION" != 0 ]; then
        curl -sf --max-time 30 "${CURL_AUTH[@]}" "$BASE/api/v1/actions?plan=$PLAN&limit=1000" >"$WORK/actions.json"
        WRITE_BASE=$BASE
        WRITE_PID=$SERVER_PID
        if [ "$backend" = postgres ] && [ "$SERVERS" -ge 2 ]; then
            # A second server on the same database: sessions are in the
            # database, so the same cookie signs the officers in there.
            start_server "$WORK/serve-$backend-2.log"
            SECOND_PID=$STARTED_PID
            WRITE_BASE="http://$STARTED_ADDR"
            WRITE_PID=$SECOND_PID
        fi
        where=""
        [ "$WRITE_BASE" != "$BASE" ] && where=" through a second server"
        say "$backend: mixed load for $MIXED_DURATION s ($WRITERS writers$where, wrk on /dashboard)"
        : >"$WORK/rss.txt"
        sample_memory "$SERVER_PID" "$WORK/rss.txt" &
        SAMPLER_PID=$!
        timeout $((MIXED_DURATION + 60)) python3 "$WORK/writer.py" "$WRITE_BASE" "$SESSION" "$WORK/actions.json" \
            "$MIXED_DURATION" "$WRITERS" "$WRITE_MODE" >"$WORK/writer.txt" &
        WRITER_PID=$!
        DURATION_SAVED=$DURATION
        DURATION="${MIXED_DURATION}s"
        read -r p50 p99 rps errors <<<"$(load "$BASE/dashboard" "$SESSION")"
        DURATION=$DURATION_SAVED
        wait "$WRITER_PID" || true
        kill "$SAMPLER_PID" 2>/dev/null || true
        read -r writes failed conflicts wp50 wp99 pp50 pp99 <"$WORK/writer.txt"
        echo "| $backend | \`/dashboard\` while $WRITERS officers write$where | $p50 | $p99 | $rps | – | $errors |" >>"$TABLE"
        echo "- $backend mixed: $writes writes in ${MIXED_DURATION} s ($(awk -v w="$writes" -v d="$MIXED_DURATION" 'BEGIN { printf "%.1f", w / d }')/s, $WRITE_MODE mode)$where, $failed failed, $conflicts conflicts; a write p50 $wp50 ms, p99 $wp99 ms; the form's post alone p50 $pp50 ms, p99 $pp99 ms" >>"$NOTES"
        echo "- $backend server memory (VmRSS) over the mixed load, first → last second, MiB: $(head -1 "$WORK/rss.txt") → $(tail -1 "$WORK/rss.txt") (peak $(sort -n "$WORK/rss.txt" | tail -1))" >>"$NOTES"
        if [ "$WRITE_BASE" != "$BASE" ]; then
            # How long until a write through one server shows on the other.
            seen=$(python3 - "$BASE" "$WRITE_BASE" "$SESSION" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["id"])' "$WORK/actions.json")" <<'PY'
import re, sys, time, urllib.parse, urllib.request, datetime
reader, writer, session, action = sys.argv[1:5]
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
opener = urllib.request.build_opener(NoRedirect())
get = lambda base: opener.open(urllib.request.Request(f"{base}/actions/{action}", headers={"Cookie": session}), timeout=30).read().decode()
page = get(writer)
version = re.search(r'name="version" value="(\d+)"', page).group(1)
token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)
mark = f"Seen across servers {time.time()}"
body = urllib.parse.urlencode({"csrf_token": token, "version": version, "status": "on_track", "as_at": datetime.date.today().isoformat(), "commentary": mark}).encode()
try:
    opener.open(urllib.request.Request(f"{writer}/actions/{action}", data=body, headers={"Cookie": session}), timeout=30)
except urllib.error.HTTPError as e:
    assert e.code == 303, e.code
written = time.time()
while mark not in get(reader):
    if time.time() - written > 10:
        print("not within 10 s"); sys.exit()
    time.sleep(0.005)
print(f"{(time.time() - written) * 1000:.0f} ms")
PY
)
            echo "- $backend: a write through the second server was on the first server's page after $seen" >>"$NOTES"
        fi
        if [ -n "$SECOND_PID" ]; then
            kill "$SECOND_PID"
            wait "$SECOND_PID" 2>/dev/null || true
            SECOND_PID=
        fi
        PEAK=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status")
        echo "- $backend server peak memory after the mixed load: $PEAK MiB" >>"$NOTES"
    fi
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
    if [ "$backend" = postgres ]; then
        timeout 60 dropdb --if-exists -h 127.0.0.1 -U postgres "$PG_DB" || true
    fi
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
cat "$TABLE"
echo
cat "$NOTES"
