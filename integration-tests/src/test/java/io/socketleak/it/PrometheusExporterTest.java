package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.socketleak.it.apps.ClosesSomeHoldsSome;
import io.socketleak.it.support.ChildJvm;
import io.socketleak.it.support.PeerServer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The shipped exporter configuration ({@code docs/prometheus/socket-leak-jmx-exporter.yaml}) with the
 * Prometheus JMX exporter's agent, as released on Maven Central, beside ours in a child JVM that makes
 * known connections: its {@code /metrics}, scraped over HTTP, carry our counts with their types, and
 * each destination's ports under its own label.
 */
class PrometheusExporterTest {
    /** Connections to one server, each closed by the child first: active closes. */
    private static final int CLOSED = 5;
    /** Connections to another server, left open. */
    private static final int HELD = 3;
    private static final String TEXT = "text/plain; version=0.0.4";
    private static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0";

    /** Every metric the configuration makes, with its type: nothing else of ours may come out, nothing untyped. */
    private static final Map<String, String> TYPES = new TreeMap<>(Map.ofEntries(
            Map.entry("socketleak_agent_version", "gauge"),
            Map.entry("socketleak_missing_hooks", "gauge"),
            Map.entry("socketleak_opened_total", "counter"),
            Map.entry("socketleak_closed_total", "counter"),
            Map.entry("socketleak_active_closes_total", "counter"),
            Map.entry("socketleak_passive_closes_total", "counter"),
            Map.entry("socketleak_abortive_closes_total", "counter"),
            Map.entry("socketleak_collected_unclosed_total", "counter"),
            Map.entry("socketleak_close_wait_leaks_total", "counter"),
            Map.entry("socketleak_leaks_total", "counter"),
            Map.entry("socketleak_open_sockets", "gauge"),
            Map.entry("socketleak_listening_sockets", "gauge"),
            Map.entry("socketleak_worst_port_utilization", "gauge"),
            Map.entry("socketleak_open_file_descriptors", "gauge"),
            Map.entry("socketleak_max_file_descriptors", "gauge"),
            Map.entry("socketleak_destination_open", "gauge"),
            Map.entry("socketleak_destination_time_wait", "gauge"),
            Map.entry("socketleak_destination_ports_in_use", "gauge"),
            Map.entry("socketleak_destination_port_capacity", "gauge"),
            Map.entry("socketleak_destination_port_utilization", "gauge"),
            Map.entry("socketleak_destination_active_closes_per_second", "gauge"),
            Map.entry("socketleak_destination_opened_total", "counter"),
            Map.entry("socketleak_destination_active_closes_total", "counter")));

    /** One scrape: the {@code # TYPE} lines, and the samples by name with their labels as written. */
    private record Metrics(String text, Map<String, String> types, Map<String, Double> samples) {
        static Metrics parse(String text) {
            Map<String, String> types = new TreeMap<>();
            Map<String, Double> samples = new LinkedHashMap<>();
            for (String line : text.lines().toList()) {
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.split(" ", 4);
                    types.put(parts[2], parts[3]);
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    int space = line.lastIndexOf(' ');
                    samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                }
            }
            return new Metrics(text, types, samples);
        }

        double value(String sample) {
            Double value = samples.get(sample);
            if (value == null) {
                fail("no sample " + sample + " in the scrape:\n" + text);
            }
            return value;
        }

        double of(String name, String destination) {
            return value(name + "{destination=\"" + destination + "\"}");
        }

        /** Our metrics' types, as the scrape declares them. */
        Map<String, String> ours() {
            Map<String, String> ours = new TreeMap<>();
            types.forEach((name, type) -> {
                if (name.contains("socketleak")) {
                    ours.put(name, type);
                }
            });
            return ours;
        }

