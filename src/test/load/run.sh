#!/usr/bin/env bash
# Portcullis load benchmark. One command runs the whole kit:
#
#   src/test/load/run.sh            # full run: warm-up until steady (90 s to 360 s), then 3 x 15 s rounds
#   ROUNDS=1 DURATION=3s WARMUP=3s WARMUP_MAX=3 src/test/load/run.sh   # smoke run (figures not steady)
#
# It starts, on loopback ports it picks itself: an nginx upstream (/small JSON, /big 64 KiB), Debian's
# nginx as a plain reverse proxy (the reference), redis-server, and the real target/portcullis.war in
# standalone Jetty 12 and in Tomcat 10.1, once per scenario with a configuration generated under
# target/load/. The gateway JVM (and, while it is measured, the nginx reference) runs on GATEWAY_CORE;
# wrk, the upstream and Redis on LOAD_CORE. Results: target/load/results.md (also printed).
# Method and how to read the figures: docs/benchmarks.md. Every process it starts is stopped by PID.
set -euo pipefail

# ---- settings (environment) ------------------------------------------------------------------------
ROUNDS=${ROUNDS:-3}                 # measured rounds per scenario and body
DURATION=${DURATION:-15s}           # length of one measured round (wrk -d)
WARMUP=${WARMUP:-60s}               # load before measuring, per body, after each start of a server (at least)
WARMUP_STEP=${WARMUP_STEP:-10s}     # then more warm-up in steps of this length until three steps agree ...
WARMUP_TOLERANCE=${WARMUP_TOLERANCE:-3}   # ... within this many percent of requests/s ...
WARMUP_MAX=${WARMUP_MAX:-360}       # ... or this many seconds of warm-up have passed (per body)
CONNECTIONS=${CONNECTIONS:-50}      # wrk -c
WRK_THREADS=${WRK_THREADS:-1}       # wrk -t (one load core)
GATEWAY_CORE=${GATEWAY_CORE:-1}     # the core of the gateway JVM and of the nginx reference
LOAD_CORE=${LOAD_CORE:-0}           # wrk, the upstream nginx, Redis
CONTAINERS=${CONTAINERS:-"jetty tomcat"}
SCENARIOS=${SCENARIOS:-"plain apikey jwt jwt-rl full"}
ACCESS_LOG=${ACCESS_LOG:-on}        # on: one access-log line per request (gateway and reference); off: none
JWT_ALG=${JWT_ALG:-RS256}           # RS256 | HS256 (ES256 needs an EC key: not generated here)
HEAP=${HEAP:-512m}                  # gateway heap (-Xms = -Xmx)
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-120}   # seconds a gateway may take to answer /health with 200
REDIS_PROBE_REQUESTS=${REDIS_PROBE_REQUESTS:-200}
REBUILD=${REBUILD:-0}               # 1: mvn package even when target/portcullis.war exists
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:-}  # extra JVM options for the gateway (a profiler agent, say)
JETTY_VERSION=12.1.12
TOMCAT_VERSION=10.1.59

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
LOAD_DIR=$ROOT/src/test/load
OUT=$ROOT/target/load
WAR=$ROOT/target/portcullis.war

# ---- process bookkeeping: every process started here is recorded and stopped by PID ------------------
PIDS=()          # children of this script, stopped in reverse order
EXTRA_PIDS=()    # nginx workers (children of a recorded master), checked after their master stopped

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

