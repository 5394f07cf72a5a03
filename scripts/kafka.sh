#!/usr/bin/env bash
# A throwaway real Apache Kafka broker (KRaft, one combined broker/controller node) for development, tests and
# benchmarks. Jars come from Maven Central (resolved once with mvn, cached under .tools/kafka/<version>), the JVM is
# the machine's Java 17, data lives in a temp dir.
#   scripts/kafka.sh start              start (or restart with its data) and print KAFKA_BOOTSTRAP_SERVERS=host:port
#   scripts/kafka.sh stop [--keep-data] stop; --keep-data keeps port and data for the next `start` (restart tests)
#   scripts/kafka.sh status             print KAFKA_BOOTSTRAP_SERVERS=... and exit 0 if running, else exit 1
#   scripts/kafka.sh install            only fetch the jars
# Env: KAFKA_VERSION (default 4.1.1; 3.9.x works too, e.g. KAFKA_VERSION=3.9.2 for users still on 3.9), KAFKA_INSTANCE
# (name, default "default": several brokers can run side by side), KAFKA_PARTITIONS (partitions of
# platform.payload-status, default 6), KAFKA_CREATE_TOPICS (false: create neither topic, for tests that make their own),
# KAFKA_HEAP (default 512m), KAFKA_STATE_DIR (default .data/kafka).
# Only the KAFKA_BOOTSTRAP_SERVERS line goes to stdout: `eval "$(scripts/kafka.sh start)"` works.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCALA_VERSION=2.13
instance="${KAFKA_INSTANCE:-default}"
state_dir="${KAFKA_STATE_DIR:-$root/.data/kafka}/$instance"
state="$state_dir/state.env"
heap="${KAFKA_HEAP:-512m}"
partitions="${KAFKA_PARTITIONS:-6}"
topic="platform.payload-status"
dlq_topic="platform.payload-status.dlq"

say() { printf '[kafka.sh] %s\n' "$*" >&2; }

# The version: an existing instance keeps the one it was formatted with (its state.env says which; state written
# before versions were recorded is 3.9.2, the only version the script ran then), else KAFKA_VERSION, else 4.1.1.
KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
if [[ "${1:-}" != install && -f "$state" ]]; then
  saved="$(sed -n 's/^KAFKA_VERSION=//p' "$state")"
  saved="${saved:-3.9.2}"
  [[ "$saved" != "$KAFKA_VERSION" && "${1:-}" == start ]] &&
    say "instance '$instance' was made with Kafka $saved: using $saved (stop it without --keep-data to change)"
  KAFKA_VERSION="$saved"
fi
[[ "$KAFKA_VERSION" =~ ^([0-9]+)\.[0-9]+\.[0-9]+$ ]] || { say "KAFKA_VERSION must look like 4.1.1, not '$KAFKA_VERSION'"; exit 2; }
major="${BASH_REMATCH[1]}"
home="$root/.tools/kafka/$KAFKA_VERSION"
libs="$home/libs"

# Logging: Kafka 4 logs through SLF4J 2 to log4j2 (4.0 dropped log4j 1); 3.x through SLF4J 1.7 to reload4j.
# slf4j-api is named explicitly for 4.x: Maven would otherwise pick kafka-clients' 1.7.36, which log4j-slf4j2-impl
# does not bind to (the broker then logs nothing at all).
if ((major >= 4)); then
  LOG4J2_VERSION=2.24.3 SLF4J_VERSION=2.0.17
  logging_deps="
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>$SLF4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-api</artifactId><version>$LOG4J2_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$LOG4J2_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>$LOG4J2_VERSION</version></dependency>"
  log_opt() { printf '%s' "-Dlog4j2.configurationFile=file:$DATA/log4j2.xml"; }
else
  logging_deps="
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>"
  log_opt() { printf '%s' "-Dlog4j.configuration=file:$DATA/log4j.properties"; }
fi

install() {
  [[ -f "$libs/.complete" ]] && return
  command -v mvn >/dev/null || { say "mvn is required to fetch Kafka $KAFKA_VERSION from Maven Central"; exit 1; }
  command -v java >/dev/null || { say "java (17+) is required to run Kafka"; exit 1; }
  mkdir -p "$home"
  # One install per version at a time: a second caller waits for the first and then finds the jars.
  exec 9>"$home/.lock"
  flock 9
  if [[ -f "$libs/.complete" ]]; then exec 9>&-; return; fi
  say "fetching Kafka $KAFKA_VERSION jars from Maven Central into .tools/kafka/$KAFKA_VERSION (one time)"
  cat > "$home/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>payload-tracker</groupId><artifactId>kafka-runtime</artifactId><version>$KAFKA_VERSION</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_$SCALA_VERSION</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>$logging_deps
  </dependencies>
</project>
POM
  rm -rf "$libs"
  # Maven's own local repository (~/.m2) is kept: a fresh clone on the same machine (CI) copies from it in seconds.
  (cd "$home" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" >&2)
  touch "$libs/.complete"
  exec 9>&-
}

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
  fi
}

