package io.socketleak.it.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JUnit extension as a user meets it: the sample project (test resource {@code sample-project})
 * attaches the agent through Surefire's argLine and {@code maven-dependency-plugin:properties}, as the
 * README says, and is built by real Maven, offline, against the agent and extension installed by
 * this build. Its test classes open real loopback sockets; some leak on purpose. Maven runs twice:
 * once with every sample class, once without the agent.
 */
class SampleProjectTest {
    private static final String LEAK_FAILURE = "io.socketleak.junit.SocketLeakFailure";
    private static final Pattern LOOPBACK_ENDPOINT = Pattern.compile("127\\.0\\.0\\.1:\\d+");

    @TempDir
    static Path workspace;

    private static MavenRun withAgent;

    @BeforeAll
    static void buildTheSampleProject() throws IOException, InterruptedException {
        SampleProject.requireInstalledArtifacts();
        withAgent = MavenRun.run(SampleProject.copyTo(workspace.resolve("with-agent")), "test");
    }

    @Test
    void theBuildFailsBecauseOfTheLeaks() {
        assertNotEquals(0, withAgent.exitCode, withAgent.logTail());
    }

    @Test
    void classThatClosesItsSocketsPasses() {
        assertAllPassed(withAgent.report("com.example.CleanTest"));
    }

    @Test
    void droppedSocketFailsTheClassNamingItsLineAndItsPeer() throws IOException {
        SurefireReport report = withAgent.report("com.example.LeakingTest");
        assertTrue(report.testCase("closesItsSocket").passed());
        assertTrue(report.testCase("forgetsToCloseItsSocket").passed(), "the test itself passes; its class fails");
        String message = classFailure(report);
        int line = SampleProject.lineOf(withAgent.project, "LeakingTest.java", "// LEAK");
        assertTrue(message.startsWith("1 socket leaked by class com.example.LeakingTest (1 call site):\n"), message);
        assertTrue(message.contains("1) dropped without close(): 1 socket opened at "
                + "com.example.LeakingTest.forgetsToCloseItsSocket(LeakingTest.java:" + line + ")\n"), message);
        assertPeer(message, "to ");
        assertTrue(message.contains("       at com.example.LeakingTest.forgetsToCloseItsSocket(LeakingTest.java:" + line + ")"),
                message);
        assertTrue(message.contains("@AllowSockets(from = \"com.example.LeakingTest.forgetsToCloseItsSocket\""), message);
        assertTrue(message.contains("-Dsocketleak.junit.allow=com.example.LeakingTest.forgetsToCloseItsSocket=<reason>"),
                message);
    }

    @Test
    void socketKeptAfterThePeerClosedFailsTheClassAsLeftInCloseWait() throws IOException {
        SurefireReport report = withAgent.report("com.example.CloseWaitTest");
        assertTrue(report.testCase("keepsItsSocketAfterThePeerClosed").passed());
        String message = classFailure(report);
        int line = SampleProject.lineOf(withAgent.project, "CloseWaitTest.java", "// CLOSE_WAIT");
        assertTrue(message.startsWith("1 socket leaked by class com.example.CloseWaitTest (1 call site):\n"), message);
        assertTrue(message.contains("1) left in CLOSE_WAIT: 1 socket opened at "
                + "com.example.CloseWaitTest.keepsItsSocketAfterThePeerClosed(CloseWaitTest.java:" + line + ")\n"),
                message);
        assertPeer(message, "to ");
        assertFalse(message.contains("still open"), "one socket, listed once, as the leak it is:\n" + message);
    }

    @Test
    void sharedConnectionPassesWhenAllowed() {
        assertAllPassed(withAgent.report("com.example.SharedConnectionAllowedTest"));
    }

    /** This class has no @ExtendWith: that it is checked at all is autodetection at work. */
    @Test
    void sharedConnectionFailsWhenNotAllowedListingBothEnds() throws IOException {
        SurefireReport report = withAgent.report("com.example.SharedConnectionNotAllowedTest");
        assertTrue(report.testCase("firstRequest").passed());
        assertTrue(report.testCase("secondRequest").passed());
        String message = classFailure(report);
        int connect = SampleProject.lineOf(withAgent.project, "SharedConnection.java", "new Socket(listener");
        int accept = SampleProject.lineOf(withAgent.project, "SharedConnection.java", "listener.accept()");
        assertTrue(message.startsWith("2 sockets leaked by class com.example.SharedConnectionNotAllowedTest (2 call sites):"),
                message);
        assertTrue(message.contains("still open after the test class (grace 500ms): 1 socket opened at "
                + "com.example.SharedConnection.open(SharedConnection.java:" + connect + ")\n   to 127.0.0.1:"), message);
        assertTrue(message.contains("still open after the test class (grace 500ms): 1 socket opened at "
                + "com.example.SharedConnection.open(SharedConnection.java:" + accept + ")\n   accepted from 127.0.0.1:"),
                message);
        assertTrue(message.contains("at com.example.SharedConnectionNotAllowedTest.connect(SharedConnectionNotAllowedTest.java:"),
                message);
    }

