#!/usr/bin/env bash
# Runs the JMH hit-path benchmarks and the multi-JVM stampede harness against
# real memcached and Redis processes it starts itself, then writes
# docs/benchmarks/results.md and docs/benchmarks/results.png. Arguments go to Maven:
# -Dbenchmarks.harness=false -Dbenchmarks.hit-path.stores=local -Dbenchmarks.hit-path.gc=true
# -Dbenchmarks.hit-path.cpu=true
# measures the local hit path alone, with bytes allocated and CPU time per call;
# -Dbenchmarks.hit-path=false -Dharness.phases=pause,kill -Dbenchmarks.report=faults
# runs the harness's fault phases alone and writes docs/benchmarks/faults.md and faults.png.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-missing.sh memcached=/usr/bin/memcached redis-server=/usr/bin/redis-server
./mvnw -B -q -DskipTests install
exec ./mvnw -B -q -pl stampede-benchmarks exec:exec "$@"