running() { [[ -f "$state" ]] && source "$state" && [[ -n "${PID:-}" ]] && kill -0 "$PID" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The short-lived tool JVMs (format, topics): C1 only and the serial GC start them in a fraction of the time.
java_run() { java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp "$libs/*" "$(log_opt)" "$@"; }

write_config() {
  # 4.x: the controller is found through controller.quorum.bootstrap.servers and the storage is formatted
  # --standalone (a dynamic quorum of this one node); 3.x keeps the static controller.quorum.voters it ran with.
  local quorum="controller.quorum.voters=1@127.0.0.1:$CPORT"
  ((major >= 4)) && quorum="controller.quorum.bootstrap.servers=127.0.0.1:$CPORT"
  cat > "$DATA/server.properties" <<CONF
process.roles=broker,controller
node.id=1
$quorum
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA/logs
num.partitions=1
num.network.threads=2
num.io.threads=4
offsets.topic.num.partitions=5
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
message.max.bytes=4194304
replica.fetch.max.bytes=4194304
log.retention.hours=24
CONF
  # Quiet: WARN and above to server.log, plus the start-up line of KafkaRaftServer.
  if ((major >= 4)); then
    cat > "$DATA/log4j2.xml" <<XML
<Configuration status="WARN">
  <Appenders>
    <File name="file" fileName="$DATA/server.log"><PatternLayout pattern="[%d] %p %m (%c)%n"/></File>
  </Appenders>
  <Loggers>
    <Logger name="kafka.server.KafkaRaftServer" level="INFO"/>
    <Root level="WARN"><AppenderRef ref="file"/></Root>
  </Loggers>
</Configuration>
XML
  else
    cat > "$DATA/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$DATA/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
PROPS
  fi
}

create_topic() { # name partitions [config...]
  local name="$1" parts="$2"; shift 2
  java_run org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" --create --if-not-exists \
    --topic "$name" --partitions "$parts" --replication-factor 1 "$@" >/dev/null
}

start() {
  install
  if running; then echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT"; return; fi
  mkdir -p "$state_dir"
  local fresh=0
  if [[ -f "$state" ]] && [[ -d "${DATA:-}" ]]; then
    say "restarting instance '$instance' on port $PORT with its data in $DATA"
  else
    fresh=1
    DATA="$(mktemp -d "${TMPDIR:-/tmp}/pt-kafka-$instance.XXXXXX")"
    PORT="$(free_port)"; CPORT="$(free_port)"
    while [[ "$CPORT" == "$PORT" ]]; do CPORT="$(free_port)"; done
    write_config
    local cluster_id standalone=()
    # A base64url UUID, as `kafka-storage random-uuid` makes, and like it never starting with '-': the format
    # tool would read "-t -xyz…" as a missing value (one start in 64 failed so).
    cluster_id="-"
    while [[ "$cluster_id" == -* ]]; do
      cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    done
    ((major >= 4)) && standalone=(--standalone)
    java_run kafka.tools.StorageTool format -t "$cluster_id" -c "$DATA/server.properties" "${standalone[@]}" >/dev/null
  fi
  # setsid: the broker outlives the shell that started it and is not hit by the caller's Ctrl-C.
  setsid java "-Xmx$heap" "-Xms128m" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    "$(log_opt)" -cp "$libs/*" kafka.Kafka "$DATA/server.properties" >"$DATA/stdout.log" 2>&1 < /dev/null &
  PID=$!
  # The version is remembered so that a later start (restart with --keep-data) uses the jars the data was made by.
  printf 'PID=%s\nPORT=%s\nCPORT=%s\nDATA=%s\nKAFKA_VERSION=%s\n' "$PID" "$PORT" "$CPORT" "$DATA" "$KAFKA_VERSION" > "$state"
  local deadline=$((SECONDS + 90))
  until port_open "$PORT"; do
    if ! kill -0 "$PID" 2>/dev/null; then say "broker exited; see $DATA/server.log"; tail -20 "$DATA/server.log" >&2 || true; exit 1; fi
    if ((SECONDS > deadline)); then say "broker did not open port $PORT in 90 s"; exit 1; fi
    sleep 0.3
  done
  if ((fresh)) && [[ "${KAFKA_CREATE_TOPICS:-true}" != false ]]; then
    # Side by side: each is a JVM start.
    create_topic "$topic" "$partitions" --config max.message.bytes=4194304 & local status_job=$!
    create_topic "$dlq_topic" 1 --config max.message.bytes=4194304 & local dlq_job=$!
    wait "$status_job" && wait "$dlq_job" || { say "could not create the topics"; exit 1; }
    say "topics $topic ($partitions partitions) and $dlq_topic created"
  fi
  say "Kafka $KAFKA_VERSION '$instance' running (pid $PID, data $DATA)"
  echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT"
}

stop() {
  local keep=0
  [[ "${1:-}" == "--keep-data" ]] && keep=1
  [[ -f "$state" ]] || { say "instance '$instance' is not running"; return 0; }
  source "$state"
  if [[ -n "${PID:-}" ]] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    local deadline=$((SECONDS + 30))
    while kill -0 "$PID" 2>/dev/null; do
      if ((SECONDS > deadline)); then kill -KILL "$PID" 2>/dev/null || true; break; fi
      sleep 0.2
    done
  fi
  if ((keep)); then
    sed -i 's/^PID=.*/PID=/' "$state"
    grep -q '^KAFKA_VERSION=' "$state" || echo "KAFKA_VERSION=$KAFKA_VERSION" >> "$state"
    say "stopped '$instance' (data kept in $DATA)"
  else
    [[ -n "${DATA:-}" && "$DATA" == */pt-kafka-* ]] && rm -rf "$DATA"
    rm -f "$state"
    rmdir "$state_dir" 2>/dev/null || true
    say "stopped '$instance'"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  status) if running; then echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT"; else say "instance '$instance' is not running"; exit 1; fi ;;
  install) install ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
