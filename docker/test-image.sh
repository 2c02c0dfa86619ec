#!/usr/bin/env bash
# Builds the kadapt image from docker/Dockerfile with podman and really runs it, on this machine:
#   1. base images: the Dockerfile's FROM images, as local stand-ins built from Debian packages where they are
#      missing (registry images cannot be pulled here), tagged with the names the Dockerfile uses;
#   2. the kadapt image, built from docker/Dockerfile unchanged, as a user would (--pull=never);
#   3. one container running `demo` (embedded broker): ready from the host, predictions read with kcat,
#      HEALTHCHECK healthy, non-root, stops on SIGTERM within the grace period, state resumed from its volume;
#   4. a broker container, KADAPT_TEST_INSTANCES kadapt containers (default 2) and the demo producer on one podman
#      network, Prometheus with the shipped scrape config; the active instance is SIGKILLed and another takes over;
#   5. `kubectl kustomize k8s/` rendered and cross-checked against the image that was built and run.
# Prints image size, start-to-ready, stop and failover times and its own duration. Exit 0 on success (and when
# skipped: podman cannot run containers here, or KADAPT_SKIP_IMAGE_TEST=1), non-zero on any failure.
# KADAPT_TEST_KEEP=1 leaves the containers running for a look.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TEST_DIR=$ROOT/docker/test
# Our podman settings (runc, cgroupfs, no default ulimits) without touching the machine's containers.conf.
export CONTAINERS_CONF=$TEST_DIR/containers.conf

SCRIPT_START=$(date +%s.%N)
RUN=kci$$                          # prefix of every container, network and volume of this run
IMAGE=localhost/kadapt:local       # `docker build -t kadapt:local` names it so in podman
BASE=localhost/kadapt-ci/debian:bookworm-minbase
INSTANCES=${KADAPT_TEST_INSTANCES:-2}
READY_TIMEOUT=240
declare -a REPORT=()

log() { printf '== test-image: %s\n' "$*"; }
fail() {
  printf '== test-image: FAILED: %s\n' "$*" >&2
  exit 1
}
skip() {
  printf '== test-image: SKIPPED: %s\n' "$*"
  exit 0
}
report() { REPORT+=("$*"); log "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[ "${KADAPT_SKIP_IMAGE_TEST:-0}" = 1 ] && skip "KADAPT_SKIP_IMAGE_TEST=1"

# ---- tools -------------------------------------------------------------------------------------------------------

[ "$(id -u)" = 0 ] || skip "needs root (rootful podman with cgroupfs, debootstrap)"
# podman and its helpers (netavark needs iptables), debootstrap for the Debian base, kcat as the host's Kafka
# client, jq/yq for the checks.
need=()
for tool in podman:podman runc:runc conmon:conmon iptables:iptables debootstrap:debootstrap \
            kcat:kcat jq:jq yq:yq curl:curl nsenter:util-linux; do
  command -v "${tool%%:*}" > /dev/null || need+=("${tool#*:}")
done
[ -x /usr/lib/podman/netavark ] || need+=(netavark aardvark-dns)
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get > /dev/null; then
    log "installing ${need[*]}"
    (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}") \
      > /tmp/$RUN-apt.log 2>&1 || skip "could not install ${need[*]} (see /tmp/$RUN-apt.log)"
  else
    skip "podman or its tools missing (${need[*]}) and no apt-get to install them"
  fi
fi
podman_error=$(podman info 2>&1 > /dev/null) || skip "podman cannot run here: $podman_error"

# The k8s manifests as kubectl renders them (one JSON array), for the cross-checks in part 5 and the grace period.
K8S_JSON=""
if command -v kubectl > /dev/null; then
  if rendered=$(kubectl kustomize k8s/ 2>&1); then
    K8S_JSON=$(echo "$rendered" | yq -c . | jq -cs .)
  else
    log "kubectl kustomize k8s/ failed ($(kubectl version --client 2>&1 | head -1)): $rendered"
    case $rendered in
      *'unknown field "labels"'*) log "  this kubectl's kustomize predates 'labels' (kustomize >= 4.1, kubectl >= 1.22)" ;;
      *) fail "kubectl kustomize k8s/ does not render" ;;
    esac
  fi
fi
k8s() { [ -n "$K8S_JSON" ] && echo "$K8S_JSON" | jq -r "$@"; }
statefulset='.[] | select(.kind == "StatefulSet")'
GRACE=$(k8s "$statefulset | .spec.template.spec.terminationGracePeriodSeconds" || echo 30)

# ---- clean-up ----------------------------------------------------------------------------------------------------

