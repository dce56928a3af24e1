#!/usr/bin/env bash
# The decide operator's own CPU per signal and per decision (Flink's operator test harness, thread
# CPU time), apart from the runtime around it. Prints a JSON report on stdout and each round on
# stderr.
#
# Usage: scripts/bench-decide-operator.sh [rounds] [heap|rocksdb]
#        (default 8 rounds, the first 3 are warm-up; default backend heap)
set -euo pipefail
cd "$(dirname "$0")/.."

MVN_OFFLINE="${MVN_OFFLINE:--o}"
mvn -q $MVN_OFFLINE -pl timing-job -am install -DskipTests
mvn -q $MVN_OFFLINE -pl timing-job test-compile
CP_FILE=timing-job/target/bench-classpath.txt
mvn -q $MVN_OFFLINE -pl timing-job dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$(pwd)/$CP_FILE" >/dev/null
CP="timing-job/target/test-classes:timing-job/target/classes:$(cat "$CP_FILE")"

java -Xmx2g --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  -cp "$CP" com.sendflowr.timing.job.DecideOperatorBenchmark "$@"