stop_pid() { # pid [seconds]: TERM, wait (bounded), KILL
    local pid=$1 limit=$(( ${2:-15} * 10 )) i
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for (( i = 0; i < limit; i++ )); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "pid $pid did not stop on TERM; KILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

forget_pid() {
    local keep=() p
    for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}

stop_extra_pids() { # nginx workers left behind by a master that was killed
    local p
    for p in "${EXTRA_PIDS[@]}"; do
        if [[ $(cat "/proc/$p/comm" 2>/dev/null) == nginx ]]; then kill -KILL "$p" 2>/dev/null || true; fi
    done
    EXTRA_PIDS=()
}

cleanup() {
    local rc=$? i
    trap - EXIT INT TERM
    for (( i = ${#PIDS[@]} - 1; i >= 0; i-- )); do stop_pid "${PIDS[i]}" 10; done
    stop_extra_pids
    PIDS=()
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- helpers -----------------------------------------------------------------------------------------
seconds_of() { # 15s | 2m | 500ms -> whole seconds (at least 1)
    local v=$1
    case $v in
        *ms) echo 1 ;;
        *s) echo "${v%s}" ;;
        *m) echo $(( ${v%m} * 60 )) ;;
        *) echo "$v" ;;
    esac
}

USED_PORTS=" "
free_port() { # a free loopback port below the ephemeral range, not handed out before
    local p i
    for (( i = 0; i < 200; i++ )); do
        p=$(( 20000 + RANDOM % 12000 ))
        [[ $USED_PORTS == *" $p "* ]] && continue
        if [[ -z $(ss -Hltn "sport = :$p" 2>/dev/null) ]]; then
            USED_PORTS+="$p "
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}

cpu_ticks() { # utime + stime (clock ticks) summed over the given pids
    local total=0 pid stat rest
    for pid in "$@"; do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        rest=${stat##*) }                   # fields from 3 on; comm may contain spaces
        read -r -a f <<< "$rest"
        total=$(( total + f[11] + f[12] ))  # fields 14 and 15
    done
    echo "$total"
}

redis_cmds() { # every command Redis executed (commandstats, script-internal ones included), INFO excluded
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" INFO commandstats 2>/dev/null | tr -d '\r' \
        | awk -F'[:=,]' '/^cmdstat_/ && $1 != "cmdstat_info" { s += $3 } END { print s + 0 }'
}

wait_http() { # url seconds -> 0 when the url answered 200 in time
    local url=$1 limit=$2 i code
    for (( i = 0; i < limit * 4; i++ )); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
        [[ $code == 200 ]] && return 0
        sleep 0.25
    done
    return 1
}

wrk_run() { # seconds-string url outfile headers... (wrk pinned to the load core, bounded by timeout)
    local d=$1 url=$2 out=$3; shift 3
    local args=() h
    for h in "$@"; do args+=(-H "$h"); done
    timeout $(( $(seconds_of "$d") + 60 )) \
        taskset -c "$LOAD_CORE" wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "$d" --timeout 10s --latency \
        "${args[@]}" "$url" > "$out" 2>&1 || log "wrk exited non-zero ($url), see $out"
}

parse_wrk() { # wrk output -> "requests rps p50ms p99ms non2xx socket_errors"
    awk '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
            if (v ~ /m$/)  return substr(v, 1, length(v) - 1) * 60000
            return v + 0
        }
        /requests in/            { req = $1 }
        /^Requests\/sec:/        { rps = $2 }
        /^ +50%/                 { p50 = ms($2) }
        /^ +99%/                 { p99 = ms($2) }
        /Non-2xx or 3xx/         { non2xx = $NF }
        /Socket errors:/         { gsub(",", ""); err = $4 + $6 + $8 + $10 }
        END { printf "%d %.2f %.3f %.3f %d %d\n", req, rps, p50, p99, non2xx, err }
    ' "$1"
}

trim_log() { # keep a bounded head and tail of a server log (access lines make it large)
    local f=$1
    [[ -f $f ]] || return 0
    if (( $(wc -l < "$f") > 600 )); then
        { head -n 300 "$f"; echo "[... $(( $(wc -l < "$f") - 400 )) lines cut by run.sh ...]"; tail -n 100 "$f"; } > "$f.tmp"
        mv "$f.tmp" "$f"
    fi
}

# ---- scenarios ---------------------------------------------------------------------------------------
scenario_title() {
    case $1 in
        plain) echo "plain proxy" ;;
        apikey) echo "+ API key" ;;
        jwt) echo "+ JWT (cached token)" ;;
        jwt-rl) echo "+ JWT + rate limit" ;;
        full) echo "full chain (log, WAF, JWT, rate limit)" ;;
        nginx) echo "nginx reference" ;;
    esac
}
scenario_bodies() { case $1 in plain|full|nginx) echo "small big" ;; *) echo "small" ;; esac; }
scenario_headers() { # printed one per line
    case $1 in
        apikey) echo "x-api-key: $API_KEY" ;;
        jwt|jwt-rl|full) echo "Authorization: Bearer $TOKEN" ;;
    esac
}

