#!/usr/bin/env bash
# Measures what the agent costs: start-up (wall, CPU, peak RSS under GNU time), the JMH benchmarks
# with no agent, with our agent and with the peer agent (file-leak-detector), then whole-JVM
# measurements (heap per socket, report time, memory under churn). Writes one Markdown table:
# results/latest.md, or results/smoke.md with --smoke.
#
#   benchmarks/run.sh [--smoke] [--only REGEX | --only-startup]
#
#   --smoke         one 200 ms iteration per benchmark and tiny sizes (a few minutes): proves the
#                   suite still runs, as CI does; its numbers mean nothing
#   --only REGEX    JMH benchmarks to run, matched after the package, e.g. 'ConnectClose.*',
#                   without the whole-JVM measurements (writes results/partial.md)
#   --only-startup  the start-up table alone, no agent against the agent (about 2 minutes; writes
#                   results/partial.md)
#   JAVA=...        the java to measure with (default: java on the PATH), e.g. a JDK 25
#
# Run it on a quiet machine: other work on the CPUs shows up as agent overhead or hides it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
java="${JAVA:-java}"
all_args=("$@")

smoke=()
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=(--smoke) ;;
    --only) only=(--only "${2:?--only needs a regex}"); shift ;;
    --only-startup) only=(--only-startup) ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

agent="$root/agent/target/socket-leak-agent.jar"
bench="$here/target/benchmarks.jar"

# Build only what is missing, and before entering a network namespace (Maven may download).
if [ -z "${BENCH_NETNS:-}" ]; then
  if [ ! -f "$agent" ]; then (cd "$root" && mvn -B -q -pl agent -am package -DskipTests); fi
  if [ ! -f "$bench" ]; then (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests); fi
  # The start-up table needs GNU time; without it the suite says so and skips the table.
  if [ ! -x /usr/bin/time ] && [ "${only[0]:-}" != --only ] && [ "$(id -u)" = 0 ] \
      && command -v apt-get >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time; } >&2 \
      || echo "run.sh: could not install GNU time (Debian package time)" >&2
  fi
fi

# A private network namespace, where allowed (root, unshare, ip): millions of loopback connections
# leave tens of thousands of TIME_WAIT entries, which must not take ports from whatever else runs on
# this host, and nothing else's traffic gets in. Its loopback has the default tcp_tw_reuse=2.
if [ -z "${BENCH_NETNS:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null \
      && unshare -n true 2>/dev/null; then
    exec unshare -n env BENCH_NETNS=private bash "$0" "${all_args[@]+"${all_args[@]}"}"
  fi
  echo "run.sh: no private network namespace (needs root, unshare and ip): using the host's" >&2
  export BENCH_NETNS=host
fi
if [ "$BENCH_NETNS" = private ]; then
  ip link set lo up
fi

# 100,000 open sockets need as many descriptors in each of two processes: raise the limit (only
# root may raise the hard limit; otherwise the heap measurement opens as many as the limit allows).
want=262144
hard="$(ulimit -Hn)"
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then
  if ulimit -Hn "$want" 2>/dev/null; then hard="$want"; fi
fi
if [ "$hard" = unlimited ]; then ulimit -n "$want"; else ulimit -n "$hard"; fi

work="$here/target/bench-work"
# A partial run (--only) must not replace the full table.
if [ ${#smoke[@]} -gt 0 ]; then out="$here/results/smoke.md"
elif [ ${#only[@]} -gt 0 ]; then out="$here/results/partial.md"
else out="$here/results/latest.md"; fi
rm -rf "$work"
mkdir -p "$work/jars" "$here/results"

# Measure copies: a rebuild of the agent during the run must not swap classes under running JVMs.
cp "$agent" "$work/jars/socket-leak-agent.jar"
agent="$work/jars/socket-leak-agent.jar"
peer="$(ls "$here"/target/peer/file-leak-detector-*-jar-with-dependencies.jar 2>/dev/null | head -n 1 || true)"
if [ -n "$peer" ]; then
  cp "$peer" "$work/jars/"
  peer="$work/jars/$(basename "$peer")"
fi
cp "$bench" "$work/jars/benchmarks.jar"
bench="$work/jars/benchmarks.jar"

# Exit status 1 when a measurement failed (the table says which), so CI notices a suite that rots.
status=0
"$java" -cp "$bench" io.socketleak.benchmarks.Suite \
  --agent "$agent" ${peer:+--peer "$peer"} --out "$out" --work "$work" \
  ${smoke[@]+"${smoke[@]}"} ${only[@]+"${only[@]}"} || status=$?
if [ "$out" -nt "$work/jars" ]; then echo; cat "$out"; fi
exit "$status"
