package io.socketleak.it;

import static io.socketleak.it.LeaksTest.lineOfNextStatement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.PoolAtStart;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import io.socketleak.it.support.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HikariCP over pgjdbc against a real PostgreSQL: a pool filled at start-up is fully tracked and
 * blamed on the line that made the pool (also the connections its adder thread opens), and a
 * connection dropped without {@code close()} is a leak, though pgjdbc's cleaner closes it later.
 */
class ConnectionPoolTest {
    private static PostgresServer postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = new PostgresServer();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Test
    void aPoolFilledOnMainsFirstLineIsFullyTrackedAndBlamedOnTheLineThatMadeIt() throws Exception {
        Path report = dir.resolve("report.json");
        ChildJvm.Result run = new ChildJvm().withAgent("interval=0,report=" + report)
                .run(PoolAtStart.class, postgres.jdbcUrl());
        assertEquals(0, run.exitCode(), run.stderr());
        java.util.List<String> out = run.stdout().lines().toList();
        assertEquals("pool of 4, select 1", out.get(1), run.stderr());
        JsonNode json = AgentReport.read(report);
        JsonNode counters = json.get("counters");
        assertEquals(4, counters.get("opened").asLong(), json.toString());
        assertEquals(4, counters.get("closed").asLong(), json.toString());
        assertEquals(0, json.get("openSockets").asLong(), json.toString());
        String made = "io.socketleak.it.apps.PoolAtStart.main(PoolAtStart.java:"
                + out.get(0).substring("pool made at line ".length()) + ")";
        int onAdder = 0;
        for (JsonNode site : json.get("callSites")) {
            assertEquals(made, site.get("blame").asText(), "every connection, main's and the adder's: " + site);
            assertTrue(site.get("applicationLine").asBoolean());
            if (!site.get("origin").isNull()) {
                assertTrue(site.get("origin").asText().startsWith("through HikariCP, connected on thread HikariPool-"),
                        site.toString());
                onAdder += site.get("opened").asInt();
            }
        }
        assertEquals(4, AgentReport.sum(json, made, "opened"));
        assertTrue(onAdder >= 1, "the pool's adder thread opened some: " + json.get("callSites"));
    }

    /** pgjdbc's own cleaner thread closes a connection dropped without close(): still a leak, at its line. */
    @Test
    void aConnectionDroppedWithoutCloseIsALeakThoughTheDriversCleanerClosesIt() throws Exception {
        String blame = "io.socketleak.it.ConnectionPoolTest.dropConnection(ConnectionPoolTest.java:" + dropConnection() + ")";
        JsonNode report = AgentReport.await(Duration.ofSeconds(30),
                r -> AgentReport.leakCount(r, "collected", blame) == 1);
        JsonNode site = AgentReport.callSites(report, blame).get(0);
        assertEquals(1, site.get("opened").asLong());
        assertEquals(1, site.get("collected").asLong());
        assertEquals(0, site.get("open").asLong(), "closed by the cleaner");
        assertEquals(0, site.get("activeCloses").asLong() + site.get("passiveCloses").asLong()
                + site.get("abortiveCloses").asLong(), "not a close of the application's");
    }

    private static int dropConnection() throws SQLException {
        int line = lineOfNextStatement();
        Connection dropped = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
        dropped.isValid(5);
        return line;
    }
}