gen_config() { # scenario file
    local s=$1 file=$2 auth=none waf=off rl=false level=info
    case $s in
        apikey) auth=api-key ;;
        jwt) auth=jwt ;;
        jwt-rl) auth=jwt; rl=true ;;
        full) auth=jwt; rl=true; waf=block ;;
    esac
    [[ $ACCESS_LOG == on ]] || level=warn
    local key_entry
    if [[ $JWT_ALG == HS256 ]]; then
        key_entry="{ kid: bench1, file: $OUT/keys/hs256.secret }"
    else
        key_entry="{ kid: bench1, file: $OUT/keys/rs256.pem }"
    fi
    cat > "$file" <<EOF
# Generated by src/test/load/run.sh for the scenario "$s"; regenerated on every run.
gateway:
  trusted-proxies: []
redis:
  uri: redis://127.0.0.1:$REDIS_PORT
auth:
  issuer: https://portcullis.bench
  audience: api
  algorithm: $JWT_ALG
  signing-keys:
    - $key_entry
  access-ttl: 24h
api-keys:
  header: x-api-key
  static:
    - { id: bench-client, sha256: "$API_KEY_SHA256", scopes: [bench] }
rate-limits:
  enabled: $rl
  default: { limit: 100000000, window: 1m }
  anonymous: { limit: 100000000, window: 1m }
routes:
  - prefix: /api
    id: bench
    upstream: http://127.0.0.1:$UPSTREAM_PORT
    strip-prefix: true
    auth: $auth
waf:
  mode: "$waf"
logging:
  format: json
  level: $level
EOF
}

# Which stages really acted (a stage not merged yet passes requests through): probes with bad input.
active_stages() { # scenario base-url
    local s=$1 base=$2 out=() code hdrs
    case $s in
        apikey)
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'x-api-key: wrong-key' "$base/api/small" || true)
            [[ $code == 401 ]] && out+=("api-key") || out+=("api-key pass-through($code)") ;;
        jwt|jwt-rl|full)
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/api/small" || true)
            [[ $code == 401 ]] && out+=("jwt") || out+=("jwt pass-through($code)") ;;
    esac
    if [[ $s == jwt-rl || $s == full ]]; then
        hdrs=$(curl -s -D - -o /dev/null --max-time 5 -H "Authorization: Bearer $TOKEN" "$base/api/small" || true)
        grep -qi '^ratelimit' <<< "$hdrs" && out+=("rate-limit") || out+=("rate-limit pass-through")
    fi
    if [[ $s == full ]]; then
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $TOKEN" \
            "$base/api/small?id=1%27%20OR%20%271%27=%271&q=%3Cscript%3Ealert(1)%3C/script%3E" || true)
        [[ $code == 403 ]] && out+=("waf") || out+=("waf pass-through($code)")
    fi
    local joined
    joined=$(printf '%s, ' "${out[@]}")
    echo "${joined%, }"
}

# Client-issued Redis commands per request (the round-trip target): MONITOR while N sequential requests
# pass; lines from "[0 lua]" are commands a script ran, PING (health) is not counted.
redis_probe() { # base-url headers...
    local base=$1; shift
    local args=() h mon_pid n
    for h in "$@"; do args+=(-H "$h"); done
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" MONITOR > "$OUT/tmp/monitor.txt" 2>/dev/null &
    mon_pid=$!
    PIDS+=("$mon_pid")
    sleep 0.5
    curl -s --max-time 120 "${args[@]}" "$base/api/small?probe=[1-$REDIS_PROBE_REQUESTS]" > /dev/null || true
    sleep 0.5
    stop_pid "$mon_pid" 5
    forget_pid "$mon_pid"
    n=$(awk '$2 ~ /^\[/ && $3 !~ /^lua\]/ && tolower($4) != "\"ping\"" { n++ } END { print n + 0 }' "$OUT/tmp/monitor.txt")
    awk -v n="$n" -v r="$REDIS_PROBE_REQUESTS" 'BEGIN { printf "%.2f\n", n / r }'
}

