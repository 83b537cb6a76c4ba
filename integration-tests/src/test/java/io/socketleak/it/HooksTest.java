package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.EveryHook;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import java.nio.file.Path;
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
        // Connections: Socket, SocketChannel over ServerSocket, and three over ServerSocketChannel.
        assertEquals(10, counters.get("opened").asLong(), json.toString());
        assertEquals(10, counters.get("closed").asLong(), json.toString());
        assertEquals(0, json.get("openSockets").asLong(), json.toString());
        assertEquals(0, json.get("agent").get("missingHooks").size(), json.toString());
        assertEquals(0, json.get("agent").get("swallowedFailures").asLong(), json.toString());
    }
}