# Everything this run creates carries the label io.kadapt.ci.run=$RUN; leftovers of runs that died are removed.
cleanup_run() {
  local run=$1
  podman ps -aq --filter "label=io.kadapt.ci.run=$run" | xargs -r podman rm -f -t 0 > /dev/null 2>&1 || true
  podman network ls -q --filter "label=io.kadapt.ci.run=$run" | xargs -r podman network rm -f > /dev/null 2>&1 || true
  podman volume ls -q --filter "label=io.kadapt.ci.run=$run" | xargs -r podman volume rm -f > /dev/null 2>&1 || true
}
for old in $( (podman ps -a --format '{{index .Labels "io.kadapt.ci.run"}}'; \
               podman volume ls --format '{{index .Labels "io.kadapt.ci.run"}}') 2>/dev/null | sort -u); do
  [[ $old =~ ^kci([0-9]+)$ ]] && ! kill -0 "${BASH_REMATCH[1]}" 2> /dev/null && cleanup_run "$old"
done
on_exit() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    for c in $(podman ps -a --filter "label=io.kadapt.ci.run=$RUN" --format '{{.Names}}' 2> /dev/null); do
      echo "---- last log lines of container $c"
      podman logs "$c" 2>&1 | grep -v -e 'systemd' -e '^Added differentiated op' | tail -25 || true
    done
  fi
  if [ "${KADAPT_TEST_KEEP:-0}" = 1 ]; then
    log "KADAPT_TEST_KEEP=1: containers, network and volume of run $RUN left in place"
  else
    cleanup_run "$RUN"
  fi
  rm -rf "/tmp/$RUN"
}
trap on_exit EXIT
mkdir -p "/tmp/$RUN"

