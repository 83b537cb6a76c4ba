package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.EveryHook;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HooksTest {
    /**
     * The JVM does not verify the JDK's own classes, hooked or not: a wrong stack map frame in a
     * hooked method would go unnoticed until it misbehaved. This flag makes it verify them.
     */
    static final String[] VERIFY_JDK_CLASSES = {"-XX:+UnlockDiagnosticVMOptions", "-XX:+BytecodeVerificationLocal"};

    @TempDir
    Path dir;

    @Test
    void everyHookInTheTableIsInstalledOnThisJdk() {
        assertArrayEquals(new String[0], AgentReport.missingHooks(),
                "hooks missing on Java " + Runtime.version());
    }

    /** Each hand-off point of the table installs in the library version the tests use, as its class loads. */
    @Test
    void everyHandOffInstallsAsItsClassLoads() throws Exception {
        ClassLoader libraries = getClass().getClassLoader();
        for (String type : List.of("okhttp3.internal.connection.RealCall$AsyncCall",
                "okhttp3.internal.connection.ConnectPlan", "com.zaxxer.hikari.pool.HikariPool$PoolEntryCreator")) {
            Class.forName(type, false, libraries);
        }
        Class.forName("jdk.internal.net.http.MultiExchange", false, ClassLoader.getPlatformClassLoader());
        JsonNode json = AgentReport.now();
        assertAllInstalled(json, "okhttp3.", 4);
        assertAllInstalled(json, "com.zaxxer.hikari.", 2);
        assertAllInstalled(json, "jdk.internal.net.http.", 2);
    }

    /** The hooks on first load of the classes whose name contains {@code type}: as many as said, all installed. */
    static void assertAllInstalled(JsonNode report, String type, int count) {
        List<String> hooks = new ArrayList<>();
        for (JsonNode hook : report.get("agent").get("hooksOnFirstLoad")) {
            if (hook.asText().contains(type)) {
                hooks.add(hook.asText());
            }
        }
        assertEquals(count, hooks.size(), hooks.toString());
        for (String hook : hooks) {
            assertTrue(hook.endsWith(": installed"), hook);
        }
    }

    @Test
    void theHookedJdkClassesPassTheJvmsVerifierAndEveryHookedPathRuns() throws Exception {
        Path report = dir.resolve("report.json");
        ChildJvm jvm = new ChildJvm().withAgent("report=" + report);
        for (String flag : VERIFY_JDK_CLASSES) {
            jvm.jvmArg(flag);
        }
        ChildJvm.Result run = jvm.run(EveryHook.class);
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("done", run.stdout().trim());
        assertFalse(run.stderr().contains("Error"), run.stderr());
        assertFalse(run.stderr().contains("cannot read"), "the bridge reached every JDK field and method: " + run.stderr());
        JsonNode json = AgentReport.read(report);
        JsonNode counters = json.get("counters");
        // Connections: Socket, SocketChannel over ServerSocket, three over ServerSocketChannel, one asynchronous.
        assertEquals(12, counters.get("opened").asLong(), json.toString());
        assertEquals(12, counters.get("closed").asLong(), json.toString());
        assertAllInstalled(json, "AsynchronousS", 7);
        assertEquals(0, json.get("openSockets").asLong(), json.toString());
        assertEquals(0, json.get("agent").get("missingHooks").size(), json.toString());
        assertEquals(0, json.get("agent").get("swallowedFailures").asLong(), json.toString());
    }
}
