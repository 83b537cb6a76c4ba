package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.LeaksOnceAndExits;
import io.socketleak.it.apps.LeavesOneOpen;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

    /**
     * Without failOnLeak, a short run's leak is logged with its stack once, as it is found; at exit it is
     * listed again a line per call site, without the stack a third time.
     */
    @Test
    void withoutFailOnLeakALeaksStackIsLoggedOnceAndAtExitItIsOneLine() throws Exception {
        ChildJvm.Result run = new ChildJvm().withAgent("interval=0").run(LeaksOnceAndExits.class);
        assertEquals(0, run.exitCode(), run.stderr());
        String frame = "      at io.socketleak.it.apps.LeaksOnceAndExits.leak(LeaksOnceAndExits.java:";
        assertEquals(1, run.stderr().split(java.util.regex.Pattern.quote(frame), -1).length - 1, run.stderr());
        assertTrue(run.stderr().contains("socket leaks found:\nLEAKS: 1 (each call site's stack was logged with its "
                + "first leak)\n  collected, 1 socket at io.socketleak.it.apps.LeaksOnceAndExits.leak("), run.stderr());
        assertTrue(run.stderr().contains(" leaks=1 (collected=1 closeWait=0)"), run.stderr());
        assertTrue(run.stderr().contains("; no periodic summary (interval=0)"), run.stderr());
    }

    /** A leak in a loop cannot flood the log: its stack once, then the count. */
    @Test
    void aLeakInALoopIsLoggedWithItsStackOnceAndCounted() throws Exception {
        ChildJvm.Result run = new ChildJvm().withAgent("interval=0").run(LeaksOnceAndExits.class, "20");
        assertEquals(0, run.exitCode(), run.stderr());
        String frame = "      at io.socketleak.it.apps.LeaksOnceAndExits.leak(LeaksOnceAndExits.java:";
        assertEquals(1, run.stderr().split(java.util.regex.Pattern.quote(frame), -1).length - 1, run.stderr());
        assertEquals(1, run.stderr().split("LEAK collected", -1).length - 1, run.stderr());
        assertTrue(run.stderr().contains("  collected, 20 sockets at io.socketleak.it.apps.LeaksOnceAndExits.leak("),
                run.stderr());
        assertTrue(run.stderr().contains(" leaks=20 (collected=20 closeWait=0)"), run.stderr());
    }

    @Test
    void cleanRunExitsWithZero() throws Exception {
        ChildJvm.Result run = new ChildJvm().withAgent("interval=0,failOnLeak=true").run(LeavesOneOpen.class, "clean");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("at exit: open=0"), run.stderr());
    }

    /** A typo must not switch a CI gate off: the application runs, without the agent, and the JVM exits with 4. */
    @ParameterizedTest
    @ValueSource(strings = {"failOnLeak=true,closeWaitAfter=2x", "failOnLeak=1", "failOnLeak=maybe",
        "interval=0,failOnLeak=true,badKey=1"})
    void aBadOptionBesideFailOnLeakLetsTheApplicationRunAndExitsWithFour(String options) throws Exception {
        ChildJvm.Result run = new ChildJvm().withAgent(options).run(LeavesOneOpen.class, "clean");
        assertEquals(4, run.exitCode(), run.stderr());
        assertEquals("main done", run.stdout().trim(), "the application ran");
        assertTrue(run.stderr().contains("agent not started (failOnLeak was asked for: this JVM will exit with"
                + " status 4)"), run.stderr());
        assertTrue(run.stderr().contains("socket-leak-agent: exit status 4: the agent did not run"), run.stderr());
    }

    @Test
    void aBadOptionByEnvironmentBesideFailOnLeakByEnvironmentExitsWithFourToo() throws Exception {
        ChildJvm.Result run = new ChildJvm().withAgent("").env("SOCKETLEAK_FAIL_ON_LEAK", "true")
                .env("SOCKETLEAK_INTERVAL", "abc").run(LeavesOneOpen.class, "clean");
        assertEquals(4, run.exitCode(), run.stderr());
        assertEquals("main done", run.stdout().trim());
    }

    @Test
    void aBadOptionWithoutFailOnLeakLeavesTheApplicationsOwnExitStatus() throws Exception {
        ChildJvm.Result run = new ChildJvm().withAgent("closeWaitAfter=2x").run(LeavesOneOpen.class, "clean");
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("main done", run.stdout().trim());
        assertTrue(run.stderr().contains("bad option 'closeWaitAfter=2x'"), run.stderr());
        assertTrue(!run.stderr().contains("status 4"), run.stderr());
    }
}
