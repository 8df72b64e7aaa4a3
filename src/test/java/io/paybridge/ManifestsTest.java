package io.paybridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import io.paybridge.command.PaybridgeCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Renders {@code k8s/} with {@code kubectl kustomize} and checks its wiring against the application:
 * ports, probes, metrics, the keys of the Secret and ConfigMap, the jobs' commands, the security
 * context, and that the alerts use metrics the application exports.
 */
class ManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static List<JsonNode> objects;
    private static Properties application;

    @BeforeAll
    static void render() throws Exception {
        assumeTrue(kubectlAvailable(), "kubectl is not installed: the manifests cannot be rendered here");
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", ROOT.resolve("k8s").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] rendered = kubectl.getInputStream().readAllBytes();
        assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kubectl.exitValue()).as("kubectl kustomize k8s").isZero();
        objects = readAll(rendered);
        application = new Properties();
        try (InputStream in = Files.newInputStream(ROOT.resolve("src/main/resources/application.properties"))) {
            application.load(in);
        }
    }

    @Test
    void rendersEveryObjectSpec3Lists() {
        assertThat(objects.stream().map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText()))
                .contains("Deployment/paybridge", "Service/paybridge", "Ingress/paybridge",
                        "ServiceMonitor/paybridge", "PrometheusRule/paybridge", "PodDisruptionBudget/paybridge",
                        "NetworkPolicy/paybridge", "CronJob/paybridge-reprocess", "CronJob/paybridge-backfill",
                        "ConfigMap/paybridge-config")
                .noneMatch(name -> name.startsWith("Secret/"));
    }

    @Test
    void theDeploymentServesOnTheApplicationsPortsWithItsProbePaths() {
        JsonNode deployment = object("Deployment", "paybridge");
        assertThat(deployment.at("/spec/replicas").asInt()).isGreaterThanOrEqualTo(2);
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        Map<String, Integer> ports = ports(container);
        assertThat(ports).containsEntry("http", Integer.valueOf(application.getProperty("quarkus.http.port")))
                .containsEntry("management", Integer.valueOf(application.getProperty("quarkus.management.port")));
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(container.path(probe).at("/httpGet/port").asText()).as(probe).isEqualTo("management");
        }
        assertThat(container.at("/resources/requests/memory").isMissingNode()).isFalse();
        assertThat(container.at("/resources/limits/memory").isMissingNode()).isFalse();
        assertThat(container.path("command").isMissingNode()).as("the image's entrypoint runs the server").isTrue();
        assertThat(container.path("args").isMissingNode()).isTrue();
    }

    @Test
    void everyPodRunsNonRootOnAReadOnlyRootFilesystemWithoutCapabilities() {
        for (JsonNode pod : podSpecs()) {
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
            assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
            for (JsonNode container : pod.path("containers")) {
                JsonNode security = container.path("securityContext");
                assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
                assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
                assertThat(security.at("/capabilities/drop").toString()).contains("ALL");
                assertThat(container.path("volumeMounts").toString()).as("a writable /tmp").contains("/tmp");
            }
        }
    }

    @Test
    void theServiceIngressAndMonitorReachTheRightPorts() {
        JsonNode deployment = object("Deployment", "paybridge");
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        Set<String> portNames = ports(deployment.at("/spec/template/spec/containers/0")).keySet();

        JsonNode service = object("Service", "paybridge");
        assertSelects(service.at("/spec/selector"), podLabels);
        for (JsonNode port : service.at("/spec/ports")) {
            assertThat(portNames).contains(port.path("targetPort").asText());
        }

        JsonNode ingress = object("Ingress", "paybridge");
        List<JsonNode> paths = new ArrayList<>();
        ingress.at("/spec/rules").forEach(rule -> rule.at("/http/paths").forEach(paths::add));
        assertThat(paths).hasSize(1);
        assertThat(paths.get(0).path("path").asText()).isEqualTo("/webhooks/stripe");
        assertThat(paths.get(0).at("/backend/service/name").asText()).isEqualTo("paybridge");
        assertThat(paths.get(0).at("/backend/service/port/name").asText()).isEqualTo("http");

        JsonNode monitor = object("ServiceMonitor", "paybridge");
        assertSelects(monitor.at("/spec/selector/matchLabels"), service.at("/metadata/labels"));
        assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("management");
        assertThat(monitor.at("/spec/endpoints/0/path").asText())
                .isEqualTo("/" + application.getProperty("quarkus.management.root-path", "q") + "/metrics");

        JsonNode budget = object("PodDisruptionBudget", "paybridge");
        assertSelects(budget.at("/spec/selector/matchLabels"), podLabels);
        for (JsonNode cronJob : objects("CronJob")) {
            JsonNode jobLabels = cronJob.at("/spec/jobTemplate/spec/template/metadata/labels");
            assertThat(matches(service.at("/spec/selector"), jobLabels)).as("the Service must not route to job pods").isFalse();
            assertThat(matches(budget.at("/spec/selector/matchLabels"), jobLabels)).isFalse();
        }
    }

    @Test
    void theNetworkPolicyLetsInOnlyWebhooksAndScrapesAndLetsOutOnlyWhatPaybridgeCalls() {
        JsonNode policy = object("NetworkPolicy", "paybridge");
        assertThat(policy.at("/spec/policyTypes").toString()).contains("Ingress").contains("Egress");
        for (JsonNode pod : podTemplates()) {
            assertSelects(policy.at("/spec/podSelector/matchLabels"), pod.at("/metadata/labels"));
        }
        Set<String> inbound = new TreeSet<>();
        policy.at("/spec/ingress").forEach(rule -> rule.path("ports").forEach(port -> inbound.add(port.path("port").asText())));
        assertThat(inbound).containsExactly("http", "management");
        Set<String> outbound = new TreeSet<>();
        policy.at("/spec/egress").forEach(rule -> rule.path("ports").forEach(port -> outbound.add(port.path("port").asText())));
        assertThat(outbound).containsExactlyInAnyOrder("53", "5432", "443");
    }

    @Test
    void theJobsAreSuspendedTemplatesRunningCommandsTheExecutableKnows() {
        JsonNode server = object("Deployment", "paybridge").at("/spec/template/spec/containers/0");
        CommandLine commandLine = new CommandLine(PaybridgeCommand.class, new NullServicesFactory());
        for (String name : List.of("paybridge-reprocess", "paybridge-backfill")) {
            JsonNode cronJob = object("CronJob", name);
            assertThat(cronJob.at("/spec/suspend").asBoolean()).as(name + " suspended").isTrue();
            JsonNode pod = cronJob.at("/spec/jobTemplate/spec/template/spec");
            assertThat(pod.path("restartPolicy").asText()).isEqualTo("Never");
            JsonNode container = pod.at("/containers/0");
            assertThat(container.path("image").asText()).isEqualTo(server.path("image").asText());
            assertThat(container.path("command").isMissingNode()).as("the image's entrypoint runs the command").isTrue();
            assertThat(container.path("envFrom")).isEqualTo(server.path("envFrom"));
            List<String> args = StreamSupport.stream(container.path("args").spliterator(), false).map(JsonNode::asText).toList();
            assertThat(args.get(0)).isEqualTo(name.substring("paybridge-".length()));
            CommandLine.ParseResult parsed = commandLine.parseArgs(args.toArray(String[]::new));
            assertThat(parsed.hasSubcommand()).isTrue();
            assertThat(parsed.subcommand().unmatched()).isEmpty();
        }
    }

    @Test
    void theSecretAndConfigMapKeysAreSettingsTheApplicationReads() throws IOException {
        List<Pattern> known = documentedProperties();
        Set<String> keys = new TreeSet<>();
        object("ConfigMap", "paybridge-config").path("data").fieldNames().forEachRemaining(keys::add);
        readAll(Files.readAllBytes(ROOT.resolve("k8s/secret.example.yaml"))).get(0).path("stringData").fieldNames()
                .forEachRemaining(keys::add);
        assertThat(keys).contains("QUARKUS_DATASOURCE_REACTIVE_URL", "QUARKUS_DATASOURCE_PASSWORD",
                "PAYBRIDGE_ACCOUNTS_DEFAULT_WEBHOOK_SECRETS", "PAYBRIDGE_SALESFORCE_CLIENT_SECRET", "PAYBRIDGE_ADMIN_TOKEN");
        for (String key : keys) {
            assertThat(known).as(key + " is a documented setting").anyMatch(pattern -> pattern.matcher(key).matches());
        }
        JsonNode server = object("Deployment", "paybridge").at("/spec/template/spec/containers/0");
        assertThat(server.path("envFrom").toString()).contains("paybridge-secrets").contains("paybridge-config");
    }

    @Test
    void theAlertsWatchMetricsTheApplicationExports() throws IOException {
        String metrics = doc("operations.md");
        String runbooks = doc("runbooks.md");
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : object("PrometheusRule", "paybridge").at("/spec/groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.add(rule.path("alert").asText());
                Matcher metric = Pattern.compile("paybridge_[a-z_]+").matcher(rule.path("expr").asText());
                while (metric.find()) {
                    assertThat(metrics).as(metric.group() + " is documented").contains("`" + metric.group());
                }
                assertThat(rule.at("/labels/severity").asText()).isIn("warning", "critical");
                String runbook = rule.at("/annotations/runbook").asText();
                assertThat(ROOT.resolve(runbook)).as("the runbook file of " + rule.path("alert").asText()).isRegularFile();
            }
        }
        assertThat(alerts).contains("PaybridgeOldestPendingEventTooOld", "PaybridgeDeadEventsGrowing",
                "PaybridgeSalesforceCircuitOpen", "PaybridgeSalesforceApiUsageHigh");
        for (String alert : alerts) {
            assertThat(runbooks).as("a runbook for " + alert).contains("## " + alert + "\n");
        }
    }

    @Test
    void theDashboardShowsMetricsTheApplicationExports() throws IOException {
        String metrics = doc("operations.md");
        JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("grafana/paybridge-dashboard.json").toFile());
        assertThat(dashboard.path("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher metric = Pattern.compile("paybridge_[a-z_]+").matcher(target.path("expr").asText());
                assertThat(metric.find()).as(panel.path("title").asText()).isTrue();
                do {
                    String name = metric.group().replaceFirst("_(bucket|count|sum)$", "");
                    assertThat(metrics).as(name + " is documented").contains("`" + name);
                } while (metric.find());
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static String doc(String page) throws IOException {
        return Files.readString(ROOT.resolve("docs").resolve(page), StandardCharsets.UTF_8);
    }

    /** docs/configuration.md's table as patterns of environment variable names. */
    private static List<Pattern> documentedProperties() throws IOException {
        List<Pattern> patterns = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `((?:paybridge|quarkus)\\.[^`]+)`")
                .matcher(doc("configuration.md"));
        while (row.find()) {
            String env = row.group(1).toUpperCase().replace('.', '_').replace('-', '_');
            patterns.add(Pattern.compile(Pattern.quote(env).replace("<NAME>", "\\E[A-Z0-9]+\\Q")));
        }
        return patterns;
    }

    private static JsonNode object(String kind, String name) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind) && o.at("/metadata/name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in the rendered manifests"));
    }

    private static List<JsonNode> objects(String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    private static List<JsonNode> podTemplates() {
        List<JsonNode> templates = new ArrayList<>();
        templates.add(object("Deployment", "paybridge").at("/spec/template"));
        objects("CronJob").forEach(cronJob -> templates.add(cronJob.at("/spec/jobTemplate/spec/template")));
        return templates;
    }

    private static List<JsonNode> podSpecs() {
        return podTemplates().stream().map(template -> template.path("spec")).toList();
    }

    private static Map<String, Integer> ports(JsonNode container) {
        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(port -> ports.put(port.path("name").asText(), port.path("containerPort").asInt()));
        return ports;
    }

    private static void assertSelects(JsonNode selector, JsonNode labels) {
        assertThat(selector.isMissingNode() || selector.isEmpty()).as("an empty selector").isFalse();
        assertThat(matches(selector, labels)).as(selector + " selects " + labels).isTrue();
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        var fields = selector.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (!labels.path(field.getKey()).asText().equals(field.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    private static List<JsonNode> readAll(byte[] yaml) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(node -> {
                if (node != null && !(node instanceof MissingNode) && !node.isNull()) {
                    documents.add(node);
                }
            });
        }
        return documents;
    }

    private static boolean kubectlAvailable() {
        try {
            Process version = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            version.getInputStream().readAllBytes();
            return version.waitFor(30, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Builds the commands without the application's services: parsing needs their options only. */
    private static final class NullServicesFactory implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            Constructor<?> constructor = type.getDeclaredConstructors()[0];
            constructor.setAccessible(true);
            return type.cast(constructor.newInstance(new Object[constructor.getParameterCount()]));
        }
    }
}
