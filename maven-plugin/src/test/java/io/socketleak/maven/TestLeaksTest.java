package io.socketleak.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.protocol.JsonReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestLeaksTest {
    private static final String FETCH = "com.acme.Client.fetch(Client.java:42)";
    private static final String POOL = "okhttp3.ConnectionPool.get(ConnectionPool.kt:7)";

    private static ReportDirectory.TestJvm jvm(String name, String json) {
        return new ReportDirectory.TestJvm(name, Path.of(name + ".json"), JsonReader.parseObject(json));
    }

    private static String leak(String kind, String blame, int count, String... frames) {
        return "{\"kind\": \"" + kind + "\", \"count\": " + count + ", \"blame\": \"" + blame + "\", \"frames\": [\""
                + String.join("\", \"", frames) + "\"]}";
    }

    @Test
    void leaksOfOneCallSiteAddUpOverTheJvms() {
        TestLeaks leaks = TestLeaks.of(List.of(
                jvm("a", "{\"leaks\": [" + leak("collected", FETCH, 2, "app//" + FETCH) + "]}"),
                jvm("b", "{\"leaks\": [" + leak("collected", FETCH, 1, FETCH) + ", " + leak("closeWait", FETCH, 1, FETCH) + "]}"),
                jvm("c", "{\"leaks\": []}")), List.of());
        assertEquals(2, leaks.callSites().size());
        TestLeaks.CallSite collected = leaks.callSites().get(0);
        assertEquals("collected", collected.kind());
        assertEquals(3, collected.count());
        assertEquals(Set.of("a", "b"), collected.jvms());
        assertEquals(4, TestLeaks.total(leaks.counted(Set.copyOf(TestLeaks.KINDS))));
        assertEquals(1, TestLeaks.total(leaks.counted(Set.of("closeWait"))));
        assertEquals("  collected: 3 sockets at " + FETCH + ", in 2 of 3 test JVMs",
                CheckOutput.summary(leaks, 3, Path.of("t")).get(1));
    }

    @Test
    void socketsOpenAtExitCountOnceFromTheExitReport() {
        String site = "{\"blame\": \"" + FETCH + "\", \"frames\": [\"" + FETCH + "\"], \"open\": 2}";
        String closedSite = "{\"blame\": \"" + POOL + "\", \"frames\": [\"" + POOL + "\"], \"open\": 0}";
        TestLeaks atExit = TestLeaks.of(List.of(jvm("a", "{\"atExit\": true, \"callSites\": [" + site + ", " + closedSite
                + "], \"leaks\": [" + leak("openAtExit", FETCH, 2, FETCH) + "]}")), List.of());
        assertEquals(1, atExit.callSites().size());
        assertEquals("openAtExit", atExit.callSites().get(0).kind());
        assertEquals(2, atExit.callSites().get(0).count());

        TestLeaks whileRunning = TestLeaks.of(List.of(jvm("a", "{\"atExit\": false, \"callSites\": [" + site + "], \"leaks\": []}")),
                List.of());
        assertTrue(whileRunning.callSites().isEmpty(), "a report written while running has no sockets open at exit");
    }

    @Test
    void anAllowedCallSiteIsShownWithItsReasonButNotCounted() {
        Allow pool = new Allow("okhttp3.ConnectionPool", "one client for the whole run");
        TestLeaks leaks = TestLeaks.of(List.of(jvm("a", "{\"leaks\": [" + leak("collected", POOL, 1, POOL, "java.base/" + FETCH)
                + ", " + leak("collected", FETCH, 1, FETCH) + "]}")), List.of(new Allow("com.other", "x"), pool));
        TestLeaks.CallSite allowed = leaks.callSites().stream().filter(s -> s.blame().equals(POOL)).findFirst().orElseThrow();
        assertSame(pool, allowed.allowedBy());
        assertEquals(1, leaks.counted(Set.copyOf(TestLeaks.KINDS)).size());
        assertNull(leaks.counted(Set.copyOf(TestLeaks.KINDS)).get(0).allowedBy());
        assertTrue(CheckOutput.summary(leaks, 1, Path.of("t")).contains(
                "  collected: 1 socket at " + POOL + " [allowed: one client for the whole run]"));
        String failure = CheckOutput.failure(leaks.counted(Set.copyOf(TestLeaks.KINDS)), 1, 0, 1, Path.of("t"));
        assertTrue(failure.startsWith("1 socket leaked in the tests:\n  collected: 1 socket at " + FETCH + "\n"), failure);
    }

    @Test
    void theAllowListIsDecidedForEachStackNotForTheLineTheyBlame() {
        // Two stacks blame the same line of the application; only one goes through the allowed pool.
        Allow pool = new Allow("okhttp3.ConnectionPool", "one client for the whole run");
        String throughPool = leak("collected", FETCH, 1, POOL, FETCH);
        String direct = leak("collected", FETCH, 2, FETCH);
        for (List<String> order : List.of(List.of(throughPool, direct), List.of(direct, throughPool))) {
            TestLeaks leaks = TestLeaks.of(List.of(jvm("a", "{\"leaks\": [" + order.get(0) + "]}"),
                    jvm("b", "{\"leaks\": [" + order.get(1) + "]}")), List.of(pool));
            assertEquals(2, leaks.callSites().size(), order.toString());
            List<TestLeaks.CallSite> counted = leaks.counted(Set.copyOf(TestLeaks.KINDS));
            assertEquals(2, TestLeaks.total(counted), order.toString());
            assertEquals(List.of(FETCH), counted.get(0).frames());
            assertEquals(Set.of(direct.equals(order.get(0)) ? "a" : "b"), counted.get(0).jvms());
            TestLeaks.CallSite allowed = leaks.callSites().stream().filter(s -> s.allowedBy() != null).findFirst().orElseThrow();
            assertSame(pool, allowed.allowedBy());
            assertEquals(1, allowed.count());
        }
    }

    @Test
    void aCloseWaitSocketStillOpenAtExitIsOneLeakOfKindCloseWait() {
        // The agent leaves a socket it reported as closeWait out of openAtExit[]; callSites[].open still counts it.
        String site = "{\"blame\": \"" + FETCH + "\", \"frames\": [\"" + FETCH + "\"], \"open\": 1}";
        TestLeaks leaks = TestLeaks.of(List.of(jvm("a", "{\"atExit\": true, \"callSites\": [" + site
                + "], \"leaks\": [" + leak("closeWait", FETCH, 1, FETCH) + "], \"openAtExit\": []}")), List.of());
        assertEquals(1, leaks.callSites().size());
        assertEquals("closeWait", leaks.callSites().get(0).kind());
        assertEquals(1, TestLeaks.total(leaks.counted(Set.copyOf(TestLeaks.KINDS))));
    }

    @Test
    void socketsOpenAtExitComeFromTheAgentsListAndCountOnceWithItsFailOnLeak() {
        String site = "{\"blame\": \"" + FETCH + "\", \"frames\": [\"" + FETCH + "\"], \"open\": 5}";
        String open = "{\"kind\": \"openAtExit\", \"blame\": \"" + POOL + "\", \"frames\": [\"" + POOL + "\"]}";
        // With failOnLeak the agent lists the same entries in leaks[] too; count absent is one socket.
        TestLeaks leaks = TestLeaks.of(List.of(jvm("a", "{\"atExit\": true, \"callSites\": [" + site
                + "], \"leaks\": [" + open + ", " + leak("openAtExit", FETCH, 2, FETCH) + "], \"openAtExit\": [" + open + ", "
                + leak("openAtExit", FETCH, 2, FETCH) + "]}")), List.of());
        assertEquals(2, leaks.callSites().size());
        assertEquals(3, TestLeaks.total(leaks.counted(Set.of("openAtExit"))));
        assertEquals(FETCH, leaks.callSites().get(0).blame());
        assertEquals(1, leaks.callSites().get(1).count());

        TestLeaks whileRunning = TestLeaks.of(List.of(jvm("b", "{\"atExit\": false, \"callSites\": [" + site
                + "], \"leaks\": [], \"openAtExit\": null}")), List.of());
        assertTrue(whileRunning.callSites().isEmpty());
    }

    @Test
    void aReportNotWrittenAtExitIsWarnedAbout() {
        List<String> warnings = CheckOutput.notWrittenAtExit(List.of(jvm("a", "{\"atExit\": true, \"leaks\": []}"),
                jvm("b", "{\"atExit\": false, \"leaks\": []}"), jvm("c", "{\"leaks\": []}")));
        assertEquals(2, warnings.size());
        assertTrue(warnings.get(0).startsWith(Path.of("b.json") + " was not written at the test JVM's exit"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith(Path.of("c.json") + " "), warnings.get(1));
    }
}
