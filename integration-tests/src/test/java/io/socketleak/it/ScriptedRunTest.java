package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.ScriptedClient;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import io.socketleak.it.support.PeerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scripted client in its own JVM, its peer in another: the report at exit has the exact counts. */
class ScriptedRunTest {
    @TempDir
    Path dir;

    @Test
    void exitReportCountsEveryOpenCloseAndLeakExactly() throws Exception {
        Path report = dir.resolve("report.json");
        try (PeerProcess peer = new PeerProcess()) {
            ChildJvm.Result run = new ChildJvm().withAgent("interval=0,report=" + report)
                    .run(ScriptedClient.class, String.valueOf(peer.port()));
            assertEquals(0, run.exitCode(), run.stderr());
            assertEquals("script done", run.stdout().trim());
        }
        assertEquals(Set.of("rw-------"), Set.of(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(report))), "a report names hosts and code: owner only");
        JsonNode json = AgentReport.read(report);
        JsonNode counters = json.get("counters");
        assertEquals(36, counters.get("opened").asLong());
        assertEquals(25, counters.get("closed").asLong());
        assertEquals(10, counters.get("activeCloses").asLong());
        assertEquals(10, counters.get("passiveCloses").asLong());
        assertEquals(5, counters.get("abortiveCloses").asLong());
        assertEquals(4, counters.get("collectedUnclosed").asLong());
        assertEquals(7, json.get("openSockets").asLong());
        assertEquals(4, AgentReport.leakCount(json, "collected", "ScriptedClient.main("));
        assertEquals(1, json.get("schema").asInt());
        assertEquals(1, json.get("destinations").size());
        assertEquals(36, json.get("destinations").get(0).get("opened").asLong());
        JsonNode stacks = json.get("agent").get("stacks");
        assertEquals(36, stacks.get("resolved").asLong() + stacks.get("recognized").asLong(), stacks.toString());
        assertEquals(0, stacks.get("notCaptured").asLong());
    }
}
