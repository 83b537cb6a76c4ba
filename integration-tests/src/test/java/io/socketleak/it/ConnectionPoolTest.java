package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.PoolAtStart;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import io.socketleak.it.support.PostgresServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A connection pool filled at start-up, against a real PostgreSQL: every connection is tracked, with its stack. */
class ConnectionPoolTest {
    @TempDir
    Path dir;

    @Test
    void aPoolFilledOnMainsFirstLineIsFullyTracked() throws Exception {
        try (PostgresServer postgres = new PostgresServer()) {
            Path report = dir.resolve("report.json");
            ChildJvm.Result run = new ChildJvm().withAgent("interval=0,report=" + report)
                    .run(PoolAtStart.class, postgres.jdbcUrl());
            assertEquals(0, run.exitCode(), run.stderr());
            assertEquals("pool of 4, select 1", run.stdout().trim(), run.stderr());
            JsonNode json = AgentReport.read(report);
            JsonNode counters = json.get("counters");
            assertEquals(4, counters.get("opened").asLong(), json.toString());
            assertEquals(4, counters.get("closed").asLong(), json.toString());
            assertEquals(0, json.get("openSockets").asLong(), json.toString());
            assertEquals(4, AgentReport.sum(json, "org.postgresql.", "opened"),
                    "each connection with the driver's stack: " + json.get("callSites"));
        }
    }
}
