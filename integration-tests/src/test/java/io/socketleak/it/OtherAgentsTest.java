package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.OkHttpCalls;
import io.socketleak.it.apps.WithOtherAgents;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent beside OpenTelemetry's and JaCoCo's, listed first and listed last, started many times:
 * no start may hang (a hung start fails with the JVM's thread dump), and all three agents do their
 * job every time; and beside OpenTelemetry's rewrites of a client's classes, its hand-offs still work.
 */
class OtherAgentsTest {
    private static final int STARTS = 30;
    /** Two JVMs at once: contention at start-up is where a lock-order deadlock shows. */
    private static final int AT_ONCE = 2;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "socket-leak-agent {0}")
    @ValueSource(strings = {"first", "last"})
    void everyStartRunsAllThreeAgents(String position) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE);
        try {
            List<Future<?>> starts = new ArrayList<>();
            for (int i = 0; i < STARTS; i++) {
                int start = i;
                starts.add(pool.submit(() -> {
                    startOnce(position.equals("first"), start);
                    return null;
                }));
            }
            for (Future<?> start : starts) {
                start.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void startOnce(boolean oursFirst, int start) throws Exception {
        Path report = dir.resolve("report-" + start + ".json");
        Path coverage = dir.resolve("jacoco-" + start + ".exec");
        String ours = "-javaagent:" + ChildJvm.agentJar() + "=interval=0,report=" + report;
        String openTelemetry = "-javaagent:" + otherAgent("opentelemetry-javaagent.jar");
        String jacoco = "-javaagent:" + otherAgent("org.jacoco.agent-runtime.jar") + "=destfile=" + coverage;
        ChildJvm jvm = new ChildJvm()
                .jvmArg("-Dotel.traces.exporter=logging")
                .jvmArg("-Dotel.metrics.exporter=none")
                .jvmArg("-Dotel.logs.exporter=none")
                .jvmArg("-Dhttp.keepAlive=false");
        for (String agent : oursFirst ? List.of(ours, openTelemetry, jacoco) : List.of(jacoco, openTelemetry, ours)) {
            jvm.jvmArg(agent);
        }
        ChildJvm.Result run = jvm.run(WithOtherAgents.class);
        String both = run.stdout() + run.stderr();
        assertEquals(0, run.exitCode(), both);
        assertTrue(run.stdout().contains("http 200 ok") && run.stdout().contains("main done"), both);
        assertTrue(Files.isRegularFile(report), "our report at exit: " + both);
        JsonNode json = AgentReport.read(report);
        assertEquals(2, AgentReport.sum(json, "WithOtherAgents.pair(", "opened"), "our counts: " + json);
        assertEquals(0, AgentReport.sum(json, "WithOtherAgents.pair(", "open"), "our counts: " + json);
        assertTrue(both.contains("'GET'"), "OpenTelemetry's span of the request was logged: " + both);
        assertTrue(Files.size(coverage) > 0, "JaCoCo wrote its execution data");
    }

    /**
     * OpenTelemetry instruments OkHttp's calls too: with both agents' rewrites in the same classes,
     * OkHttp 5 still works and each call's connection is blamed on the line that made it.
     */
    @ParameterizedTest(name = "socket-leak-agent {0}")
    @ValueSource(strings = {"first", "last"})
    void besideOpenTelemetryOkHttpsHandOffsStillNameTheCallersLine(String position) throws Exception {
        Path report = dir.resolve("okhttp-" + position + ".json");
        String ours = "-javaagent:" + ChildJvm.agentJar() + "=interval=0,report=" + report;
        String openTelemetry = "-javaagent:" + otherAgent("opentelemetry-javaagent.jar");
        ChildJvm jvm = new ChildJvm()
                .jvmArg("-Dotel.traces.exporter=logging")
                .jvmArg("-Dotel.metrics.exporter=none")
                .jvmArg("-Dotel.logs.exporter=none");
        for (String agent : position.equals("first") ? List.of(ours, openTelemetry) : List.of(openTelemetry, ours)) {
            jvm.jvmArg(agent);
        }
        ChildJvm.Result run = jvm.run(OkHttpCalls.class);
        String both = run.stdout() + run.stderr();
        assertEquals(0, run.exitCode(), both);
        List<String> out = run.stdout().lines().filter(l -> l.startsWith("okhttp ") || l.contains(" at line ")).toList();
        assertTrue(out.get(0).startsWith("okhttp 5."), both);
        JsonNode json = AgentReport.read(report);
        for (String call : out.subList(1, 3)) {
            String blame = "io.socketleak.it.apps.OkHttpCalls.main(OkHttpCalls.java:" + call.replaceAll("\\D+", "") + ")";
            assertEquals(1, AgentReport.sum(json, blame, "opened"), call + ": " + json.get("callSites"));
        }
        assertEquals(0, json.get("agent").get("missingHooks").size(), json.get("agent").toString());
    }

    private static Path otherAgent(String jar) {
        Path path = Path.of(System.getProperty("socketleak.otherAgents", "target/other-agents")).resolve(jar);
        assertTrue(Files.isRegularFile(path), "not downloaded by the build: " + path);
        return path.toAbsolutePath();
    }
}