# ---- one measured target: warm-up, then ROUNDS rounds per body ----------------------------------------
# A JVM on one core compiles its hot path while it serves: throughput climbs for a minute or two (the JIT
# compiler shares the core with the request threads). Warm-up goes on in steps until three consecutive steps
# agree, so rounds measure the steady state rather than the compiler.
warm_up() { # label url outfile-prefix headers...
    local label=$1 url=$2 prefix=$3; shift 3
    local spent step i=0 rates=() current
    log "$label: warm-up $WARMUP on ${url##*/api}"
    wrk_run "$WARMUP" "$url" "$prefix-0.txt" "$@"
    spent=$(seconds_of "$WARMUP")
    step=$(seconds_of "$WARMUP_STEP")
    while (( spent + step <= WARMUP_MAX )); do
        i=$(( i + 1 ))
        wrk_run "$WARMUP_STEP" "$url" "$prefix-$i.txt" "$@"
        spent=$(( spent + step ))
        current=$(parse_wrk "$prefix-$i.txt" | awk '{ print $2 }')
        rates+=("$current")
        (( ${#rates[@]} > 3 )) && rates=("${rates[@]:1}")
        # steady: the last three steps within WARMUP_TOLERANCE percent of each other (a JIT that is still
        # compiling can hold a plateau for two steps and then climb again)
        if (( ${#rates[@]} == 3 )) && printf '%s\n' "${rates[@]}" | awk -v t="$WARMUP_TOLERANCE" '
                NR == 1 { lo = $1; hi = $1 } { if ($1 < lo) lo = $1; if ($1 > hi) hi = $1 }
                END { exit !(hi > 0 && (hi - lo) * 100 <= t * hi) }'; then
            log "$label: steady after ${spent}s of warm-up (last steps ${rates[*]} req/s)"
            printf '%s\t%s\tsteady\n' "$label ${url##*/api/}" "$spent" >> "$WARMUPS"
            return 0
        fi
    done
    log "$label: still climbing after ${spent}s of warm-up (last steps ${rates[*]} req/s); measuring anyway"
    printf '%s\t%s\tstill climbing\n' "$label ${url##*/api/}" "$spent" >> "$WARMUPS"
}

RAW=$OUT/raw.tsv
WARMUPS=$OUT/warmup.tsv
STATUS=$OUT/status.tsv

measure() { # server scenario base-url pids-var-name
    local server=$1 s=$2 base=$3 pids_name=$4
    local -n pids_ref=$pids_name
    local headers=() line body round out c0 c1 r0 r1 parsed
    while IFS= read -r line; do [[ -n $line ]] && headers+=("$line"); done < <(scenario_headers "$s")
    [[ $server == nginx ]] && headers=()
    for body in $(scenario_bodies "$s"); do
        warm_up "$server/$s" "$base/api/$body" "$OUT/wrk/$server-$s-$body-warmup" "${headers[@]}"
    done
    for (( round = 1; round <= ROUNDS; round++ )); do
        for body in $(scenario_bodies "$s"); do
            out=$OUT/wrk/$server-$s-$body-$round.txt
            c0=$(cpu_ticks "${pids_ref[@]}"); r0=$(redis_cmds)
            wrk_run "$DURATION" "$base/api/$body" "$out" "${headers[@]}"
            c1=$(cpu_ticks "${pids_ref[@]}"); r1=$(redis_cmds)
            parsed=$(parse_wrk "$out")
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$s" "$body" "$round" \
                "${parsed// /$'\t'}" $(( c1 - c0 )) $(( r1 - r0 )) "$(seconds_of "$DURATION")" >> "$RAW"
            log "$server/$s /$body round $round: $(awk '{ printf "%s req/s, p50 %s ms, p99 %s ms, non-2xx %s", $2, $3, $4, $5 }' <<< "$parsed")"
        done
    done
}

# ---- preflight -----------------------------------------------------------------------------------------
missing=()
for tool in nginx wrk redis-server redis-cli taskset curl java mvn openssl unzip tar ss awk sha256sum timeout; do
    command -v "$tool" > /dev/null || missing+=("$tool")
done
if (( ${#missing[@]} )); then
    log "missing: ${missing[*]}"
    log "install them first, e.g.: apt-get install -y nginx wrk redis-server   (JDK 17+, Maven, curl, unzip: your distribution)"
    exit 1
fi
ncpu=$(nproc)
if (( GATEWAY_CORE >= ncpu || LOAD_CORE >= ncpu )); then
    die "GATEWAY_CORE=$GATEWAY_CORE / LOAD_CORE=$LOAD_CORE: this machine has $ncpu cores"
fi
[[ $JWT_ALG == RS256 || $JWT_ALG == HS256 ]] || die "JWT_ALG must be RS256 or HS256"

rm -rf "$OUT/logs" "$OUT/wrk" "$OUT/conf" "$OUT/tmp" "$OUT/nginx-up" "$OUT/nginx-ref" "$OUT/redis" \
       "$OUT/jetty-base" "$OUT/tomcat-base" "$RAW" "$STATUS" "$WARMUPS" "$OUT/results.md"
mkdir -p "$OUT"/{dist,logs,wrk,conf,tmp,keys}
CLK_TCK=$(getconf CLK_TCK)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- build ----------------------------------------------------------------------------------------------
cd "$ROOT"
if [[ ! -f $WAR || ! -f $ROOT/target/portcullis-tomcat.jar || $REBUILD == 1 ]]; then
    log "building target/portcullis.war (mvn -B -q package -DskipTests)"
    mvn -B -q package -DskipTests
fi
log "compiling the token helper and writing the test classpath"
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" > "$OUT/logs/mvn-classpath.log" 2>&1 \
    || die "mvn test-compile dependency:build-classpath failed, see $OUT/logs/mvn-classpath.log"

for dist in "org.eclipse.jetty:jetty-home:$JETTY_VERSION:tar.gz:jetty-home-$JETTY_VERSION.tar.gz" \
            "org.apache.tomcat:tomcat:$TOMCAT_VERSION:zip:tomcat-$TOMCAT_VERSION.zip"; do
    file=${dist##*:}
    if [[ ! -f $OUT/dist/$file ]]; then
        log "fetching ${dist%:*} from the Maven repository"
        mvn -B -q dependency:copy -Dartifact="${dist%:*}" -DoutputDirectory="$OUT/dist"
    fi
done
JETTY_HOME=$OUT/jetty-home-$JETTY_VERSION
CATALINA_HOME_DIR=$OUT/apache-tomcat-$TOMCAT_VERSION
[[ -f $JETTY_HOME/start.jar ]] || tar -xzf "$OUT/dist/jetty-home-$JETTY_VERSION.tar.gz" -C "$OUT"
if [[ ! -f $CATALINA_HOME_DIR/bin/catalina.sh ]]; then
    unzip -q -o "$OUT/dist/tomcat-$TOMCAT_VERSION.zip" -d "$OUT"
    chmod +x "$CATALINA_HOME_DIR"/bin/*.sh
fi

# ---- keys and credentials --------------------------------------------------------------------------------
[[ -f $OUT/keys/rs256.pem ]] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$OUT/keys/rs256.pem" 2>/dev/null
[[ -f $OUT/keys/hs256.secret ]] || openssl rand -hex 32 | tr -d '\n' > "$OUT/keys/hs256.secret"
API_KEY=bench-$(openssl rand -hex 16)
API_KEY_SHA256=$(printf '%s' "$API_KEY" | sha256sum | cut -d' ' -f1)

# ---- upstream nginx (load core) ---------------------------------------------------------------------------
nginx_common() { # dir
    cat <<EOF
daemon off;
master_process on;
worker_processes 1;
user $(id -un) $(id -gn);
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 4096; }
EOF
}
nginx_temp_paths() { # dir
    cat <<EOF
  client_body_temp_path $1/tmp/body;
  proxy_temp_path $1/tmp/proxy;
  fastcgi_temp_path $1/tmp/fastcgi;
  uwsgi_temp_path $1/tmp/uwsgi;
  scgi_temp_path $1/tmp/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
EOF
}

start_nginx() { # name dir core -> sets NGINX_PID, records master and workers
    local name=$1 dir=$2 core=$3 i
    taskset -c "$core" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" > "$OUT/logs/$name.out" 2>&1 &
    NGINX_PID=$!
    PIDS+=("$NGINX_PID")
    for (( i = 0; i < 50; i++ )); do
        [[ -n $(pgrep -P "$NGINX_PID" 2>/dev/null) ]] && break
        kill -0 "$NGINX_PID" 2>/dev/null || die "nginx $name did not start: $(cat "$dir/error.log" "$OUT/logs/$name.out" 2>/dev/null)"
        sleep 0.1
    done
    for i in $(pgrep -P "$NGINX_PID" 2>/dev/null); do EXTRA_PIDS+=("$i"); done
}

UPSTREAM_PORT=$(free_port)
UP_DIR=$OUT/nginx-up
mkdir -p "$UP_DIR"/{tmp,www}
head -c 65536 /dev/zero | tr '\0' 'x' | awk '{ printf "{\"data\":\"%s\"}", substr($0, 1, 65536 - 11) }' > "$UP_DIR/www/big"
[[ $(stat -c %s "$UP_DIR/www/big") == 65536 ]] || die "the 64 KiB body is not 65536 bytes"
{
    nginx_common "$UP_DIR"
    cat <<EOF
http {
  access_log off;
$(nginx_temp_paths "$UP_DIR")
  server {
    listen 127.0.0.1:$UPSTREAM_PORT backlog=4096;
    location = /small { default_type application/json; return 200 '{"status":"ok","service":"bench-upstream","items":[1,2,3]}'; }
    location = /big { root $UP_DIR/www; default_type application/json; }
  }
}
EOF
} > "$UP_DIR/nginx.conf"
start_nginx upstream "$UP_DIR" "$LOAD_CORE"
wait_http "http://127.0.0.1:$UPSTREAM_PORT/small" 10 || die "the upstream nginx does not answer"
log "upstream nginx on 127.0.0.1:$UPSTREAM_PORT (pid $NGINX_PID, core $LOAD_CORE)"

# ---- Redis (load core, no persistence) --------------------------------------------------------------------
REDIS_PORT=$(free_port)
mkdir -p "$OUT/redis"
taskset -c "$LOAD_CORE" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$OUT/redis" --daemonize no --logfile "$OUT/logs/redis.log" > /dev/null 2>&1 &
REDIS_PID=$!
PIDS+=("$REDIS_PID")
for (( i = 0; i < 50; i++ )); do
    [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" PING 2>/dev/null) == PONG ]] && break
    kill -0 "$REDIS_PID" 2>/dev/null || die "redis-server did not start: $(tail -5 "$OUT/logs/redis.log")"
    sleep 0.1
done
log "redis-server $(redis-server --version | awk '{ print $3 }' | sed 's/^v=//') on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID, core $LOAD_CORE)"

# ---- the cached JWT, minted by the gateway's own issuer with the benchmark key ---------------------------------
gen_config jwt "$OUT/conf/token.yaml"
TOKEN=$(java -cp "$ROOT/target/classes:$ROOT/target/test-classes:$(cat "$OUT/cp.txt")" \
    io.portcullis.bench.BenchToken "$OUT/conf/token.yaml" 2> "$OUT/logs/token.log" | tail -n 1) \
    || die "minting the token failed, see $OUT/logs/token.log"
[[ $TOKEN == *.*.* ]] || die "minting the token failed, see $OUT/logs/token.log"
log "minted a $JWT_ALG access token (${#TOKEN} characters)"

# ---- the nginx reference (gateway core, running only while it is measured) ----------------------------------
run_reference() {
    local port dir=$OUT/nginx-ref access="off" pids
    port=$(free_port)
    mkdir -p "$dir/tmp"
    [[ $ACCESS_LOG == on ]] && access="$dir/access.log"
    {
        nginx_common "$dir"
        cat <<EOF
http {
  access_log $access;
$(nginx_temp_paths "$dir")
  upstream backend { server 127.0.0.1:$UPSTREAM_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$port backlog=4096;
    location /api/ {
      proxy_pass http://backend/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$http_host;
      proxy_set_header X-Request-Id \$request_id;
      add_header X-Request-Id \$request_id always;
    }
  }
}
EOF
    } > "$dir/nginx.conf"
    start_nginx reference "$dir" "$GATEWAY_CORE"
    local ref_pid=$NGINX_PID
    if ! wait_http "http://127.0.0.1:$port/api/small" 10; then
        printf 'nginx\tnginx\tn/a\treference did not answer\n' >> "$STATUS"
        stop_pid "$ref_pid"; forget_pid "$ref_pid"; stop_extra_pids
        return 0
    fi
    log "nginx reference on 127.0.0.1:$port (pid $ref_pid, core $GATEWAY_CORE)"
    pids=("$ref_pid" $(pgrep -P "$ref_pid"))
    measure nginx nginx "http://127.0.0.1:$port" pids
    printf 'nginx\tnginx\tok\t\t0.00\n' >> "$STATUS"
    stop_pid "$ref_pid"; forget_pid "$ref_pid"; stop_extra_pids
    [[ -f $dir/access.log ]] && : > "$dir/access.log"
    return 0
}

# ---- the gateway in Jetty 12 and Tomcat 10.1 (gateway core) --------------------------------------------------
prepare_jetty_base() {
    local base=$OUT/jetty-base level=INFO
    [[ $ACCESS_LOG == on ]] || level=WARN
    mkdir -p "$base"
    (cd "$base" && java -jar "$JETTY_HOME/start.jar" --add-modules=http,ee10-deploy > "$OUT/logs/jetty-setup.log" 2>&1) \
        || die "jetty-base setup failed, see $OUT/logs/jetty-setup.log"
    # On Jetty the webapp logs through Jetty's SLF4J: its levels come from here, not from logging.level.
    printf '\n# run.sh\nio.portcullis.LEVEL=%s\nportcullis.LEVEL=%s\n' "$level" "$level" \
        >> "$base/resources/jetty-logging.properties"
    cp "$WAR" "$base/webapps/ROOT.war"
}

prepare_tomcat_base() {
    local base=$OUT/tomcat-base
    rm -rf "$base"
    mkdir -p "$base"/{bin,conf,logs,temp,webapps,work}
    cp "$CATALINA_HOME_DIR"/conf/{catalina.policy,catalina.properties,jaspic-providers.xml,logging.properties,web.xml} "$base/conf/"
    cp "$ROOT"/tomcat-conf/{server.xml,context.xml,tomcat-users.xml} "$base/conf/"
    cp "$ROOT/tomcat-conf/setenv.sh" "$base/bin/setenv.sh"
    mkdir -p "$base/lib" && cp "$ROOT/target/portcullis-tomcat.jar" "$base/lib/"
    cp "$WAR" "$base/webapps/ROOT.war"
}

start_gateway() { # container scenario port config log -> GATEWAY_PID
    local c=$1 s=$2 port=$3 cfg=$4 logf=$5
    if [[ $c == jetty ]]; then
        (cd "$OUT/jetty-base" && exec taskset -c "$GATEWAY_CORE" java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC \
            -XX:+ExitOnOutOfMemoryError -Djava.security.egd=file:/dev/urandom -Djava.io.tmpdir="$OUT/tmp" \
            -Dportcullis.config="$cfg" $GATEWAY_JAVA_OPTS \
            -jar "$JETTY_HOME/start.jar" jetty.http.host=127.0.0.1 jetty.http.port="$port") > "$logf" 2>&1 &
    else
        rm -rf "$OUT/tomcat-base/work"/* "$OUT/tomcat-base/webapps/ROOT" "$OUT/tomcat-base/logs"/*
        CATALINA_HOME=$CATALINA_HOME_DIR CATALINA_BASE=$OUT/tomcat-base PORTCULLIS_CONFIG=$cfg \
            PORTCULLIS_HTTP_PORT=$port PORTCULLIS_HEAP=$HEAP CATALINA_OPTS="-Dportcullis.http.address=127.0.0.1 $GATEWAY_JAVA_OPTS" \
            taskset -c "$GATEWAY_CORE" "$CATALINA_HOME_DIR/bin/catalina.sh" run > "$logf" 2>&1 &
    fi
    GATEWAY_PID=$!
    PIDS+=("$GATEWAY_PID")
}

await_gateway() { # port pid log -> 0 ready, 1 failed (reason in FAIL_REASON)
    local port=$1 pid=$2 logf=$3 i code first_answer=0
    for (( i = 0; i < STARTUP_TIMEOUT * 4; i++ )); do
        if ! kill -0 "$pid" 2>/dev/null; then FAIL_REASON="process exited"; return 1; fi
        if grep -q 'Invalid Portcullis configuration' "$logf" 2>/dev/null; then
            FAIL_REASON="config rejected: $(grep -A3 'Invalid Portcullis configuration' "$logf" | grep -- ' - ' | head -3 | sed 's/^ *- //' | tr '\n' ';')"
            return 1
        fi
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/health" || true)
        [[ $code == 200 ]] && return 0
        if [[ $code != 000 ]]; then
            (( first_answer )) || first_answer=$i
            # the server answers, but not the gateway: give a deploying context 15 s, then give up
            if (( i - first_answer > 60 )); then FAIL_REASON="context not available (/health $code)"; return 1; fi
        fi
        sleep 0.25
    done
    FAIL_REASON="no 200 from /health within ${STARTUP_TIMEOUT}s"
    return 1
}

run_gateway() { # container scenario
    local c=$1 s=$2 port cfg logf code stages rt pids
    port=$(free_port)
    cfg=$OUT/conf/$s.yaml
    logf=$OUT/logs/$c-$s.log
    gen_config "$s" "$cfg"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" FLUSHALL > /dev/null
    log "$c/$s: starting on 127.0.0.1:$port (core $GATEWAY_CORE)"
    start_gateway "$c" "$s" "$port" "$cfg" "$logf"
    local gw_pid=$GATEWAY_PID
    if ! await_gateway "$port" "$gw_pid" "$logf"; then
        log "$c/$s: n/a ($FAIL_REASON)"
        printf '%s\t%s\tn/a\t%s\n' "$c" "$s" "$FAIL_REASON" >> "$STATUS"
        stop_pid "$gw_pid"; forget_pid "$gw_pid"; trim_log "$logf"
        return 0
    fi
    local base=http://127.0.0.1:$port headers=() curl_headers=() line
    while IFS= read -r line; do
        [[ -n $line ]] && headers+=("$line") && curl_headers+=(-H "$line")
    done < <(scenario_headers "$s")
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "${curl_headers[@]}" "$base/api/small" || true)
    if [[ $code != 2* ]]; then
        log "$c/$s: n/a (probe answered $code)"
        printf '%s\t%s\tn/a\tprobe GET /api/small answered %s\n' "$c" "$s" "$code" >> "$STATUS"
        stop_pid "$gw_pid"; forget_pid "$gw_pid"; trim_log "$logf"
        return 0
    fi
    stages=$(active_stages "$s" "$base")
    pids=("$gw_pid")
    measure "$c" "$s" "$base" pids
    rt=$(redis_probe "$base" "${headers[@]}")
    printf '%s\t%s\tok\t%s\t%s\n' "$c" "$s" "$stages" "$rt" >> "$STATUS"
    stop_pid "$gw_pid" 20; forget_pid "$gw_pid"; trim_log "$logf"
}

# ---- run ------------------------------------------------------------------------------------------------------
log "settings: ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS WRK_THREADS=$WRK_THREADS" \
    "ACCESS_LOG=$ACCESS_LOG JWT_ALG=$JWT_ALG HEAP=$HEAP cores: gateway $GATEWAY_CORE, load $LOAD_CORE"
run_reference
for c in $CONTAINERS; do
    case $c in
        jetty) prepare_jetty_base ;;
        tomcat) prepare_tomcat_base ;;
        *) die "unknown container $c (jetty | tomcat)" ;;
    esac
    for s in $SCENARIOS; do
        run_gateway "$c" "$s"
    done
done

# ---- report -----------------------------------------------------------------------------------------------------
{
    echo "# Portcullis load benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "Settings: ROUNDS=$ROUNDS, DURATION=$DURATION, WARMUP=$WARMUP, wrk -t$WRK_THREADS -c$CONNECTIONS;" \
         "access log $ACCESS_LOG; JWT $JWT_ALG; heap $HEAP; gateway and nginx reference on core $GATEWAY_CORE," \
         "wrk + upstream + Redis on core $LOAD_CORE."
    echo "Machine: $(nproc) cores, $(lscpu | awk -F': *' '/^Model name/ { print $2; exit }');" \
         "load average before the run $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg);" \
         "$(java -version 2>&1 | head -n 1); $(nginx -v 2>&1 | sed 's/^nginx version: //'); Redis $(redis-server --version | awk '{ print $3 }' | sed 's/^v=//')."
    echo
    awk -F'\t' -v tck="$CLK_TCK" -v order="nginx $SCENARIOS" -v containers="$CONTAINERS" \
        -f "$LOAD_DIR/report.awk" "$STATUS" "$RAW"
    echo
    echo "Warm-up before the rounds (seconds of load; steady = three ${WARMUP_STEP} steps within ${WARMUP_TOLERANCE}%):"
    echo
    echo "| target | warm-up s | state |"
    echo "|---|---:|---|"
    awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$WARMUPS" 2>/dev/null || true
} > "$OUT/results.md"
cat "$OUT/results.md"
log "results: $OUT/results.md (raw rounds: $RAW, wrk output: $OUT/wrk/, server logs: $OUT/logs/)"
