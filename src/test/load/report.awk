# Turns the benchmark's status.tsv (first file) and raw.tsv (second file) into the markdown results table.
# Called by run.sh:  awk -F'\t' -v tck=CLK_TCK -v order="nginx plain ..." -v containers="jetty tomcat" -f report.awk status.tsv raw.tsv
#   status.tsv: server  scenario  ok|n/a  stages-or-reason  redis-client-commands-per-request
#   raw.tsv:    server  scenario  body  round  requests  rps  p50ms  p99ms  non2xx  socket-errors  cpu-ticks  redis-commands  seconds

FNR == NR {
    st[$1, $2] = $3; note[$1, $2] = $4; rt[$1, $2] = $5
    next
}
{
    k = $1 SUBSEP $2 SUBSEP $3
    i = ++n[k]
    rps[k, i] = $6; p50[k, i] = $7; p99[k, i] = $8
    req[k] += $5; non2xx[k] += $9; err[k] += $10; ticks[k] += $11; rcmd[k] += $12; secs[k] += $13
}

function median(a, k, cnt,    i, j, t, v) {
    for (i = 1; i <= cnt; i++) v[i] = a[k, i] + 0
    for (i = 2; i <= cnt; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return cnt % 2 ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2
}
function ratio(x, ref) { return (ref > 0 && x != "") ? sprintf("%.2f", x / ref) : "–" }
function title(s) {
    if (s == "nginx") return "nginx reference (plain proxy)"
    if (s == "plain") return "plain proxy"
    if (s == "apikey") return "+ API key"
    if (s == "jwt") return "+ JWT (cached token)"
    if (s == "jwt-rl") return "+ JWT + rate limit"
    if (s == "full") return "full chain (log, WAF, JWT, rate limit)"
    return s
}
function bodies(s) { return (s == "nginx" || s == "plain" || s == "full") ? "small big" : "small" }
function metrics(srv, s, b,    k) {
    k = srv SUBSEP s SUBSEP b
    if (!(k in n) || req[k] == 0) { M_ok = 0; return }
    M_ok = 1
    M_rps = median(rps, k, n[k]); M_p50 = median(p50, k, n[k]); M_p99 = median(p99, k, n[k])
    M_cpu = ticks[k] * 1000 / tck / req[k] * 1000
    M_busy = secs[k] > 0 ? ticks[k] / tck / secs[k] * 100 : 0
    M_redis = rcmd[k] / req[k]
    M_bad = non2xx[k] "/" err[k]
}

END {
    for (b = 1; b <= 2; b++) {
        body = b == 1 ? "small" : "big"
        metrics("nginx", "nginx", body)
        if (M_ok) { ref_rps[body] = M_rps; ref_p50[body] = M_p50; ref_p99[body] = M_p99; ref_cpu[body] = M_cpu }
    }
    print "| scenario | body | server | req/s | × nginx | p50 ms | × nginx | p99 ms | × nginx | CPU ms / 1k req | × nginx | core busy | Redis cmds / req | Redis client cmds / req | non-2xx / socket errors | stages acting |"
    print "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    ns = split(order, scen, " ")
    nc = split(containers, cont, " ")
    for (si = 1; si <= ns; si++) {
        s = scen[si]
        nb = split(bodies(s), bl, " ")
        for (bi = 1; bi <= nb; bi++) {
            body = bl[bi]
            label = body == "small" ? "small JSON" : "64 KiB"
            ncs = s == "nginx" ? 1 : nc
            for (ci = 1; ci <= ncs; ci++) {
                srv = s == "nginx" ? "nginx" : cont[ci]
                if (st[srv, s] != "ok") {
                    why = (srv, s) in st ? note[srv, s] : "not run"
                    printf "| %s | %s | %s | n/a | | | | | | | | | | | | %s |\n", title(s), label, srv, why
                    continue
                }
                metrics(srv, s, body)
                if (!M_ok) { printf "| %s | %s | %s | n/a | | | | | | | | | | | | no requests measured |\n", title(s), label, srv; continue }
                printf "| %s | %s | %s | %.0f | %s | %.2f | %s | %.2f | %s | %.1f | %s | %.0f%% | %.2f | %s | %s | %s |\n",
                    title(s), label, srv, M_rps, ratio(M_rps, ref_rps[body]), M_p50, ratio(M_p50, ref_p50[body]),
                    M_p99, ratio(M_p99, ref_p99[body]), M_cpu, ratio(M_cpu, ref_cpu[body]), M_busy, M_redis,
                    s == "nginx" ? "–" : rt[srv, s], M_bad, s == "nginx" ? "–" : (note[srv, s] == "" ? "–" : note[srv, s])
                if (s != "nginx" && ref_rps[body] > 0) got[srv, s, body] = M_rps / ref_rps[body]
                if (s != "nginx") rtv[srv, s] = rt[srv, s]
            }
        }
    }
    print ""
    print "Targets (req/s as a ratio to the nginx reference of the same body, same run):"
    print ""
    print "| target | " (nc >= 1 ? cont[1] : "") (nc >= 2 ? " | " cont[2] : "") " |"
    print "|---|" (nc >= 1 ? "---|" : "") (nc >= 2 ? "---|" : "")
    target("plain proxy, small JSON: ≥ 0.50×", "plain", "small", 0.5, "ratio")
    target("full chain, small JSON: ≥ 0.37×", "full", "small", 0.37, "ratio")
    target("full chain: ≤ 1 Redis round trip / req", "full", "", 1, "redis")
    target("plain proxy, 64 KiB: ≥ 0.80× (≤ 20% below nginx)", "plain", "big", 0.8, "ratio")
    target("full chain, 64 KiB: ≥ 0.80×", "full", "big", 0.8, "ratio")
}

# A stage that is not merged yet passes requests through: such a figure is not the target's workload.
function target(text, s, body, limit, kind,    line, ci, srv, v, caveat) {
    line = "| " text " |"
    for (ci = 1; ci <= nc; ci++) {
        srv = cont[ci]
        caveat = index(note[srv, s], "pass-through") ? " (not the real chain: a stage passes through)" : ""
        if (kind == "ratio") {
            if ((srv, s, body) in got) { v = got[srv, s, body]; line = line sprintf(" %.2f× %s%s |", v, v >= limit ? "met" : "**not met**", caveat) }
            else line = line " n/a |"
        } else if (index(note[srv, s], "rate-limit pass-through")) {
            line = line " n/a (rate limit not acting) |"
        } else {
            if ((srv, s) in rtv && rtv[srv, s] != "") { v = rtv[srv, s] + 0; line = line sprintf(" %.2f %s |", v, v <= limit ? "met" : "**not met**") }
            else line = line " n/a |"
        }
    }
    print line
}