    @Test
    void socketClosedByAnotherThreadWithinTheGracePeriodPasses() {
        SurefireReport report = withAgent.report("com.example.LateCloseTest");
        assertAllPassed(report);
        SurefireReport.TestCase test = report.testCase("closedOnAnotherThreadShortlyAfter");
        assertTrue(test.seconds() >= 0.25, "the check waited for the close 300 ms later: " + test.seconds() + " s");
    }

    @Test
    void perTestScopeFailsOnlyTheTestThatLeaks() throws IOException {
        SurefireReport report = withAgent.report("com.example.PerTestScopeTest");
        assertTrue(report.testCase("closesItsSocket").passed());
        assertTrue(report.testCase("opensNoSocket").passed());
        assertNull(report.classFailure(), "the class itself passes");
        SurefireReport.TestCase leaking = report.testCase("forgetsToCloseItsSocket");
        assertEquals(LEAK_FAILURE, leaking.failureType());
        int line = SampleProject.lineOf(withAgent.project, "PerTestScopeTest.java", "// LEAK");
        String message = leaking.failure();
        assertTrue(message.startsWith("1 socket leaked by test com.example.PerTestScopeTest.forgetsToCloseItsSocket()"),
                message);
        assertTrue(message.contains("dropped without close(): 1 socket opened at "
                + "com.example.PerTestScopeTest.forgetsToCloseItsSocket(PerTestScopeTest.java:" + line + ")"), message);
        assertPeer(message, "to ");
    }

    /**
     * Without the agent on the argLine, a checked class fails at once with one line saying how to
     * attach it. Autodetection is off in this run, so only the class with @ExtendWith is checked.
     */
    @Test
    void withoutTheAgentACheckedClassFailsWithOneLineSayingHowToAttachIt() throws IOException, InterruptedException {
        Path project = SampleProject.copyTo(workspace.resolve("without-agent"));
        Path pom = project.resolve("pom.xml");
        String withArgLine = Files.readString(pom);
        String withoutArgLine = withArgLine.replaceAll("<argLine>[^<]*</argLine>", "");
        assertNotEquals(withArgLine, withoutArgLine);
        Files.writeString(pom, withoutArgLine);

        MavenRun run = MavenRun.run(project, "test", "-Dtest=CleanTest,LeakingTest",
                "-Djunit.jupiter.extensions.autodetection.enabled=false");

        assertNotEquals(0, run.exitCode, run.logTail());
        assertAllPassed(run.report("com.example.CleanTest"));
        SurefireReport report = run.report("com.example.LeakingTest");
        SurefireReport.TestCase failure = report.classFailure();
        assertEquals("io.socketleak.junit.AgentNotAttachedException", failure.failureType(), run.logTail());
        assertEquals("Socket Leak Detector agent is not attached to this JVM: add "
                + "-javaagent:${io.socketleak:socket-leak-agent:jar} to the maven-surefire-plugin argLine "
                + "(with maven-dependency-plugin:properties); see the README", failure.failure());
        assertEquals(1, report.testCases.size(), "no test ran: " + report.testCases.keySet());
        String text = Files.readString(project.resolve("target/surefire-reports/com.example.LeakingTest.txt"));
        assertFalse(text.contains("\tat "), "one line, no stack trace:\n" + text);
    }

    private static void assertAllPassed(SurefireReport report) {
        assertFalse(report.testCases.isEmpty());
        for (SurefireReport.TestCase test : report.testCases.values()) {
            assertTrue(test.passed(), "'" + test.name() + "' failed: " + test.failure());
        }
    }

    private static String classFailure(SurefireReport report) {
        SurefireReport.TestCase failure = report.classFailure();
        assertTrue(failure != null, "the class should fail after its tests: " + report.testCases.keySet());
        assertEquals(LEAK_FAILURE, failure.failureType(), failure.failure());
        return failure.failure();
    }

    private static void assertPeer(String message, String direction) {
        assertTrue(Pattern.compile("\n   " + Pattern.quote(direction) + LOOPBACK_ENDPOINT + " on thread \"main\"\n")
                .matcher(message).find(), message);
    }
}