# Podman has no systemd here to time HEALTHCHECKs (`podman healthcheck run` runs them) and complains about it; conmon
# keeps the stderr of `podman run` for its clean-up later. So their stderr goes to a file, shown when they fail.
quiet() {
  local rc=0
  "$@" 2>> "/tmp/$RUN/podman.err" || rc=$?
  [ $rc = 0 ] || grep -v systemd "/tmp/$RUN/podman.err" | tail -5 >&2
  return $rc
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- 1. base images ----------------------------------------------------------------------------------------------

# A stand-in is rebuilt when its recipe (Containerfile, parent image) changes: its label io.kadapt.ci.recipe holds
# the recipe's hash. An image of that name without the label is a real one (e.g. pulled where registries are
# reachable) and is used as it is.
recipe_label() { podman image inspect --format '{{index .Labels "io.kadapt.ci.recipe"}}' "$1" 2> /dev/null || true; }
image_id() { podman image inspect --format '{{.Id}}' "$1"; }

# The machine's own extra CA certificates (a TLS-inspecting proxy's, say) go into the Debian base so that Maven in
# the build stage reaches Maven Central the way the host does. Only images built on the stand-ins carry them; a
# user's image, on the real base images, does not.
ca_files=(/usr/local/share/ca-certificates/*.crt)
[ -e "${ca_files[0]}" ] || ca_files=()
base_recipe=$( { echo "debootstrap --variant=minbase bookworm"; cat "${ca_files[@]}" /dev/null; } | sha256sum | cut -c1-16)
if [ "$(recipe_label $BASE)" != "$base_recipe" ]; then
  t=$(now)
  rootfs=/tmp/$RUN/rootfs
  debootstrap --variant=minbase bookworm "$rootfs" > "/tmp/$RUN/debootstrap.log" 2>&1 \
    || { tail -20 "/tmp/$RUN/debootstrap.log"; fail "debootstrap of the Debian base failed"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  if [ ${#ca_files[@]} -gt 0 ]; then
    mkdir -p "$rootfs/usr/local/share/ca-certificates"
    cp "${ca_files[@]}" "$rootfs/usr/local/share/ca-certificates/"
  fi
  tar -C "$rootfs" --numeric-owner -c . \
    | podman import -q --change 'CMD ["/bin/bash"]' --change "LABEL io.kadapt.ci.recipe=$base_recipe" - "$BASE" > /dev/null
  rm -rf "$rootfs"
  report "base $BASE: debootstrap + podman import in $(since "$t") s"
fi
base_ids=$(image_id $BASE)
if ! podman run --rm --network none "$BASE" true 2> "/tmp/$RUN/run.err"; then
  skip "podman cannot start a container here: $(tail -1 "/tmp/$RUN/run.err")"
fi

# ensure_image NAME CONTAINERFILE CONTEXT [build args...]: builds NAME unless it is current (see above).
ensure_image() {
  local name=$1 file=$2 context=$3
  shift 3
  local recipe
  recipe=$( { cat "$file"; echo "$base_ids" "$*"; [ "$context" = "$TEST_DIR" ] || cat "$(dirname "$file")"/*; } \
            | sha256sum | cut -c1-16)
  local current
  current=$(recipe_label "$name")
  if podman image exists "$name" && [ -z "$current" ]; then
    log "$name: using the existing image (not a stand-in)"
    return
  fi
  if [ "$current" != "$recipe" ]; then
    local t old_id
    old_id=$(podman image inspect --format '{{.Id}}' "$name" 2> /dev/null || true)
    t=$(now)
    nice -n 10 podman build -q --pull=never --format docker --label "io.kadapt.ci.recipe=$recipe" "$@" \
      -f "$file" -t "$name" "$context" > "/tmp/$RUN/build.log" 2>&1 \
      || { tail -30 "/tmp/$RUN/build.log"; fail "building $name from ${file#$ROOT/}"; }
    report "$name: built from ${file#$ROOT/} in $(since "$t") s"
    [ -z "$old_id" ] || podman rmi "$old_id" > /dev/null 2>&1 || true
  fi
}

froms=$(sed -n 's/^FROM[[:space:]]\+\([^[:space:]]\+\).*/\1/p' docker/Dockerfile)
[ "$(echo "$froms" | wc -l)" = 2 ] || fail "docker/Dockerfile: expected a build and a runtime stage, found FROM $froms"
build_from=$(echo "$froms" | sed -n 1p)
runtime_from=$(echo "$froms" | sed -n 2p)
qualify() { case $1 in */*) echo "docker.io/$1" ;; *) echo "docker.io/library/$1" ;; esac; }
JDK_IMAGE=$(qualify "$build_from")
JRE_IMAGE=$(qualify "$runtime_from")
ensure_image "$JDK_IMAGE" "$TEST_DIR/jdk-maven.Containerfile" "$TEST_DIR"
ensure_image "$JRE_IMAGE" "$TEST_DIR/jre.Containerfile" "$TEST_DIR"
base_ids="$base_ids $(image_id "$JDK_IMAGE") $(image_id "$JRE_IMAGE")"

# ---- 2. the kadapt image -----------------------------------------------------------------------------------------

# As a user would: docker build -f docker/Dockerfile -t kadapt:local .   (--format docker keeps the HEALTHCHECK,
# which podman's default OCI format drops; Docker always writes that format). Maven's downloads stay in buildah's
# RUN --mount=type=cache directory (/var/tmp/buildah-cache) between runs; unchanged sources reuse the cached layers.
# The build stage is tagged too (a second, cached, build with --target), so that what a source change supersedes,
# the previous build stage and image, can be removed by id: repeated runs do not fill the disk with untagged images.
BUILD_STAGE_IMAGE=localhost/kadapt-ci/kadapt-build-stage:local
build_stage=$(sed -n 's/^FROM[[:space:]].*[[:space:]][Aa][Ss][[:space:]]\+\([^[:space:]]\+\).*/\1/p' docker/Dockerfile | head -1)
ids_of() { local n; for n; do podman image inspect --format '{{.Id}}' "$n" 2> /dev/null || true; done; }
old_ids=$(ids_of "$IMAGE" "$BUILD_STAGE_IMAGE")
t=$(now)
nice -n 10 podman build --pull=never --format docker -f docker/Dockerfile -t "$IMAGE" . > "/tmp/$RUN/kadapt-build.log" 2>&1 \
  || { tail -40 "/tmp/$RUN/kadapt-build.log"; fail "podman build -f docker/Dockerfile"; }
build_seconds=$(since "$t")
if [ -n "$build_stage" ]; then
  podman build -q --pull=never --format docker -f docker/Dockerfile --target "$build_stage" -t "$BUILD_STAGE_IMAGE" . \
    > /dev/null 2>&1 || true
fi
new_ids=$(ids_of "$IMAGE" "$BUILD_STAGE_IMAGE")
for id in $old_ids; do
  grep -q "$id" <<< "$new_ids" || podman rmi "$id" > /dev/null 2>&1 || true
done
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
jre_size=$(podman image inspect --format '{{.Size}}' "$JRE_IMAGE")
report "kadapt image $IMAGE: built in $build_seconds s; $((size / 1000000)) MB ($(( (size - jre_size) / 1000000 )) MB on top of the $((jre_size / 1000000)) MB runtime base $JRE_IMAGE)"

[ "$(podman image inspect --format '{{.Config.User}}' "$IMAGE")" != "" ] || fail "image has no USER"
[[ "$(podman image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE")" == */health/ready* ]] \
  || fail "image has no HEALTHCHECK on /health/ready"

# ---- helpers for running containers ------------------------------------------------------------------------------

# wait_ready URL TIMEOUT [START]: polls until 200; prints the seconds since START (default: now).
wait_ready() {
  local url=$1 timeout=$2 t=${3:-$(now)}
  until curl -fsS -o /dev/null --max-time 2 "$url" 2> /dev/null; do
    awk -v a="$t" -v b="$(now)" -v m="$timeout" 'BEGIN { exit !(b - a > m) }' && return 1
    sleep 0.5
  done
  since "$t"
}

# metric PORT NAME: the (summed) value of a kadapt meter from /metrics on 127.0.0.1:PORT, 0 if absent.
metric() {
  curl -fsS --max-time 5 "http://127.0.0.1:$1/metrics" 2> /dev/null \
    | awk -v m="$2" '$1 == m || index($1, m "{") == 1 { s += $2 } END { printf "%d\n", s }'
}
model_step() { curl -fsS --max-time 5 "http://127.0.0.1:$1/info" | jq -r .modelStep; }

# until_true TIMEOUT COMMAND...: retries COMMAND every second.
until_true() {
  local timeout=$1 i
  shift
  for ((i = 0; i < timeout; i++)); do
    "$@" && return 0
    sleep 1
  done
  return 1
}

# ---- 3. one container: demo on the embedded broker ---------------------------------------------------------------

DEMO=$RUN-demo
VOLUME=$RUN-state
http=$(free_port)
podman volume create --label "io.kadapt.ci.run=$RUN" "$VOLUME" > /dev/null
# The embedded broker's data (topics, model changelog) and the Kafka Streams state (image ENV) both on the volume.
run_demo() {
  quiet podman run -d --name "$DEMO" --label "io.kadapt.ci.run=$RUN" --memory 3g -p "127.0.0.1:$http:8080" \
    -v "$VOLUME:/var/lib/kadapt" -e KADAPT_EMBEDDED_DATA_DIR=/var/lib/kadapt/data "$IMAGE" demo > /dev/null
}
t=$(now)
run_demo
ready=$(wait_ready "http://127.0.0.1:$http/health/ready" $READY_TIMEOUT "$t") || fail "demo: /health/ready not 200 within $READY_TIMEOUT s"
report "demo: start-to-ready $ready s (podman run to /health/ready 200 from the host, fresh container and volume)"

user=$(podman exec "$DEMO" sh -c 'stat -c %U /proc/1; id -u')
[ "$(echo "$user" | sed -n 2p)" != 0 ] || fail "demo runs as root"
IMAGE_UID=$(echo "$user" | sed -n 2p)
report "demo: java runs as $(echo "$user" | head -1) (uid $(echo "$user" | sed -n 2p))"

quiet podman healthcheck run "$DEMO" > /dev/null || fail "HEALTHCHECK not healthy while /health/ready is 200"
health=$(podman inspect --format '{{.State.Health.Status}}' "$DEMO")
[ "$health" = healthy ] || fail "HEALTHCHECK status $health"

# The embedded broker listens on the container's loopback only (EmbeddedKafkaBroker binds localhost), so the host's
# kcat enters the container's network namespace to read it.
pid=$(podman inspect --format '{{.State.Pid}}' "$DEMO")
read_predictions() {
  timeout 30 nsenter -t "$pid" -n kcat -C -b localhost:9092 -t kadapt.predictions -X isolation.level=read_committed \
    -o beginning -c "$1" -e -q 2> /dev/null || true
}
has_predictions() { [ "$(read_predictions 20 | jq -s 'map(select(.id and (.predicted | type) == "number")) | length')" = 20 ]; }
until_true 60 has_predictions || fail "demo: no 20 predictions readable with kcat"
report "demo: predictions read from the host with kcat: $(read_predictions 1)"

trained() { [ "$(model_step "$http")" -gt 0 ]; }
until_true 60 trained || fail "demo: the model did not train"
step_before=$(model_step "$http")
t=$(now)
quiet podman stop -t "$GRACE" "$DEMO" > /dev/null
stop_seconds=$(since "$t")
code=$(podman inspect --format '{{.State.ExitCode}}' "$DEMO")
awk -v s="$stop_seconds" -v g=$GRACE 'BEGIN { exit !(s < g) }' || fail "podman stop took $stop_seconds s (grace $GRACE s)"
[ "$code" = 143 ] || [ "$code" = 0 ] || fail "exit code $code after SIGTERM (137: killed after the grace period)"
report "demo: podman stop (SIGTERM) took $stop_seconds s of the $GRACE s grace, exit code $code"

# A new container on the same volume resumes the model where the old one stopped.
quiet podman rm "$DEMO" > /dev/null
t=$(now)
run_demo
ready=$(wait_ready "http://127.0.0.1:$http/health/ready" $READY_TIMEOUT "$t") || fail "demo restart: not ready within $READY_TIMEOUT s"
# The step the trainer loaded (its start-up log line); without that line, the model step right at ready.
resumed=$(podman logs "$DEMO" 2>&1 | sed -n 's/.*trainer loaded from the stores at model step \([0-9]*\).*/\1/p' | head -1)
[ -n "$resumed" ] || resumed=$(model_step "$http")
[ -n "$resumed" ] && [ "$resumed" -ge "$step_before" ] && [ "$resumed" -gt 0 ] \
  || fail "demo restart: the model started at step ${resumed:-?}, not where it stopped (>= $step_before) on the volume"
report "demo: new container on the same volume ready in $ready s, model resumed at step $resumed (at step $step_before shortly before the stop)"
quiet podman stop -t "$GRACE" "$DEMO" > /dev/null

log "single container done after $(since "$SCRIPT_START") s"

# ---- 4. a broker container, several kadapt containers, the demo producer and Prometheus on one podman network ----

# The services and their settings come from docker/docker-compose.yml (broker environment, kadapt environment and
# command, the demo producer's command, Prometheus's scrape config), so this also runs what compose would.
COMPOSE=docker/docker-compose.yml
# compose_env SERVICE: its environment as NAME=VALUE lines, ${VAR:-default} resolved to the default.
compose_env() {
  yq -r --arg s "$1" '.services[$s].environment | to_entries[] | "\(.key)=\(.value)"' $COMPOSE \
    | sed 's/\${[A-Za-z_]*:-\([^}]*\)}/\1/g'
}
compose_command() { yq -r --arg s "$1" '.services[$s].command[]' $COMPOSE; }
env_args() { while IFS= read -r kv; do printf -- '-e\n%s\n' "$kv"; done; }

KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml | head -1)
[ -n "$KAFKA_VERSION" ] || fail "no <kafka.version> in pom.xml"
BROKER_IMAGE=localhost/kadapt-ci/kafka:$KAFKA_VERSION
PROMETHEUS_IMAGE=localhost/kadapt-ci/prometheus:debian
ensure_image "$BROKER_IMAGE" "$TEST_DIR/kafka/Containerfile" "$ROOT" --build-arg "KAFKA_VERSION=$KAFKA_VERSION"
ensure_image "$PROMETHEUS_IMAGE" "$TEST_DIR/prometheus.Containerfile" "$TEST_DIR"

NET=$RUN-net
podman network create --label "io.kadapt.ci.run=$RUN" "$NET" > /dev/null
kafka_port=$(free_port)
mapfile -t broker_env < <(compose_env kafka | sed "s|EXTERNAL://localhost:9094|EXTERNAL://localhost:$kafka_port|" | env_args)
t=$(now)
quiet podman run -d --name "$RUN-kafka" --label "io.kadapt.ci.run=$RUN" --network "$NET" --network-alias kafka \
  -p "127.0.0.1:$kafka_port:9094" "${broker_env[@]}" "$BROKER_IMAGE" > /dev/null
broker_up() { kcat -L -b "localhost:$kafka_port" -m 2 > /dev/null 2>&1; }
until_true 90 broker_up || fail "broker container: no metadata from localhost:$kafka_port"
report "broker container (Kafka $KAFKA_VERSION from Maven Central): up in $(since "$t") s, host clients on localhost:$kafka_port"

# kadapt instances: compose's kadapt service, plus a warm standby (as k8s/) and a short session timeout so a killed
# instance's task moves in seconds (bench chaos uses the same two settings).
mapfile -t kadapt_env < <(compose_env kadapt | env_args)
mapfile -t kadapt_cmd < <(compose_command kadapt)
declare -a names=() ports=()
t=$(now)
for ((i = 1; i <= INSTANCES; i++)); do
  names[i]=$RUN-kadapt-$i
  ports[i]=$(free_port)
  # One alias for all, as compose names the replicas of a service: the shipped Prometheus config resolves it.
  quiet podman run -d --name "${names[i]}" --label "io.kadapt.ci.run=$RUN" --network "$NET" --network-alias kadapt \
    --memory 3g -p "127.0.0.1:${ports[i]}:8080" "${kadapt_env[@]}" -e KADAPT_NUM_STANDBY_REPLICAS=1 "$IMAGE" \
    "${kadapt_cmd[@]}" --set kafka.session.timeout.ms=6000 --set kafka.heartbeat.interval.ms=1500 > /dev/null
done
prometheus_port=$(free_port)
quiet podman run -d --name "$RUN-prometheus" --label "io.kadapt.ci.run=$RUN" --network "$NET" \
  -p "127.0.0.1:$prometheus_port:9090" -v "$ROOT/docker/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro" \
  -v "$ROOT/docker/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" \
  "$PROMETHEUS_IMAGE" > /dev/null
for ((i = 1; i <= INSTANCES; i++)); do
  wait_ready "http://127.0.0.1:${ports[i]}/health/ready" $READY_TIMEOUT > /dev/null || fail "${names[i]}: not ready"
done
report "$INSTANCES kadapt containers against the broker container: all ready $(since "$t") s after the first podman run"

mapfile -t producer_cmd < <(compose_command demo-producer)
quiet podman run -d --name "$RUN-producer" --label "io.kadapt.ci.run=$RUN" --network "$NET" "$IMAGE" \
  "${producer_cmd[@]}" --rate 50 > /dev/null

# Every instance predicts (the 6 target partitions spread over them); exactly one trains, and with
# KADAPT_NUM_STANDBY_REPLICAS=1 another keeps a standby copy of the trainer's state.
EXPECTED_ACTIVE=${KADAPT_TEST_EXPECTED_ACTIVE:-$INSTANCES}
predictions_of() { local i; for ((i = 1; i <= INSTANCES; i++)); do echo "$i $(metric "${ports[i]}" kadapt_predictions_total)"; done; }
active_instances() {   # instances (numbers) whose prediction count grows over a 4 s window
  local before after
  before=$(predictions_of)
  sleep 4
  after=$(predictions_of)
  join <(echo "$before") <(echo "$after") | awk '$3 > $2 { print $1 }' | xargs
}
any_predictions() { [ "$(predictions_of | awk '{ s += $2 } END { print s + 0 }')" -gt 0 ]; }
until_true 120 any_predictions || fail "no kadapt container published a prediction"
all_predicting() { active=$(active_instances); [ "$(echo "$active" | wc -w)" = "$EXPECTED_ACTIVE" ]; }
until_true 60 all_predicting || fail "predicting instances: '$(active_instances)', expected $EXPECTED_ACTIVE"
active=$(active_instances)
trainer_of() {   # instances whose own trainer has stepped; always succeeds (set -e, pipefail)
  local i
  for ((i = 1; i <= INSTANCES; i++)); do
    if [ "$(metric "${ports[i]}" kadapt_training_steps_total)" -gt 0 ]; then echo $i; fi
  done
}
one_trainer() { [ "$(trainer_of | wc -w)" = 1 ]; }
until_true 60 one_trainer || fail "instances that trained: '$(trainer_of | xargs)', expected exactly one"
trainers=$(trainer_of | xargs)
standby_records() { [ "$(metric "${ports[$1]}" kadapt_state_standby_records_total)" -gt 0 ]; }
standby_names=()
for ((i = 1; i <= INSTANCES; i++)); do
  [ $i = "$trainers" ] && continue
  if until_true 30 standby_records $i; then
    standby_names+=("${names[i]}")
  else
    log "${names[i]}: no standby copy (KADAPT_NUM_STANDBY_REPLICAS=1: one standby of the trainer)"
  fi
done
[ ${#standby_names[@]} -ge 1 ] || [ "$INSTANCES" -le 1 ] || fail "no instance keeps a standby copy of the trainer's state"
report "predicting: $(for i in $active; do echo "${names[i]}"; done | xargs); training: ${names[trainers]}; standby copy of the trainer's state on: ${standby_names[*]:-none}"

# -e alone may never end: while the demo producer runs, every fetch finds newly committed records before kcat sees the
# end of the partition (seen once in CI, 10 minutes). The time bound keeps what was read by then.
predictions_from_host() {
  timeout 30 kcat -C -b "localhost:$kafka_port" -t kadapt.predictions -X isolation.level=read_committed -o beginning \
    -e -q 2> /dev/null || true
}
[ "$(predictions_from_host | head -5 | jq -s 'map(select(.id)) | length')" = 5 ] \
  || fail "no predictions read from the host with kcat on localhost:$kafka_port"

# Prometheus with the shipped scrape config (every address of the name kadapt, port 8080, every 15 s) scrapes every
# instance, as it would every replica of `docker compose up --scale kadapt=N`.
promql() { curl -fsS --max-time 5 "http://127.0.0.1:$prometheus_port/api/v1/query" --data-urlencode "query=$1" 2> /dev/null; }
scraped() { [ "$(promql 'count(kadapt_model_step{job="kadapt"} and on(instance) up{job="kadapt"} == 1)' | jq -r '.data.result[0].value[1] // 0')" = "$INSTANCES" ]; }
until_true 90 scraped || fail "Prometheus did not scrape all $INSTANCES instances (kadapt:8080) with docker/prometheus/prometheus.yml"
report "Prometheus (Debian's) scrapes all $INSTANCES instances behind the name kadapt with docker/prometheus/prometheus.yml: up, kadapt_model_step = $(promql 'max(kadapt_model_step)' | jq -r '.data.result[0].value[1]')"
# It loads every alerting rule of the mounted docker/prometheus/alerts.yml (README "Alerts").
alert_rules() { curl -fsS --max-time 5 "http://127.0.0.1:$prometheus_port/api/v1/rules" 2> /dev/null \
  | jq -r '[.data.groups[].rules[] | select(.type == "alerting")] | length'; }
rules_loaded() { [ "$(alert_rules)" = "$(grep -c '^ *- alert:' "$ROOT/docker/prometheus/alerts.yml")" ]; }
until_true 30 rules_loaded || fail "Prometheus did not load docker/prometheus/alerts.yml (alerting rules: $(alert_rules))"
report "Prometheus loads the $(alert_rules) alerting rules of docker/prometheus/alerts.yml"

# Kill the trainer's container hard; the standby takes the trainer over and the model goes on from where it was,
# while the other instances predict on.
victim=$trainers
step_at_kill=$(model_step "${ports[victim]}")
declare -A before_kill=()
while read -r i n; do before_kill[$i]=$n; done < <(predictions_of)
t=$(now)
quiet podman kill -s KILL "${names[victim]}" > /dev/null
took_over() {   # an instance that trains now, at or beyond the step of the kill
  local i
  for ((i = 1; i <= INSTANCES; i++)); do
    [ $i = "$victim" ] && continue
    [ "$(metric "${ports[i]}" kadapt_training_steps_total)" -gt 0 ] && [ "$(model_step "${ports[i]}")" -ge "$step_at_kill" ] \
      && { echo $i; return 0; }
  done
  return 1
}
heir=$(until_true 120 took_over) || fail "no instance took over after ${names[victim]} was killed"
failover=$(since "$t")
heir_step=$(model_step "${ports[heir]}")
[ "$heir_step" -ge "$step_at_kill" ] || fail "${names[heir]} went on at model step $heir_step < $step_at_kill at the kill"
restored=$(metric "${ports[heir]}" kadapt_state_restored_records_total)
report "failover: ${names[victim]} (the trainer) SIGKILLed at model step $step_at_kill; ${names[heir]} training $failover s later, at model step $heir_step ($restored changelog records restored)"

# Exactly once across the kill: no target predicted twice in the committed output.
sleep 2
dups=$(predictions_from_host | jq -r .id | sort | uniq -d | wc -l)
total=$(predictions_from_host | wc -l)
[ "$dups" = 0 ] || fail "$dups targets predicted twice across the failover"
report "predictions read from the host with kcat: $total, none twice across the kill"

# Every HTTP path the k8s probes use answers 200 on a live instance (checked against the manifests below).
declare -a probe_answers=()
for path in $( (k8s "$statefulset | .spec.template.spec.containers[0] | [.readinessProbe, .livenessProbe, .startupProbe] | map(select(.) | .httpGet.path) | .[]"; k8s '.[] | select(.kind == "PodMonitor") | .spec.podMetricsEndpoints[].path') | sort -u); do
  # The heir has just taken over the trainer: a rebalance may still hold readiness at 503 for a few seconds, which is
  # what the readiness probe is for. A settled instance must answer 200: poll for up to 30 s.
  for _ in $(seq 1 30); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${ports[heir]}$path")
    [ "$code" = 200 ] && break
    sleep 1
  done
  probe_answers+=("$path=$code")
done
info_keys=$(curl -fsS "http://127.0.0.1:${ports[heir]}/info" | jq -r '.config | keys[]')
for ((i = 1; i <= INSTANCES; i++)); do quiet podman stop -t "$GRACE" "${names[i]}" > /dev/null 2>&1 || true; done

# ---- 5. the k8s manifests, rendered, against the image that was built and run --------------------------------------

if [ -z "$K8S_JSON" ]; then
  report "k8s: NOT CHECKED: kubectl cannot render k8s/ here"
else
  problems=()
  check() {   # check DESCRIPTION EXPECTED ACTUAL
    [ "$2" = "$3" ] || problems+=("$1: manifests say '$3', expected '$2'")
  }
  container="$statefulset | .spec.template.spec.containers[0]"
  configmap='.[] | select(.kind == "ConfigMap") | .data'
  exposed=$(podman image inspect --format '{{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}' "$IMAGE" | xargs)
  http_port=$(k8s "$container | .ports[] | select(.name == \"http\") | .containerPort")
  check "container port http = the image's EXPOSE" "${exposed%/tcp}" "$http_port"
  check "KADAPT_HTTP_PORT = container port http" "$http_port" "$(k8s "$configmap | .KADAPT_HTTP_PORT // \"8080\"")"
  check "image = the one built here (docker build -t kadapt:local)" "kadapt:local" "$(k8s "$container | .image")"
  healthcheck_path=$(podman image inspect --format '{{json .Config.Healthcheck.Test}}' "$IMAGE" | grep -o '/health/[a-z]*')
  check "readiness probe = the image's HEALTHCHECK path" "$healthcheck_path" "$(k8s "$container | .readinessProbe.httpGet.path")"
  for answer in "${probe_answers[@]}"; do check "GET ${answer%=*} on a running kadapt container" 200 "${answer#*=}"; done
  for probe in readinessProbe livenessProbe startupProbe; do
    port=$(k8s "$container | .$probe.httpGet.port // \"\"")
    [ -z "$port" ] || check "$probe port" http "$port"
  done
  check "runAsUser = the image's user (uid seen in the demo container)" "$IMAGE_UID" "$(k8s "$statefulset | .spec.template.spec.securityContext.runAsUser")"
  check "runAsNonRoot" true "$(k8s "$statefulset | .spec.template.spec.securityContext.runAsNonRoot")"
  # Every KADAPT_* variable of the ConfigMap and the container is one of the image's config keys (/info lists them).
  known_env=$(echo "$info_keys" | tr 'a-z.-' 'A-Z__' | sed 's/^/KADAPT_/')
  for var in $(k8s "($configmap | keys[]), ($container | .env[]?.name)" | grep '^KADAPT_'); do
    # A here-string, not echo | grep -q: under pipefail, grep -q leaving early can SIGPIPE the echo and fail the match.
    grep -qx "$var" <<< "$known_env" || problems+=("$var is not a configuration variable of the image")
  done
  state_dir=$(k8s "$configmap | .KADAPT_STATE_DIR")
  check "KADAPT_STATE_DIR = the image's" "$(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" | sed -n 's/^KADAPT_STATE_DIR=//p')" "$state_dir"
  on_volume=$(k8s "[$container | .volumeMounts[] | select(.mountPath as \$m | \"$state_dir/\" | startswith(\$m + \"/\")) | .name] | length")
  [ "$on_volume" -ge 1 ] || problems+=("KADAPT_STATE_DIR=$state_dir is not on a mounted volume")
  # One active instance per model (observed above) plus the standby replicas.
  standbys=$(k8s "$configmap | .KADAPT_NUM_STANDBY_REPLICAS // \"0\"")
  check "replicas = active instances seen ($EXPECTED_ACTIVE) + KADAPT_NUM_STANDBY_REPLICAS ($standbys)" \
    "$((EXPECTED_ACTIVE + standbys))" "$(k8s "$statefulset | .spec.replicas")"
  awk -v s="$stop_seconds" -v g="$GRACE" 'BEGIN { exit !(s < g) }' || problems+=("SIGTERM stop took $stop_seconds s > grace $GRACE s")
  for svc in $(k8s '.[] | select(.kind == "Service") | .metadata.name'); do
    check "Service $svc targetPort" http "$(k8s ".[] | select(.kind == \"Service\" and .metadata.name == \"$svc\") | .spec.ports[0].targetPort")"
  done
  check "PodMonitor port" http "$(k8s '.[] | select(.kind == "PodMonitor") | .spec.podMetricsEndpoints[0].port')"
  if [ ${#problems[@]} -gt 0 ]; then
    printf '   %s\n' "${problems[@]}" >&2
    fail "k8s/ does not fit the image"
  fi
  report "k8s: kubectl kustomize k8s/ renders $(k8s 'length') objects; port, probes (${probe_answers[*]}), user, config variables, state volume, replicas, grace fit the image"
fi

echo
echo "== docker/test-image.sh: PASSED in $(since "$SCRIPT_START") s"
printf '   %s\n' "${REPORT[@]}"