        /** The destination labels of one metric. */
        TreeSet<String> destinations(String name) {
            TreeSet<String> labels = new TreeSet<>();
            for (String sample : samples.keySet()) {
                if (sample.startsWith(name + "{destination=\"")) {
                    labels.add(sample.substring(name.length() + "{destination=\"".length(), sample.length() - 2));
                }
            }
            return labels;
        }
    }

    /** A child JVM with both agents, running {@link ClosesSomeHoldsSome} until it is closed. */
    private static final class Child implements AutoCloseable {
        final Process process;
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final int metricsPort;
        /** HTTP connections made to the exporter so far: each is a socket it accepted. */
        int scrapes;

        Child(boolean oursFirst, int metricsPort, PeerServer closing, PeerServer holding) throws IOException {
            this.metricsPort = metricsPort;
            String ours = "-javaagent:" + ChildJvm.agentJar() + "=interval=0";
            String exporter = "-javaagent:" + exporterJar() + "=127.0.0.1:" + metricsPort + ":" + configuration();
            ChildJvm jvm = new ChildJvm();
            for (String agent : oursFirst ? List.of(ours, exporter) : List.of(exporter, ours)) {
                jvm.jvmArg(agent);
            }
            process = jvm.start(ClosesSomeHoldsSome.class, String.valueOf(closing.port()), String.valueOf(CLOSED),
                    String.valueOf(holding.port()), String.valueOf(HELD));
            Thread drain = new Thread(() -> {
                try (InputStream err = process.getErrorStream()) {
                    err.transferTo(stderr);
                } catch (IOException ignored) {
                    // the child ended
                }
            });
            drain.setDaemon(true);
            drain.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String ready = out.readLine();
            if (!"ready".equals(ready)) {
                throw new IOException("the child did not start: " + ready + "\n" + stderr());
            }
        }

        String stderr() {
            return stderr.toString(StandardCharsets.UTF_8);
        }

        /** GET /metrics over a connection of its own (HTTP/1.0: the exporter closes it once answered). */
        Metrics scrape(String accept) throws IOException {
            try (Socket http = new Socket(InetAddress.getLoopbackAddress(), metricsPort)) {
                scrapes++;
                OutputStream out = http.getOutputStream();
                out.write(("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1:" + metricsPort + "\r\nAccept: " + accept
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String response = new String(http.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int body = response.indexOf("\r\n\r\n");
                if (!response.startsWith("HTTP/1.1 200") || body < 0) {
                    throw new IOException("not a metrics page: " + response);
                }
                return Metrics.parse(response.substring(body + 4));
            }
        }

        /** Scrapes until {@code ready} holds, or fails after a minute with the last scrape. */
        Metrics scrapeUntil(Predicate<Metrics> ready, String what) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            Object last = "nothing";
            while (System.nanoTime() < deadline) {
                try {
                    Metrics metrics = scrape(TEXT);
                    if (ready.test(metrics)) {
                        return metrics;
                    }
                    last = metrics.text();
                } catch (ConnectException e) {
                    last = e; // not listening yet
                }
                if (!process.isAlive()) {
                    fail("the child ended: " + stderr());
                }
                Thread.sleep(50);
            }
            throw new AssertionError(what + " never came; the last scrape:\n" + last + "\nthe child's stderr:\n"
                    + stderr());
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static Path exporterJar() {
        Path jar = Path.of(System.getProperty("socketleak.otherAgents", "target/other-agents"))
                .resolve("jmx_prometheus_javaagent.jar");
        assertTrue(Files.isRegularFile(jar), "not downloaded by the build: " + jar);
        return jar.toAbsolutePath();
    }

    /** The configuration the README ships, as it is in the repository. */
    private static Path configuration() {
        Path yaml = Path.of(System.getProperty("socketleak.prometheusConfig",
                "../docs/prometheus/socket-leak-jmx-exporter.yaml"));
        assertTrue(Files.isRegularFile(yaml), "no exporter configuration at " + yaml);
        return yaml.toAbsolutePath();
    }

    private static String agentVersion() throws IOException {
        try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
            return jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static boolean hasOurs(Metrics m) {
        return m.samples().containsKey("socketleak_opened_total");
    }

    @Test
    void listedFirstItsCountsComeOutTypedWithEachDestinationAsALabelAndTheScrapesLeftOut() throws Exception {
        try (PeerServer closing = new PeerServer(); PeerServer holding = new PeerServer();
             Child child = new Child(true, freeLoopbackPort(), closing, holding)) {
            Metrics m = child.scrapeUntil(PrometheusExporterTest::hasOurs, "the agent's metrics");

            assertEquals(TYPES, m.ours(), m.text());
            assertEquals(1, m.value("socketleak_agent_version{version=\"" + agentVersion() + "\"}"), m.text());
            assertEquals(0, m.value("socketleak_missing_hooks"), m.text());
            assertEquals(CLOSED + HELD, m.value("socketleak_opened_total"), m.text());
            assertEquals(CLOSED, m.value("socketleak_closed_total"), m.text());
            assertEquals(CLOSED, m.value("socketleak_active_closes_total"), m.text());
            assertEquals(0, m.value("socketleak_passive_closes_total"), m.text());
            assertEquals(0, m.value("socketleak_abortive_closes_total"), m.text());
            assertEquals(0, m.value("socketleak_collected_unclosed_total"), m.text());
            assertEquals(0, m.value("socketleak_close_wait_leaks_total"), m.text());
            assertEquals(0, m.value("socketleak_leaks_total"), m.text());
            assertEquals(HELD, m.value("socketleak_open_sockets"), m.text());
            assertEquals(0, m.value("socketleak_listening_sockets"), "the exporter's listener is monitoring's, not "
                    + "the application's: " + m.text());
            assertTrue(m.value("socketleak_open_file_descriptors") > HELD, m.text());
            assertTrue(m.value("socketleak_max_file_descriptors") >= m.value("socketleak_open_file_descriptors"));

            String closedTo = "127.0.0.1:" + closing.port();
            String heldTo = "127.0.0.1:" + holding.port();
            for (String name : TYPES.keySet()) {
                if (name.startsWith("socketleak_destination_")) {
                    assertEquals(new TreeSet<>(List.of(closedTo, heldTo)), m.destinations(name), name + ": " + m.text());
                }
            }
            assertEquals(CLOSED, m.of("socketleak_destination_opened_total", closedTo), m.text());
            assertEquals(CLOSED, m.of("socketleak_destination_active_closes_total", closedTo), m.text());
            assertEquals(0, m.of("socketleak_destination_open", closedTo), m.text());
            assertEquals(HELD, m.of("socketleak_destination_opened_total", heldTo), m.text());
            assertEquals(0, m.of("socketleak_destination_active_closes_total", heldTo), m.text());
            assertEquals(HELD, m.of("socketleak_destination_open", heldTo), m.text());
            assertEquals(0, m.of("socketleak_destination_time_wait", heldTo), m.text());
            assertEquals(HELD, m.of("socketleak_destination_ports_in_use", heldTo), m.text());
            assertEquals(0, m.of("socketleak_destination_active_closes_per_second", heldTo), m.text());
            double capacity = m.of("socketleak_destination_port_capacity", heldTo);
            assertTrue(capacity > HELD, m.text());
            assertEquals(capacity, m.of("socketleak_destination_port_capacity", closedTo), m.text());
            assertEquals(HELD / capacity, m.of("socketleak_destination_port_utilization", heldTo), 1e-9, m.text());
            assertTrue(m.value("socketleak_worst_port_utilization")
                    >= m.of("socketleak_destination_port_utilization", heldTo), m.text());

            // Each scrape is a connection the exporter accepted, open while it reads our counts: none is counted.
            for (int i = 0; i < 3; i++) {
                Metrics again = child.scrape(TEXT);
                assertEquals(CLOSED + HELD, again.value("socketleak_opened_total"), again.text());
                assertEquals(CLOSED, again.value("socketleak_closed_total"), again.text());
                assertEquals(HELD, again.value("socketleak_open_sockets"), again.text());
            }
            assertTrue(child.scrapes >= 4);

            // What a Prometheus server asks for first: the counter's family has no suffix, its sample has _total.
            String openMetrics = child.scrape(OPEN_METRICS).text();
            assertTrue(openMetrics.contains("\n# TYPE socketleak_opened counter\n"), openMetrics);
            assertTrue(openMetrics.contains("\nsocketleak_opened_total " + (double) (CLOSED + HELD) + "\n"), openMetrics);
            assertTrue(openMetrics.contains("\n# TYPE socketleak_open_sockets gauge\n"), openMetrics);
            assertTrue(openMetrics.endsWith("# EOF\n"), openMetrics);
        }
    }

    /**
     * Listed after the exporter, the agent starts after the exporter's HTTP server was opened: it cannot
     * tell that server's connections from the application's, and counts each scrape as an accepted socket.
     */
    @Test
    void listedAfterTheExporterItCountsEachScrapeAsAnAcceptedConnection() throws Exception {
        try (PeerServer closing = new PeerServer(); PeerServer holding = new PeerServer();
             Child child = new Child(false, freeLoopbackPort(), closing, holding)) {
            child.scrapeUntil(PrometheusExporterTest::hasOurs, "the agent's metrics");
            child.scrape(TEXT);
            Metrics m = child.scrape(TEXT);

            assertEquals(TYPES, m.ours(), m.text());
            assertEquals(1, m.value("socketleak_agent_version{version=\"" + agentVersion() + "\"}"), m.text());
            assertEquals(CLOSED + HELD + child.scrapes, m.value("socketleak_opened_total"),
                    "each of the " + child.scrapes + " scrapes, this one included: " + m.text());
            assertEquals(CLOSED + child.scrapes - 1, m.value("socketleak_closed_total"),
                    "the scrapes answered before this one: " + m.text());
            assertEquals(HELD + 1, m.value("socketleak_open_sockets"), "this scrape's connection: " + m.text());
            assertEquals(CLOSED, m.of("socketleak_destination_opened_total", "127.0.0.1:" + closing.port()),
                    m.text());
            assertEquals(HELD, m.of("socketleak_destination_open", "127.0.0.1:" + holding.port()), m.text());
        }
    }
}
