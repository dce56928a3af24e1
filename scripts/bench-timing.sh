#!/usr/bin/env bash
# Runs the timing-model JMH benchmarks (signal update, 7-day decision, state codec) and prints the
# results plus the serialised state size. Results go to timing-model/target/jmh-timing.{txt,json}.
#
# Usage: scripts/bench-timing.sh [extra JMH args]
#   default JMH args: -f 1 -wi 3 -i 3 -w 1s -r 1s (short: the machine is shared)
#   e.g. scripts/bench-timing.sh -f 2 -wi 3 -i 5
set -euo pipefail
cd "$(dirname "$0")/.."

MVN_OFFLINE="${MVN_OFFLINE:--o}"
mvn -q $MVN_OFFLINE -pl timing-model -am install -DskipTests
mvn -q $MVN_OFFLINE -pl timing-model test-compile
CP_FILE=timing-model/target/jmh-classpath.txt
mvn -q $MVN_OFFLINE -pl timing-model dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$(pwd)/$CP_FILE" >/dev/null
CP="timing-model/target/test-classes:timing-model/target/classes:$(cat "$CP_FILE")"

if [ "$#" -eq 0 ]; then
  set -- -f 1 -wi 3 -i 3 -w 1s -r 1s
fi

java -cp "$CP" org.openjdk.jmh.Main 'com.sendflowr.timing.bench.*' "$@" \
  -rf json -rff timing-model/target/jmh-timing.json | tee timing-model/target/jmh-timing.txt

echo
echo "Serialised RecipientState size:"
java -cp "$CP" com.sendflowr.timing.bench.StateSize
