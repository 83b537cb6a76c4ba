package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.RepeatsOneCallSite;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import io.socketleak.it.support.PeerServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stack seen before is recognized from the JVM's raw backtrace, on this JDK's layout, and counted
 * at the same call site as if it had been resolved.
 */
class StackCaptureTest {
    @TempDir
    Path dir;

    @Test
    void aRepeatedCallSiteIsResolvedOnceAndRecognizedAfter() throws Exception {
        Path report = dir.resolve("report.json");
        try (PeerServer peer = new PeerServer()) {
            ChildJvm.Result run = new ChildJvm().withAgent("interval=0,report=" + report)
                    .run(RepeatsOneCallSite.class, String.valueOf(peer.port()), "50");
            assertEquals(0, run.exitCode(), run.stderr());
        }
        JsonNode json = AgentReport.read(report);
        JsonNode stacks = json.get("agent").get("stacks");
        assertEquals(1, stacks.get("resolved").asLong(), stacks.toString());
        assertEquals(49, stacks.get("recognized").asLong(), stacks.toString());
        assertEquals(0, stacks.get("notCaptured").asLong());
        List<JsonNode> sites = AgentReport.callSites(json, "RepeatsOneCallSite.main(RepeatsOneCallSite.java:14)");
        assertEquals(1, sites.size(), json.get("callSites").toString());
        assertEquals(50, sites.get(0).get("opened").asLong());
        assertEquals(50, sites.get(0).get("activeCloses").asLong());
        assertTrue(sites.get(0).get("blame").asText().contains("RepeatsOneCallSite.java:14"));
    }
}
