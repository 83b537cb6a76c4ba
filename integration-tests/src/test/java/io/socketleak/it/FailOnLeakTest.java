package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.LeavesOneOpen;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code failOnLeak}: an application run in CI exits with status 3 when it leaked a socket. */
class FailOnLeakTest {
    @TempDir
    Path dir;

    @Test
    void leakAtExitPrintsTheReportAndExitsWithThree() throws Exception {
        Path report = dir.resolve("report.json");
        ChildJvm.Result run = new ChildJvm().withAgent("interval=0,failOnLeak=true,report=" + report)
                .run(LeavesOneOpen.class, "leak");
        assertEquals(3, run.exitCode(), run.stderr());
        assertEquals("main done", run.stdout().trim());
        assertTrue(run.stderr().contains("socket leaks found (failOnLeak: exit status 3)"), run.stderr());
        assertTrue(run.stderr().contains("at io.socketleak.it.apps.LeavesOneOpen.forget(LeavesOneOpen.java:"),
                run.stderr());
        JsonNode json = AgentReport.read(report);
        assertEquals(1, AgentReport.leakCount(json, "collected", "LeavesOneOpen.forget(")
                + AgentReport.leakCount(json, "openAtExit", "LeavesOneOpen.forget("),
                "the dropped socket, found by the final collection or still open: " + json.get("leaks"));
    }

    @Test
    void cleanRunExitsWithZero() throws Exception {
        ChildJvm.Result run = new ChildJvm().withAgent("interval=0,failOnLeak=true").run(LeavesOneOpen.class, "clean");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("at exit: open=0"), run.stderr());
    }
}
