#!/bin/sh
# Entry point of the test broker image: configured like apache/kafka's image, by KAFKA_* variables
# (KAFKA_NODE_ID -> node.id; "___" -> "-", "__" -> "_", "_" -> "."), storage formatted on first start.
set -eu
conf=/opt/kafka/config/server.properties
: > "$conf"
env | grep '^KAFKA_' | while IFS='=' read -r name value; do
  [ "$name" = KAFKA_HEAP_OPTS ] && continue
  key=$(printf '%s' "${name#KAFKA_}" | tr 'A-Z' 'a-z' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')
  printf '%s=%s\n' "$key" "$value" >> "$conf"
done
grep -q '^log\.dirs=' "$conf" || echo "log.dirs=/var/lib/kafka/data" >> "$conf"
cp=/opt/kafka/libs/'*'
java -cp "$cp" kafka.tools.StorageTool format --config "$conf" --cluster-id "${CLUSTER_ID:-a2FkYXB0LWNpLWNsdXN0ZQ}" \
  --ignore-formatted >&2
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} -cp "$cp" kafka.Kafka "$conf"
