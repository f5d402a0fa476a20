#!/usr/bin/env bash
# Measures the scale goals in one run and prints them beside the goals.
#
#   scripts/scale-goals.sh [pg] [reads] [fleet]      (default: pg reads)
#
#   pg     pgbench TPC-B (scale 10, 8 clients) and ecsd-load on PostgreSQL,
#          16 accounts and 1 account at concurrency 16, change-delay 0:
#          accepted changes/s against pgbench's tps, request and
#          time-to-applied p99. About 3 minutes.
#   reads  BenchmarkSignedDescribeInstance{,Postgres}Parallel against
#          BenchmarkBaselineParallel (the bare signed-HTTP ceiling), same
#          run. About 1 minute.
#   fleet  a standing fleet of FLEET_SIZE instances (default 1,000,000)
#          against one of 1,000, on FLEET_STORES (default "sqlite postgres"):
#          p50 of DescribeInstances(1 id), of a page of 100, of
#          RunInstances(Amount=10) and of an accepted change, server RSS.
#          The preload of a million takes tens of minutes a store; the run
#          starts once no fleet instance is Pending (the settle time).
#
# Environment: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres):
# PostgreSQL with trust auth; the script creates and drops its own databases
# ecsd_scale and ecsd_pgbench. DURATION of each load run (30s). OUT, the
# directory of logs and JSON summaries (a new one under /tmp). ADDR of the
# server the script starts (127.0.0.1:18780): give two runs at once their own.
# Non-interactive; every figure is printed with the machine's load average
# when it was taken, as other work on the machine moves them.
set -euo pipefail

cd "$(dirname "$0")/.."
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DURATION=${DURATION:-30s}
FLEET_SIZE=${FLEET_SIZE:-1000000}
FLEET_STORES=${FLEET_STORES:-"sqlite postgres"}
OUT=${OUT:-$(mktemp -d /tmp/scale-goals.XXXXXX)}
ADDR=${ADDR:-127.0.0.1:18780}
TOKEN=scale-goals
PGDSN="postgres://$PGUSER@$PGHOST:$PGPORT/ecsd_scale?sslmode=disable"
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(pg reads)

say() { echo "scale-goals: $*" >&2; }
load() { cut -d' ' -f1 /proc/loadavg; }
server_pid=

go build -o "$OUT/ecsd" ./cmd/ecsd
go build -o "$OUT/ecsd-load" ./cmd/ecsd-load
say "logs and summaries in $OUT"

stop_server() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
}
trap stop_server EXIT

fresh_db() {
	psql -qX -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null 2>&1
}

# start_server STORE: a fresh store of that kind, delays and limits off.
start_server() {
	stop_server
	local store=(--db "$PGDSN")
	if [ "$1" = sqlite ]; then
		rm -rf "$OUT/sqlite-data"
		store=(--data "$OUT/sqlite-data")
	else
		fresh_db ecsd_scale
	fi
	"$OUT/ecsd" serve "${store[@]}" --addr "$ADDR" --admin-token "$TOKEN" --log-level warn \
		--change-delay 0 --transition-delay 0 --throttle-action 0 --throttle-user 0 --call-log-max 0 \
		>"$OUT/server-$1.log" 2>&1 &
	server_pid=$!
	for _ in $(seq 100); do
		# Ready, and ours: another process on ADDR would answer too.
		if ! kill -0 "$server_pid" 2>/dev/null; then
			break
		fi
		curl -sf "http://$ADDR/readyz" >/dev/null && return
		sleep 0.1
	done
	say "ecsd did not become ready; see $OUT/server-$1.log"
	exit 1
}

# run_load NAME ARGS...: ecsd-load against the running server, JSON summary
# to $OUT/NAME.json.
run_load() {
	local name=$1
	shift
	"$OUT/ecsd-load" --endpoint "$ADDR" --admin-token "$TOKEN" --progress 0 --json "$@" >"$OUT/$name.json" 2>"$OUT/$name.log"
	echo "$(load)" >"$OUT/$name.load"
}

