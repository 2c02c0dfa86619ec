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
GRACE=30                           # k8s/statefulset.yaml terminationGracePeriodSeconds
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

# podman and its helpers, debootstrap for the Debian base, kcat as the host's Kafka client, jq/yq for the checks.
need=()
for tool in podman:podman runc:runc conmon:conmon iptables:iptables catatonit:catatonit debootstrap:debootstrap \
            kcat:kcat jq:jq yq:yq curl:curl nsenter:util-linux; do
  command -v "${tool%%:*}" > /dev/null || need+=("${tool#*:}")
done
[ -x /usr/lib/podman/netavark ] || need+=(netavark aardvark-dns)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    log "installing ${need[*]}"
    (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}") \
      > /tmp/$RUN-apt.log 2>&1 || skip "could not install ${need[*]} (see /tmp/$RUN-apt.log)"
  else
    skip "podman or its tools missing (${need[*]}); install them or run as root on Debian"
  fi
fi
[ "$(id -u)" = 0 ] || skip "needs root (rootful podman: cgroupfs, port publishing, debootstrap)"
podman_error=$(podman info 2>&1 > /dev/null) || skip "podman cannot run here: $podman_error"

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
      podman logs --tail 40 "$c" 2>&1 | grep -v 'systemd' || true
    done
  fi
  if [ "${KADAPT_TEST_KEEP:-0}" = 1 ]; then
    log "KADAPT_TEST_KEEP=1: containers of run $RUN left running"
  else
    cleanup_run "$RUN"
  fi
  rm -rf "/tmp/$RUN"
}
trap on_exit EXIT
mkdir -p "/tmp/$RUN"

# Podman has no systemd here to time HEALTHCHECKs; `podman healthcheck run` runs them. Its complaint about that is noise.
quiet() { "$@" 2> >(grep -v 'systemd' >&2); }

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
# the build stage reaches Maven Central the way the host does. Only the stand-ins carry them.
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
    local t
    t=$(now)
    nice -n 10 podman build -q --pull=never --format docker --label "io.kadapt.ci.recipe=$recipe" "$@" \
      -f "$file" -t "$name" "$context" > "/tmp/$RUN/build.log" 2>&1 \
      || { tail -30 "/tmp/$RUN/build.log"; fail "building $name from ${file#$ROOT/}"; }
    report "$name: built from ${file#$ROOT/} in $(since "$t") s"
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
t=$(now)
nice -n 10 podman build --pull=never --format docker -f docker/Dockerfile -t "$IMAGE" . > "/tmp/$RUN/kadapt-build.log" 2>&1 \
  || { tail -40 "/tmp/$RUN/kadapt-build.log"; fail "podman build -f docker/Dockerfile"; }
build_seconds=$(since "$t")
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
jre_size=$(podman image inspect --format '{{.Size}}' "$JRE_IMAGE")
report "kadapt image $IMAGE: built in $build_seconds s; $((size / 1000000)) MB ($(( (size - jre_size) / 1000000 )) MB on top of the $((jre_size / 1000000)) MB runtime base $JRE_IMAGE)"

[ "$(podman image inspect --format '{{.Config.User}}' "$IMAGE")" != "" ] || fail "image has no USER"
podman image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE" | grep -q '/health/ready' \
  || fail "image has no HEALTHCHECK on /health/ready"

# ---- helpers for running containers ------------------------------------------------------------------------------

# wait_ready URL TIMEOUT: polls until 200; prints the seconds it took.
wait_ready() {
  local url=$1 timeout=$2 t
  t=$(now)
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
ready=$(wait_ready "http://127.0.0.1:$http/health/ready" $READY_TIMEOUT) || fail "demo: /health/ready not 200 within $READY_TIMEOUT s"
report "demo: start-to-ready $ready s (podman run to /health/ready 200 from the host, fresh container and volume)"

user=$(podman exec "$DEMO" sh -c 'stat -c %U /proc/1; id -u')
[ "$(echo "$user" | sed -n 2p)" != 0 ] || fail "demo runs as root"
report "demo: java runs as $(echo "$user" | head -1) (uid $(echo "$user" | sed -n 2p))"

quiet podman healthcheck run "$DEMO" > /dev/null || fail "HEALTHCHECK not healthy while /health/ready is 200"
health=$(podman inspect --format '{{.State.Health.Status}}' "$DEMO")
[ "$health" = healthy ] || fail "HEALTHCHECK status $health"

# The embedded broker listens on the container's loopback only (EmbeddedKafkaBroker binds localhost), so the host's
# kcat enters the container's network namespace to read it.
pid=$(podman inspect --format '{{.State.Pid}}' "$DEMO")
read_predictions() {
  nsenter -t "$pid" -n kcat -C -b localhost:9092 -t kadapt.predictions -X isolation.level=read_committed \
    -o beginning -c "$1" -e -q 2> /dev/null
}
has_predictions() { [ "$(read_predictions 20 | jq -s 'map(select(.id and (.predicted | type) == "number")) | length')" = 20 ]; }
until_true 60 has_predictions || fail "demo: no 20 predictions readable with kcat"
report "demo: predictions read from the host with kcat: $(read_predictions 1)"

trained() { [ "$(model_step "$http")" -gt 0 ]; }
until_true 60 trained || fail "demo: the model did not train"
t=$(now)
quiet podman stop -t $GRACE "$DEMO" > /dev/null
stop_seconds=$(since "$t")
step_before=$(podman logs "$DEMO" 2>&1 | sed -n 's/.*kadapt: step \([0-9]*\).*/\1/p' | tail -1)
code=$(podman inspect --format '{{.State.ExitCode}}' "$DEMO")
awk -v s="$stop_seconds" -v g=$GRACE 'BEGIN { exit !(s < g) }' || fail "podman stop took $stop_seconds s (grace $GRACE s)"
[ "$code" = 143 ] || [ "$code" = 0 ] || fail "exit code $code after SIGTERM (137: killed after the grace period)"
report "demo: podman stop (SIGTERM) took $stop_seconds s of the $GRACE s grace, exit code $code"

# A new container on the same volume resumes the model where the old one stopped.
quiet podman rm "$DEMO" > /dev/null
t=$(now)
run_demo
ready=$(wait_ready "http://127.0.0.1:$http/health/ready" $READY_TIMEOUT) || fail "demo restart: not ready within $READY_TIMEOUT s"
resumed=$(podman logs "$DEMO" 2>&1 | sed -n 's/.*trainer loaded from the stores at model step \([0-9]*\).*/\1/p' | head -1)
[ -n "$resumed" ] && [ "$resumed" -gt 0 ] || fail "demo restart: the model started again from step ${resumed:-?}, not from the volume"
report "demo: new container on the same volume ready in $ready s, model resumed at step $resumed (status line said ${step_before:-?} before the stop)"
quiet podman stop -t $GRACE "$DEMO" > /dev/null

log "single container done after $(since "$SCRIPT_START") s"
