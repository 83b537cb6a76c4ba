package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.OpenMany;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import io.socketleak.it.support.PeerProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Past maxTracked, sockets are counted but not stored, and the report says so. */
class MemoryCapTest {
    @TempDir
    Path dir;

    @Test
    void socketsPastTheCapAreCountedApartAndNotStored() throws Exception {
        Path report = dir.resolve("report.json");
        try (PeerProcess peer = new PeerProcess()) {
            ChildJvm.Result run = new ChildJvm().withAgent("interval=0,maxTracked=20,report=" + report)
                    .run(OpenMany.class, String.valueOf(peer.port()), "100");
            assertEquals(0, run.exitCode(), run.stderr());
        }
        JsonNode json = AgentReport.read(report);
        // Tracked: the first 20; the other 80 counted apart, so that the tracked ones add up.
        assertEquals(20, json.get("counters").get("opened").asLong());
        assertEquals(80, json.get("counters").get("notStored").asLong());
        assertEquals(20, json.get("openSockets").asLong());
        assertEquals(80, json.get("notStoredOpen").asLong(), "every open socket is counted, those past the cap apart");
        long stored = 0;
        for (JsonNode site : json.get("callSites")) {
            stored += site.get("open").asLong();
        }
        assertEquals(20, stored, "only maxTracked sockets are stored with their details");
    }
}
