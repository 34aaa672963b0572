#!/usr/bin/env bash
# Runs every test against real memcached and Redis processes, installing the
# servers first when they are missing, on the support matrix:
#   1. Spring Boot 4.1 on Java 17: every test (and the soak test); within it, the
#      compatibility tests on Spring Boot 3.5.
#   2. Spring Boot 4.0 on Java 17: the auto-configuration, actuator, Redis and
#      Spring cache tests, and an application across three JVMs (which also runs
#      on 4.1).
#   3. Java 25: the engine's own tests, the in-process contracts and the
#      virtual-thread stampedes (10,000 callers, JFR's pinned-thread events).
# Extra arguments go to Maven in the first run. JAVA25_HOME overrides where Java 25 is.
set -euo pipefail
cd "$(dirname "$0")/.."

# the sample app's demo page is tested in headless Chromium
scripts/install-missing.sh memcached=/usr/bin/memcached redis-server=/usr/bin/redis-server \
  chromium="${CHROMIUM_BIN:-/usr/bin/chromium}" chromium-driver="${CHROMEDRIVER_BIN:-/usr/bin/chromedriver}"

java25="${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ ! -x "$java25/bin/java" ]; then
  echo "No Java 25 at $java25; set JAVA25_HOME to one." >&2
  exit 1
fi

step() { echo; echo "==> $1"; }

step "Spring Boot 4.1, Java 17: every test; the compatibility tests on Spring Boot 3.5"
./mvnw -B install -Psoak "$@"

step "Spring Boot 4.0, Java 17: the compatibility tests"
./mvnw -B verify -pl stampede-compatibility-tests -Dcompatibility.spring-boot.version=4.0.7 \
  -Dtest='StockApplicationTests,Stampede*Tests,RedisAnnotationTests,RedisCacheableOnStampedeTests,RedisEngineTest,RedisBackendTest'

step "Spring Boot 4.1, Java 17: the application across three JVMs, as an application depends on the starter"
./mvnw -B verify -pl stampede-compatibility-tests -Dcompatibility.spring-boot.version=4.1.2 -Dtest=StockApplicationTests

step "Java 25: the engine's tests, the in-process contracts, virtual threads"
JAVA_HOME="$java25" ./mvnw -B verify -pl stampede-core,stampede-spring
JAVA_HOME="$java25" ./mvnw -B verify -pl stampede-test-support,stampede-autoconfigure \
  -Dtest='*VirtualThread*,NoMonitorsInStampedeTests,LocalEngineTest,LocalEngineInterleavingTest,LocalEngineGuaranteeTest,LocalAnnotationTests'
