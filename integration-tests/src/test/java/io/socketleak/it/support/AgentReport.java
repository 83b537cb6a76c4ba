package io.socketleak.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.socketleak.protocol.AgentProtocol;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The agent attached to this test JVM, read the way users read it: through its MXBean, as JSON.
 * Tests in one JVM share the agent, so they look at their own call sites (by a frame they own) or
 * compare counts before and after.
 */
public final class AgentReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AgentReport() {
    }

    public static JsonNode now() {
        return parse((String) invoke("reportJson"));
    }

    public static String text() {
        return (String) invoke("report");
    }

    public static String[] missingHooks() {
        invoke("report"); // waits for the agent to be ready
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            return (String[]) server.getAttribute(new ObjectName(AgentProtocol.OBJECT_NAME), "MissingHooks");
        } catch (Exception e) {
            throw new AssertionError("the agent's MXBean " + AgentProtocol.OBJECT_NAME + " cannot be read: is the agent attached?", e);
        }
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    public static JsonNode read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    private static Object invoke(String operation) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(AgentProtocol.OBJECT_NAME);
            long deadline = System.currentTimeMillis() + 30_000;
            while (!server.isRegistered(name) && System.currentTimeMillis() < deadline) {
                sleep(20); // the agent registers its MXBean once its hooks are in, just after start-up
            }
            return server.invoke(name, operation, null, null);
        } catch (Exception e) {
            throw new AssertionError("the agent's MXBean " + AgentProtocol.OBJECT_NAME + " cannot be read: is the agent attached?", e);
        }
    }

    /** Call sites with a frame containing {@code frame}, e.g. {@code "CloseKindsTest.connectPlain("}. */
    public static List<JsonNode> callSites(JsonNode report, String frame) {
        List<JsonNode> sites = new ArrayList<>();
        for (JsonNode site : report.get("callSites")) {
            if (hasFrame(site, frame)) {
                sites.add(site);
            }
        }
        return sites;
    }

    /** A numeric field summed over the call sites that have the frame. */
    public static long sum(JsonNode report, String frame, String field) {
        long total = 0;
        for (JsonNode site : callSites(report, frame)) {
            total += site.get(field).asLong();
        }
        return total;
    }

    public static List<JsonNode> leaks(JsonNode report, String kind, String frame) {
        List<JsonNode> leaks = new ArrayList<>();
        for (JsonNode leak : report.get("leaks")) {
            if (leak.get("kind").asText().equals(kind) && hasFrame(leak, frame)) {
                leaks.add(leak);
            }
        }
        return leaks;
    }

    public static long leakCount(JsonNode report, String kind, String frame) {
        long n = 0;
        for (JsonNode leak : leaks(report, kind, frame)) {
            n += leak.has("count") ? leak.get("count").asLong() : 1;
        }
        return n;
    }

    public static boolean hasFrame(JsonNode siteOrLeak, String frame) {
        for (JsonNode f : siteOrLeak.get("frames")) {
            if (f.asText().contains(frame)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Polls the report until the condition holds, running the collector between tries so that
     * dropped sockets are found; fails with the last report if it never does.
     */
    public static JsonNode await(Duration timeout, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode report = now();
        while (!condition.test(report)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout + "; last report:\n" + text());
            }
            System.gc();
            sleep(100);
            report = now();
        }
        return report;
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