# j NAME FILTER: a figure of a summary, numbers to one decimal.
j() { jq -r "$2 | if type == \"number\" then (. * 10 | round / 10) else . end" "$OUT/$1.json"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
verdict() { awk -v c="$1" 'BEGIN { print (c ? "met" : "NOT met") }'; }

pg_part() {
	say "pgbench: TPC-B, scale 10, 8 clients, $DURATION"
	fresh_db ecsd_pgbench
	pgbench -q -i -s 10 ecsd_pgbench >"$OUT/pgbench-init.log" 2>&1
	pgbench -c 8 -j 2 -T "${DURATION%s}" ecsd_pgbench >"$OUT/pgbench.log" 2>&1
	local pg_load tps
	pg_load=$(load)
	tps=$(awk '/^tps = / { printf "%.1f", $3; exit }' "$OUT/pgbench.log")

	say "ecsd-load: PostgreSQL, 16 accounts, concurrency 16, $DURATION"
	start_server postgres
	run_load pg16 --instances 256 --accounts 16 --concurrency 16 --duration "$DURATION"
	say "ecsd-load: PostgreSQL, 1 account, concurrency 16, $DURATION"
	start_server postgres
	run_load pg1 --instances 200 --accounts 1 --concurrency 16 --duration "$DURATION"
	stop_server

	local acc req99 app99 one99
	acc=$(j pg16 .AcceptedPerSecond)
	req99=$(j pg16 .RequestLatency.P99)
	app99=$(j pg16 .TimeToApplied.P99)
	one99=$(j pg1 .RequestLatency.P99)
	echo
	echo "PostgreSQL changes (load average: pgbench $pg_load, 16 accounts $(cat "$OUT/pg16.load"), 1 account $(cat "$OUT/pg1.load"))"
	printf '| %-44s | %-12s | %-12s | %s\n' figure measured goal verdict
	printf '| %-44s | %-12s | %-12s | %s\n' "pgbench TPC-B tps (scale 10, 8 clients)" "$tps" "" ""
	printf '| %-44s | %-12s | %-12s | %s\n' "accepted changes/s, 16 accounts, conc. 16" "$acc" "" ""
	printf '| %-44s | %-12s | %-12s | %s\n' "  ratio to pgbench tps" "$(ratio "$acc" "$tps")" ">= 0.30" "$(verdict "$(awk -v a="$acc" -v t="$tps" 'BEGIN{print (t > 0 && a / t >= 0.30)}')")"
	printf '| %-44s | %-12s | %-12s | %s\n' "request p99 (ms), 16 accounts" "$req99" "< 50" "$(verdict "$(awk -v x="$req99" 'BEGIN{print (x < 50)}')")"
	printf '| %-44s | %-12s | %-12s | %s\n' "time-to-applied p99 (ms), 16 accounts" "$app99" "< 250" "$(verdict "$(awk -v x="$app99" 'BEGIN{print (x < 250)}')")"
	printf '| %-44s | %-12s | %-12s | %s\n' "request p99 (ms), 1 account, conc. 16" "$one99" "< 100" "$(verdict "$(awk -v x="$one99" 'BEGIN{print (x < 100)}')")"
	printf '| %-44s | %-12s | %-12s | %s\n' "accepted changes/s, 1 account, conc. 16" "$(j pg1 .AcceptedPerSecond)" "" ""
}

reads_part() {
	say "benchmarks: signed DescribeInstances of one id against the bare signed-HTTP ceiling"
	local args=(-run '^$' -bench 'Benchmark(SignedDescribeInstance(Postgres)?|Baseline)Parallel$' -benchtime 3s -count 1)
	ECSD_TEST_POSTGRES_DSN=${ECSD_TEST_POSTGRES_DSN:-"postgres://$PGUSER@$PGHOST:$PGPORT/postgres?sslmode=disable"} \
		go test ./internal/server "${args[@]}" >"$OUT/bench.log" 2>&1
	local reads_load base sq pg
	reads_load=$(load)
	ns() { awk -v n="$1" '$1 ~ "^"n"(-[0-9]+)?$" { print $3; exit }' "$OUT/bench.log"; }
	base=$(ns BenchmarkBaselineParallel)
	sq=$(ns BenchmarkSignedDescribeInstanceParallel)
	pg=$(ns BenchmarkSignedDescribeInstancePostgresParallel)
	echo
	echo "Signed reads (ns/op, same run; load average $reads_load)"
	printf '| %-44s | %-12s | %-12s | %s\n' figure measured goal verdict
	printf '| %-44s | %-12s | %-12s | %s\n' "bare signed-HTTP ceiling (ns/op)" "$base" "" ""
	for row in "SQLite:$sq:0.30" "PostgreSQL:$pg:0.25"; do
		IFS=: read -r name v goal <<<"$row"
		local r
		r=$(ratio "$base" "$v")
		printf '| %-44s | %-12s | %-12s | %s\n' "DescribeInstances(1 id), $name (ns/op)" "$v" "" ""
		printf '| %-44s | %-12s | %-12s | %s\n' "  share of the ceiling" "$r" ">= $goal" "$(verdict "$(awk -v r="$r" -v g="$goal" 'BEGIN{print (r >= g)}')")"
	done
}

fleet_part() {
	local store
	for store in $FLEET_STORES; do
		local size
		for size in 1000 "$FLEET_SIZE"; do
			local accounts=$(((size + 3999) / 4000))
			[ "$accounts" -ge 10 ] || accounts=10
			say "fleet: $store, $size instances over $accounts accounts (preload through the API)"
			start_server "$store"
			run_load "fleet-$store-$size" --preload "$size" --preload-accounts "$accounts" --concurrency 8 \
				--instances 200 --accounts 1 --readers 2 --buyers 1 --duration "$DURATION"
			ps -o rss= -p "$server_pid" >"$OUT/fleet-$store-$size.rss"
			stop_server
		done
		local small="fleet-$store-1000" big="fleet-$store-$FLEET_SIZE"
		echo
		echo "Fleet on $store: $FLEET_SIZE against 1,000 instances (load average: $(cat "$OUT/$small.load") and $(cat "$OUT/$big.load"))"
		printf '| %-34s | %-10s | %-10s | %-8s | %s\n' "p50 (ms)" 1000 "$FLEET_SIZE" ratio "goal <= 1.5"
		local kind
		for kind in "DescribeInstances(1 id)" "DescribeInstances(page of 100)" "RunInstances(Amount=10)"; do
			local a b
			a=$(j "$small" ".Fleet.Calls[\"$kind\"].P50 // empty")
			b=$(j "$big" ".Fleet.Calls[\"$kind\"].P50 // empty")
			printf '| %-34s | %-10s | %-10s | %-8s | %s\n' "$kind" "$a" "$b" "$(ratio "$b" "$a")" "$(verdict "$(awk -v a="$a" -v b="$b" 'BEGIN{print (a > 0 && b / a <= 1.5)}')")"
		done
		local ca cb
		ca=$(j "$small" .RequestLatency.P50)
		cb=$(j "$big" .RequestLatency.P50)
		printf '| %-34s | %-10s | %-10s | %-8s | %s\n' "accepted ModifyPrepayInstanceSpec" "$ca" "$cb" "$(ratio "$cb" "$ca")" "$(verdict "$(awk -v a="$ca" -v b="$cb" 'BEGIN{print (a > 0 && b / a <= 1.5)}')")"
		local rss=$(($(cat "$OUT/$big.rss") / 1024))
		printf '| %-34s | %-10s | %-10s | %-8s | %s\n' "server RSS (MB), goal < 150" "$(($(cat "$OUT/$small.rss") / 1024))" "$rss" "" "$(verdict $((rss < 150)))"
		printf '| %-34s | %-10s | %-10s | %-8s | %s\n' "preload (instances/s)" "$(j "$small" .Fleet.PreloadPerSecond)" "$(j "$big" .Fleet.PreloadPerSecond)" "" ""
		printf '| %-34s | %-10s | %-10s | %-8s | %s\n' "settle after the preload (s)" "$(j "$small" .Fleet.SettleSeconds)" "$(j "$big" .Fleet.SettleSeconds)" "" ""
	done
}

for m in "${modes[@]}"; do
	case $m in
	pg) pg_part ;;
	reads) reads_part ;;
	fleet) fleet_part ;;
	*)
		say "unknown part $m (pg, reads, fleet)"
		exit 2
		;;
	esac
done
