package io.kadapt.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kadapt.cli.KadaptCli;
import io.kadapt.config.ConfigEntry;
import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.service.KadaptService;
import io.kadapt.stream.AdaptationSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Dockerfile, docker-compose.yml, the Kubernetes manifests and the Grafana files, cross-checked against the
 * code (config keys, default HTTP port, CLI) and against each other, so none of them can drift.
 */
@Tag("broker")
class DeploymentManifestsTest {
    private static final int HTTP_PORT = Integer.parseInt(ConfigKey.HTTP_PORT.defaultValue());
    private static final Set<String> KNOWN_ENV = ConfigEntry.all().stream()
            .map(ConfigEntry::environmentVariable).collect(Collectors.toSet());
    private static final String READY = "/health/ready";
    private static final String LIVE = "/health/live";

    @TempDir
    Path dataDir;

    // ---- Dockerfile ----

    /** Instructions of the Dockerfile, continuation lines joined, comments dropped. */
    private static List<String> dockerInstructions() {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : OpsFiles.text(OpsFiles.DOCKERFILE).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty() && current.length() == 0) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                instructions.add(current.append(trimmed).toString().strip());
                current.setLength(0);
            }
        }
        return instructions.stream().filter(i -> !i.isEmpty()).toList();
    }

    /** Instructions of the last stage (the image that runs). */
    private static List<String> runtimeStage() {
        List<String> all = dockerInstructions();
        int lastFrom = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        return all.subList(lastFrom, all.size());
    }

    private static List<String> instructions(List<String> stage, String keyword) {
        return stage.stream().filter(i -> i.startsWith(keyword + " ")).map(i -> i.substring(keyword.length() + 1).strip())
                .toList();
    }

    /** {@code ENV A=b C="d e"} and {@code ENV A b} as a map. */
    private static Map<String, String> dockerEnv(List<String> stage) {
        Map<String, String> env = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");
        for (String instruction : instructions(stage, "ENV")) {
            Matcher matcher = pair.matcher(instruction);
            boolean any = false;
            while (matcher.find()) {
                env.put(matcher.group(1), matcher.group(2).replaceAll("^\"|\"$", ""));
                any = true;
            }
            if (!any) {
                String[] parts = instruction.split("\\s+", 2);
                env.put(parts[0], parts[1]);
            }
        }
        return env;
    }

    @Test
    @DisplayName("Dockerfile: builds with .mvn/maven.config, runs the packaged jar as a non-root user, exposes and health-checks the default HTTP port")
    void dockerfile() {
        List<String> all = dockerInstructions();
        List<String> froms = instructions(all, "FROM");
        assertEquals(2, froms.size(), "multi-stage: build and runtime " + froms);
        assertTrue(froms.get(0).matches("maven:\\S+ AS build"), froms.get(0));
        assertTrue(froms.get(1).startsWith("eclipse-temurin:17-jre"), froms.get(1));
        assertTrue(all.contains("COPY .mvn/ .mvn/"), "the build stage uses the repository's .mvn/maven.config");
        assertTrue(all.stream().anyMatch(i -> i.startsWith("RUN ") && i.contains("mvn ") && i.contains(" package")
                && i.contains("-DskipTests") && i.contains("-pl kadapt-service -am")),
                "mvn package -DskipTests of the service module and what it needs, not the tools");
        assertFalse(all.stream().anyMatch(i -> i.startsWith("COPY kadapt-tools/ ")), "the tools' sources stay out");

        List<String> runtime = runtimeStage();
        assertTrue(runtime.contains("COPY --from=build /src/kadapt-service/target/kadapt.jar /app/kadapt.jar"), "jar copied");
        // The jar's manifest Class-Path is lib/..., relative to the jar.
        assertTrue(runtime.contains("COPY --from=build /src/kadapt-service/target/lib/ /app/lib/"), "runtime classpath copied");
        assertEquals(List.of("[\"java\", \"-jar\", \"/app/kadapt.jar\"]"), instructions(runtime, "ENTRYPOINT"));
        assertEquals(List.of("[\"run\"]"), instructions(runtime, "CMD"));
        List<String> users = instructions(runtime, "USER");
        assertEquals(1, users.size());
        assertFalse(Set.of("root", "0").contains(users.get(0)), "non-root user");

        Map<String, String> env = dockerEnv(runtime);
        assertEquals("1", env.get("OMP_NUM_THREADS"));
        env.keySet().stream().filter(name -> name.startsWith("KADAPT_"))
                .forEach(name -> assertTrue(KNOWN_ENV.contains(name), "unknown config variable " + name));

        assertEquals(List.of(Integer.toString(HTTP_PORT)), instructions(runtime, "EXPOSE"));
        List<String> healthchecks = instructions(runtime, "HEALTHCHECK");
        assertEquals(1, healthchecks.size());
        String healthcheck = healthchecks.get(0);
        assertTrue(healthcheck.contains("curl"), healthcheck);
        assertTrue(runtime.stream().anyMatch(i -> i.startsWith("RUN ") && i.contains("install") && i.contains("curl")),
                "the tool the HEALTHCHECK runs is installed in the image");
        assertEquals(List.of(READY), paths(healthcheck), healthcheck);
        assertTrue(healthcheck.contains("${" + ConfigKey.HTTP_PORT.environmentVariable() + ":-" + HTTP_PORT + "}"),
                "health check follows the configured port, defaulting to the service's: " + healthcheck);

        String dockerignore = OpsFiles.text(OpsFiles.ROOT.resolve(".dockerignore"));
        // Docker anchors ignore patterns at the context root: the modules' target/ dirs need the ** form.
        assertTrue(dockerignore.lines().anyMatch(l -> l.strip().matches("\\*\\*/target/?")),
                ".dockerignore **/target/");
        assertTrue(dockerignore.lines().anyMatch(l -> l.strip().matches("/?\\.git/?")), ".dockerignore .git");
    }

    /** The non-root uid the image creates (useradd --uid N). */
    private static long imageUid() {
        Matcher matcher = Pattern.compile("useradd [^&]*--uid (\\d+)").matcher(String.join("\n", runtimeStage()));
        assertTrue(matcher.find(), "Dockerfile creates its user with an explicit uid");
        return Long.parseLong(matcher.group(1));
    }

    // ---- docker-compose.yml ----

    @Test
    @DisplayName("docker-compose: kadapt services parse as CLI commands, use known KADAPT_* variables, the broker service, the default port; Prometheus and Grafana mounts fit")
    void compose() {
        JsonNode compose = OpsFiles.yaml(OpsFiles.COMPOSE);
        JsonNode services = compose.path("services");
        Map<String, JsonNode> kadapts = new LinkedHashMap<>();
        services.fields().forEachRemaining(e -> {
            if ("docker/Dockerfile".equals(e.getValue().path("build").path("dockerfile").asText())) {
                kadapts.put(e.getKey(), e.getValue());
            }
        });
        assertEquals(Set.of("kadapt", "demo-producer"), kadapts.keySet());
        assertTrue(services.path("kadapt").path("profiles").isMissingNode(), "docker compose up starts kadapt");
        assertEquals(List.of("demo"), strings(services.path("demo-producer").path("profiles")));
        Path composeDir = OpsFiles.COMPOSE.getParent();
        for (Map.Entry<String, JsonNode> entry : kadapts.entrySet()) {
            String name = entry.getKey();
            JsonNode service = entry.getValue();
            assertEquals(OpsFiles.ROOT, composeDir.resolve(service.path("build").path("context").asText()).normalize(),
                    name + " builds from the repository root");
            List<String> command = strings(service.path("command"));
            CommandLine.ParseResult parsed = new CommandLine(new KadaptCli()).parseArgs(command.toArray(String[]::new));
            assertTrue(Set.of("run", "demo").contains(parsed.subcommand().commandSpec().name()), name + ": " + command);

            Map<String, String> env = map(service.path("environment"));
            env.keySet().stream().filter(k -> k.startsWith("KADAPT_"))
                    .forEach(k -> assertTrue(KNOWN_ENV.contains(k), name + ": unknown config variable " + k));
            boolean producerOnly = parsed.subcommand().hasMatchedOption("--no-service");
            if (producerOnly) {
                assertEquals("service_healthy", service.path("depends_on").path("kadapt").path("condition").asText(),
                        name + " feeds the kadapt service once it is ready");
            } else {
                int containerPort = Integer.parseInt(env.getOrDefault(ConfigKey.HTTP_PORT.environmentVariable(),
                        Integer.toString(HTTP_PORT)));
                assertEquals(HTTP_PORT, containerPort, name + " serves HTTP on the default port");
                // A host port range, not one port: `--scale kadapt=N` gives each replica its own.
                List<String> ports = strings(service.path("ports"));
                assertEquals(1, ports.size(), name + " ports");
                assertTrue(ports.get(0).matches(HTTP_PORT + "-\\d+:" + HTTP_PORT), name + " ports: " + ports);
            }

            // The broker it uses: the compose kafka service, on a port that service listens on.
            String bootstrap = env.getOrDefault(ConfigKey.BOOTSTRAP_SERVERS.environmentVariable(),
                    parsed.subcommand().matchedOptionValue("--bootstrap-servers", ""));
            assertFalse(bootstrap.isEmpty(), name + " must use the compose broker, not an embedded one");
            String[] hostPort = bootstrap.split(":");
            assertTrue(services.has(hostPort[0]), name + ": no service " + hostPort[0]);
            assertTrue(map(services.path(hostPort[0]).path("environment")).get("KAFKA_LISTENERS")
                    .contains("PLAINTEXT://:" + hostPort[1]), name + ": broker listens on " + hostPort[1]);
            assertEquals("service_healthy", service.path("depends_on").path(hostPort[0]).path("condition").asText());
            if ("run".equals(parsed.subcommand().commandSpec().name())) {
                assertTrue(env.containsKey(ConfigKey.MODEL_INPUT_DIM.environmentVariable())
                        && env.containsKey(ConfigKey.MODEL_CLASSES.environmentVariable()), "run needs the model shape");
            }
        }

        // Prometheus: mounts the shipped config; its target is the kadapt service, whatever the profile.
        JsonNode prometheusService = services.path("prometheus");
        Map<Path, String> prometheusMounts = mounts(prometheusService, composeDir);
        assertTrue(prometheusMounts.containsKey(OpsFiles.PROMETHEUS_CONFIG));
        // and every rule file the config names, at the same place relative to the config as in docker/prometheus/
        Path configInContainer = Path.of(prometheusMounts.get(OpsFiles.PROMETHEUS_CONFIG));
        for (JsonNode ruleFile : OpsFiles.yaml(OpsFiles.PROMETHEUS_CONFIG).path("rule_files")) {
            Path source = OpsFiles.PROMETHEUS_CONFIG.getParent().resolve(ruleFile.asText()).normalize();
            assertEquals(configInContainer.getParent().resolve(ruleFile.asText()).toString(),
                    prometheusMounts.get(source), "rule file " + ruleFile.asText() + " mounted beside the config");
        }
        // Its targets: every address of the compose service's name (one per replica), on kadapt's port.
        List<String> targets = new ArrayList<>();
        for (JsonNode scrape : OpsFiles.yaml(OpsFiles.PROMETHEUS_CONFIG).path("scrape_configs")) {
            assertEquals("/metrics", scrape.path("metrics_path").asText("/metrics"));
            assertTrue(scrape.path("static_configs").isMissingNode(), "no fixed target: it would miss scaled replicas");
            scrape.path("dns_sd_configs").forEach(dns -> {
                assertEquals("A", dns.path("type").asText());
                strings(dns.path("names")).forEach(host -> targets.add(host + ":" + dns.path("port").asText()));
            });
        }
        assertEquals(List.of("kadapt:" + HTTP_PORT), targets);
        assertTrue(services.has("kadapt"), "the scrape target is a compose service");

        // Grafana: provisioning and dashboards mounted where the provider looks; the datasource is the compose Prometheus.
        JsonNode grafana = services.path("grafana");
        Map<Path, String> mounts = mounts(grafana, composeDir);
        assertEquals("/etc/grafana/provisioning", mounts.get(OpsFiles.GRAFANA_DATASOURCES.getParent().getParent()));
        String dashboardsInContainer = mounts.get(OpsFiles.DASHBOARD.getParent());
        JsonNode provider = OpsFiles.yaml(OpsFiles.GRAFANA_DASHBOARD_PROVIDER).path("providers").get(0);
        assertEquals(dashboardsInContainer, provider.path("options").path("path").asText());
        URI datasourceUrl = URI.create(datasource().path("url").asText());
        assertTrue(services.has(datasourceUrl.getHost()), "datasource host is a compose service");
        assertTrue(strings(prometheusService.path("ports")).contains(datasourceUrl.getPort() + ":" + datasourceUrl.getPort()));
    }

    private static Map<Path, String> mounts(JsonNode service, Path composeDir) {
        Map<Path, String> mounts = new LinkedHashMap<>();
        for (String volume : strings(service.path("volumes"))) {
            String[] parts = volume.split(":");
            Path source = composeDir.resolve(parts[0]).normalize();
            assertTrue(Files.exists(source), "mounted file exists: " + source);
            mounts.put(source, parts[1]);
        }
        return mounts;
    }

    // ---- Kubernetes ----

    private static List<JsonNode> k8sObjects() throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(OpsFiles.K8S)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (!file.getFileName().toString().equals("kustomization.yaml")) {
                    objects.addAll(OpsFiles.yamlDocuments(file));
                }
            }
        }
        return objects;
    }

    private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    private static JsonNode one(List<JsonNode> objects, String kind) {
        List<JsonNode> found = ofKind(objects, kind);
        assertEquals(1, found.size(), "one " + kind);
        return found.get(0);
    }

    @Test
    @DisplayName("k8s: kustomization lists every manifest; config loads and validates; ports, probes, state volume, selectors and monitor fit the service")
    void kubernetes() throws IOException {
        JsonNode kustomization = OpsFiles.yaml(OpsFiles.K8S.resolve("kustomization.yaml"));
        Set<String> listed = new TreeSet<>(strings(kustomization.path("resources")));
        Set<String> present;
        try (Stream<Path> files = Files.list(OpsFiles.K8S)) {
            present = files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(present, listed, "kustomization resources = the manifests in k8s/");

        List<JsonNode> objects = k8sObjects();
        JsonNode configMap = one(objects, "ConfigMap");
        JsonNode statefulSet = one(objects, "StatefulSet");
        JsonNode pdb = one(objects, "PodDisruptionBudget");
        JsonNode podMonitor = one(objects, "PodMonitor");
        List<JsonNode> services = ofKind(objects, "Service");

        // The ConfigMap is kadapt configuration: known variables only, and it loads and validates as `run` would.
        Map<String, String> configEnv = map(configMap.path("data"));
        configEnv.keySet().forEach(k -> assertTrue(KNOWN_ENV.contains(k), "unknown config variable " + k));
        KadaptConfig config = KadaptConfig.load(Map.of(), null, configEnv, Map.of());
        AdaptationSettings.from(config);
        assertFalse(config.string(ConfigKey.BOOTSTRAP_SERVERS).isEmpty(), "k8s uses a real cluster, not the embedded broker");

        JsonNode pod = statefulSet.path("spec").path("template");
        Map<String, String> podLabels = map(pod.path("metadata").path("labels"));
        JsonNode container = pod.path("spec").path("containers").get(0);
        assertEquals(kustomization.path("images").get(0).path("name").asText(), container.path("image").asText());
        assertEquals("run", container.path("args").get(0).asText());

        JsonNode httpPort = namedPort(container.path("ports"), "http");
        assertEquals(config.integer(ConfigKey.HTTP_PORT), httpPort.path("containerPort").asInt());
        assertEquals(HTTP_PORT, httpPort.path("containerPort").asInt());

        assertEquals(configMap.path("metadata").path("name").asText(),
                container.path("envFrom").get(0).path("configMapRef").path("name").asText());
        Map<String, String> env = new LinkedHashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        assertEquals("1", env.get("OMP_NUM_THREADS"));
        env.keySet().stream().filter(k -> k.startsWith("KADAPT_"))
                .forEach(k -> assertTrue(KNOWN_ENV.contains(k), "unknown config variable " + k));

        assertProbe(container.path("readinessProbe"), READY);
        assertProbe(container.path("livenessProbe"), LIVE);
        if (container.has("startupProbe")) {
            assertProbe(container.path("startupProbe"), LIVE);
        }
        for (String resource : List.of("requests", "limits")) {
            for (String kind : List.of("cpu", "memory")) {
                assertFalse(container.path("resources").path(resource).path(kind).asText().isEmpty(),
                        "resources." + resource + "." + kind);
            }
        }

        // Kafka Streams state lives on the claimed volume.
        Set<String> claims = new HashSet<>();
        statefulSet.path("spec").path("volumeClaimTemplates").forEach(c -> claims.add(c.path("metadata").path("name").asText()));
        String stateDir = config.string(ConfigKey.STATE_DIR);
        assertTrue(stream(container.path("volumeMounts")).anyMatch(m -> claims.contains(m.path("name").asText())
                        && (stateDir + "/").startsWith(m.path("mountPath").asText().replaceAll("/?$", "/"))),
                ConfigKey.STATE_DIR.environmentVariable() + "=" + stateDir + " is on a claimed volume");

        JsonNode securityContext = pod.path("spec").path("securityContext");
        assertTrue(securityContext.path("runAsNonRoot").asBoolean());
        assertEquals(imageUid(), securityContext.path("runAsUser").asLong(), "the image's user");

        // Services: named http port to the container's; selectors reach the pods; the headless one governs the set.
        assertFalse(services.isEmpty());
        for (JsonNode service : services) {
            assertTrue(selects(service.path("spec").path("selector"), podLabels), "selector of " + service);
            JsonNode port = namedPort(service.path("spec").path("ports"), "http");
            assertEquals(HTTP_PORT, port.path("port").asInt());
            assertEquals("http", port.path("targetPort").asText());
        }
        String governing = statefulSet.path("spec").path("serviceName").asText();
        assertTrue(services.stream().anyMatch(s -> governing.equals(s.path("metadata").path("name").asText())
                && "None".equals(s.path("spec").path("clusterIP").asText())), "headless service " + governing);

        assertEquals("policy/v1", pdb.path("apiVersion").asText());
        assertTrue(selects(pdb.path("spec").path("selector").path("matchLabels"), podLabels));

        assertEquals("monitoring.coreos.com/v1", podMonitor.path("apiVersion").asText());
        assertTrue(selects(podMonitor.path("spec").path("selector").path("matchLabels"), podLabels));
        JsonNode endpoint = podMonitor.path("spec").path("podMetricsEndpoints").get(0);
        assertEquals("http", endpoint.path("port").asText());
        assertEquals("/metrics", endpoint.path("path").asText());
    }

    private static void assertProbe(JsonNode probe, String path) {
        assertEquals(path, probe.path("httpGet").path("path").asText(), probe.toString());
        assertEquals("http", probe.path("httpGet").path("port").asText(), probe.toString());
    }

    private static JsonNode namedPort(JsonNode ports, String name) {
        return stream(ports).filter(p -> name.equals(p.path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no port named " + name + " in " + ports));
    }

    private static boolean selects(JsonNode selector, Map<String, String> labels) {
        Map<String, String> required = map(selector);
        return !required.isEmpty() && labels.entrySet().containsAll(required.entrySet());
    }

    // ---- Grafana ----

    private static JsonNode datasource() {
        JsonNode datasources = OpsFiles.yaml(OpsFiles.GRAFANA_DATASOURCES).path("datasources");
        assertEquals(1, datasources.size());
        return datasources.get(0);
    }

    @Test
    @DisplayName("dashboard: stable uid, every datasource reference is the provisioned one, every query filtered by $job and $instance")
    void dashboard() {
        JsonNode dashboard = OpsFiles.json(OpsFiles.DASHBOARD);
        assertEquals("kadapt-overview", dashboard.path("uid").asText());
        JsonNode datasource = datasource();
        assertEquals("prometheus", datasource.path("type").asText());
        String uid = datasource.path("uid").asText();

        List<JsonNode> references = new ArrayList<>();
        collectField(dashboard, "datasource", references);
        assertFalse(references.isEmpty());
        for (JsonNode reference : references) {
            assertEquals(uid, reference.path("uid").asText(), "datasource reference " + reference);
            assertEquals("prometheus", reference.path("type").asText(), "datasource reference " + reference);
        }

        Set<String> variables = new HashSet<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertEquals(Set.of("job", "instance"), variables);

        Pattern metricSelector = Pattern.compile("\\b((?:kadapt|kafka|jvm|process|system)_\\w+|ALERTS)(\\{[^}]*})?");
        List<DashboardQueriesTest.PanelQuery> queries = DashboardQueriesTest.panelQueries(dashboard);
        assertFalse(queries.isEmpty());
        for (DashboardQueriesTest.PanelQuery query : queries) {
            Matcher matcher = metricSelector.matcher(query.expr());
            assertTrue(matcher.find(), query.toString());
            matcher.reset();
            while (matcher.find()) {
                String selector = matcher.group(2) == null ? "" : matcher.group(2);
                assertTrue(selector.contains("job=\"$job\"") && selector.contains("instance=~\"$instance\""),
                        query.panel() + ": " + matcher.group() + " lacks the $job/$instance filters");
            }
        }
        Set<String> ids = new HashSet<>();
        dashboard.path("panels").forEach(p -> assertTrue(ids.add(p.path("id").asText()), "duplicate panel id " + p.path("id")));
        assertEquals("stat", dashboard.path("panels").get(0).path("type").asText(), "stat panels on top");
    }

    private static void collectField(JsonNode node, String field, List<JsonNode> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals(field)) {
                    into.add(e.getValue());
                }
                collectField(e.getValue(), field, into);
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectField(child, field, into));
        }
    }

    // ---- the paths they probe, on a running kadapt ----

    @Test
    @DisplayName("every health and metrics path the manifests probe answers 200 on a running kadapt")
    void probedPathsAnswerOnRunningService() throws Exception {
        Set<String> paths = new TreeSet<>();
        List<JsonNode> httpGets = new ArrayList<>();
        k8sObjects().forEach(object -> collectField(object, "httpGet", httpGets));
        httpGets.forEach(httpGet -> paths.add(httpGet.path("path").asText()));
        one(k8sObjects(), "PodMonitor").path("spec").path("podMetricsEndpoints").forEach(e -> paths.add(e.path("path").asText()));
        paths.addAll(paths(instructions(runtimeStage(), "HEALTHCHECK").get(0)));
        OpsFiles.yaml(OpsFiles.PROMETHEUS_CONFIG).path("scrape_configs")
                .forEach(s -> paths.add(s.path("metrics_path").asText("/metrics")));
        assertEquals(new TreeSet<>(List.of(READY, LIVE, "/metrics")), paths);

        KadaptConfig config = KadaptConfig.of(Map.of("embedded.port", "0", "http.port", "0",
                "embedded.data-dir", dataDir.toString(), "model.input-dim", "3", "model.classes", "2",
                "model.hidden", "8"));
        HttpClient http = HttpClient.newHttpClient();
        try (KadaptService service = KadaptService.start(config, Duration.ofSeconds(90))) {
            for (String path : paths) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + service.httpPort() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), path);
            }
        }
    }

    // ---- helpers ----

    private static List<String> paths(String text) {
        Matcher matcher = Pattern.compile("https?://[^/\\s\"]+(/[\\w/.-]*)").matcher(text);
        List<String> paths = new ArrayList<>();
        while (matcher.find()) {
            paths.add(matcher.group(1));
        }
        return paths;
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> nodes = new ArrayList<>();
        array.forEach(nodes::add);
        return nodes.stream();
    }

    private static List<String> strings(JsonNode node) {
        return stream(node).filter(Predicate.not(JsonNode::isContainerNode)).map(JsonNode::asText).toList();
    }

    /** A YAML mapping (or a compose list of KEY=value) as strings. */
    private static Map<String, String> map(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        if (node.isArray()) {
            node.forEach(item -> {
                String[] parts = item.asText().split("=", 2);
                map.put(parts[0], parts.length > 1 ? parts[1] : "");
            });
        } else {
            node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        }
        return map;
    }
}
