package io.socketleak.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The extension's decisions (scopes, grace period, allow-list, the missing agent), with a fake agent
 * behind the MXBean. Each example class below is run by the JUnit engine and its outcome inspected;
 * the real agent and real sockets are exercised by the sample project in the integration tests.
 */
class SocketLeakCheckTest {
    private FakeAgent agent;

    @BeforeEach
    void installFakeAgent() throws Exception {
        agent = FakeAgent.install();
    }

    @AfterEach
    void removeFakeAgent() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void classThatClosesItsSocketsPasses() {
        Outcome outcome = run(ClosesEverything.class);
        assertEquals(List.of(), outcome.failures());
        assertEquals(2, outcome.testsPassed());
    }

    @Test
    void classThatDropsASocketFailsAsAClassNamingTheLine() {
        Outcome outcome = run(DropsOne.class);
        assertEquals(2, outcome.testsPassed());
        String message = outcome.onlyFailure("DropsOne");
        assertTrue(message.startsWith("1 socket leaked by class " + DropsOne.class.getName() + " (1 call site):"),
                message);
        assertTrue(message.contains("1) dropped without close(): 1 socket opened at ex.DropsOne.drops(DropsOne.java:7)"),
                message);
        assertTrue(message.contains("   to 10.0.0.1:80 on thread \"main\""), message);
        assertTrue(message.contains("       at ex.DropsOne.drops(DropsOne.java:7)"), message);
    }

    @Test
    void socketStillOpenAfterTheGracePeriodFailsOnlyOnceTheGracePeriodHasPassed() {
        long start = System.nanoTime();
        Outcome outcome = run(NeverCloses.class);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(outcome.onlyFailure("NeverCloses").contains("1) still open after the test class (grace 300ms)"));
        assertTrue(tookMillis >= 300, "failed after " + tookMillis + " ms, before its 300 ms grace period");
    }

    @Test
    void socketClosedByAnotherThreadWithinTheGracePeriodPasses() {
        assertEquals(List.of(), run(ClosesLate.class).failures());
    }

    @Test
    void gracePeriodComesFromThePropertyWhenNoAnnotationSetsIt() {
        Outcome outcome = run(ClosesLate.class, Map.of(CheckSettings.GRACE_PROPERTY, "50ms"));
        assertTrue(outcome.onlyFailure("ClosesLate").contains("still open after the test class (grace 50ms)"));
    }

    @Test
    void perTestScopeFailsOnlyTheTestThatLeaksAndNotTheClassAgain() {
        Outcome outcome = run(PerTest.class);
        assertEquals(2, outcome.testsPassed());
        assertEquals(1, outcome.failures().size(), outcome.failures().toString());
        String message = outcome.onlyFailure("leaks()");
        assertTrue(message.startsWith("1 socket leaked by test " + PerTest.class.getName() + ".leaks()"), message);
    }

    @Test
    void perTestClassStillChecksWhatItsBeforeAllOpened() {
        Outcome outcome = run(PerTestWithSharedSocket.class);
        assertEquals(1, outcome.testsPassed());
        assertTrue(outcome.onlyFailure("PerTestWithSharedSocket").contains("ex.Shared.open(Shared.java:3)"));
    }

    @Test
    void perTestOnOneMethodLeavesTheOthersToTheClass() {
        Outcome outcome = run(OneMethodPerTest.class);
        assertEquals(2, outcome.failures().size(), outcome.failures().toString());
        assertTrue(outcome.onlyFailure("checkedAlone()").contains("ex.A.alone(A.java:1)"));
        String classMessage = outcome.onlyFailure("OneMethodPerTest");
        assertTrue(classMessage.contains("ex.A.withTheClass(A.java:2)"), classMessage);
        assertFalse(classMessage.contains("ex.A.alone"), classMessage);
    }

    @Test
    void nestedClassReportsItsOwnLeakAndTheOuterClassDoesNotRepeatIt() {
        Outcome outcome = run(Outer.class);
        assertEquals(1, outcome.failures().size(), outcome.failures().toString());
        assertTrue(outcome.onlyFailure("Inner").contains("ex.Inner.drops(Inner.java:1)"));
    }

    @Test
    void registeredOnATestMethodChecksThatTest() {
        Outcome outcome = run(RegisteredOnAMethod.class);
        assertEquals(1, outcome.failures().size(), outcome.failures().toString());
        assertTrue(outcome.onlyFailure("leaks()").startsWith("1 socket leaked by test "), outcome.failures().toString());
    }

    @Test
    void allowedByAnnotationPasses() {
        assertEquals(List.of(), run(AllowedPool.class).failures());
    }

    @Test
    void allowedOnTheOuterClassCoversItsNestedClasses() {
        Outcome outcome = run(OuterAllowingPool.class);
        assertEquals(List.of(), outcome.failures());
        assertEquals(1, outcome.testsPassed());
    }

    @Test
    void allowedByPropertyPasses() {
        Outcome outcome = run(NeverCloses.class, Map.of(AllowList.PROPERTY, "ex.Never=kept for the whole run"));
        assertEquals(List.of(), outcome.failures());
    }

    @Test
    void allowWithoutAReasonIsRefused() {
        Outcome outcome = run(ClosesEverything.class, Map.of(AllowList.PROPERTY, "ex.Never"));
        assertTrue(outcome.onlyFailure("ClosesEverything")
                .startsWith("socketleak.junit.allow: entry 'ex.Never' needs a reason"));
    }

    @Test
    void withoutTheAgentTheClassFailsWithOneLineSayingHowToAttachIt() throws Exception {
        agent.close();
        agent = null;
        Outcome outcome = run(ClosesEverything.class);
        assertEquals(0, outcome.testsPassed());
        assertEquals(1, outcome.failures().size(), outcome.failures().toString());
        assertEquals(AgentNotAttachedException.MESSAGE, outcome.onlyFailure("ClosesEverything"));
        assertEquals(0, outcome.stackDepth("ClosesEverything"));
    }

    @Test
    void registeredTwiceChecksOnce() {
        Outcome outcome = run(DropsOne.class, Map.of("junit.jupiter.extensions.autodetection.enabled", "true"));
        assertEquals(1, outcome.failures().size(), outcome.failures().toString());
    }

    @Test
    void aLeakFailureHasNoStackOfItsOwn() {
        assertEquals(0, run(DropsOne.class).stackDepth("DropsOne"));
    }

    // ---- running the examples ------------------------------------------------------------------

    private static Outcome run(Class<?> example) {
        return run(example, Map.of());
    }

    private static Outcome run(Class<?> example, Map<String, String> parameters) {
        Events events = EngineTestKit.engine("junit-jupiter")
                .configurationParameters(parameters)
                .selectors(selectClass(example))
                .execute()
                .allEvents();
        return new Outcome(events);
    }

    /** What the engine reported: each failure as {@code "<display name>: <message>"}. */
    private record Outcome(Events events) {
        List<String> failures() {
            return events.failed().stream()
                    .map(e -> e.getTestDescriptor().getDisplayName() + ": " + throwable(e).getMessage())
                    .collect(Collectors.toList());
        }

        long testsPassed() {
            return events.succeeded().filter(e -> e.getTestDescriptor().isTest()).count();
        }

        String onlyFailure(String displayName) {
            List<String> messages = events.failed().stream()
                    .filter(e -> named(e, displayName))
                    .map(e -> throwable(e).getMessage())
                    .collect(Collectors.toList());
            assertEquals(1, messages.size(), "failures of " + displayName + " in " + failures());
            return messages.get(0);
        }

        int stackDepth(String displayName) {
            return events.failed().stream()
                    .filter(e -> named(e, displayName))
                    .findFirst().map(e -> throwable(e).getStackTrace().length).orElse(-1);
        }

        /** Nested example classes are displayed as {@code SocketLeakCheckTest$Name}. */
        private static boolean named(Event event, String displayName) {
            String shown = event.getTestDescriptor().getDisplayName();
            return shown.equals(displayName) || shown.endsWith("$" + displayName);
        }

        private static Throwable throwable(Event event) {
            return event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                    .orElseThrow();
        }
    }

    // ---- examples, run by the engine above (surefire skips nested classes) ----------------------

    private static FakeAgent fake() {
        return FakeAgent.current();
    }

    @ExtendWith(SocketLeakCheck.class)
    static class ClosesEverything {
        @Test
        void connects() {
            fake().connect("ex.Clean.connect(Clean.java:1)", "10.0.0.1:80").close();
        }

        @Test
        void accepts() {
            fake().accept("ex.Clean.accept(Clean.java:2)", "10.0.0.2:5000").close();
        }
    }

    @ExtendWith(SocketLeakCheck.class)
    static class DropsOne {
        @Test
        void closes() {
            fake().connect("ex.DropsOne.closes(DropsOne.java:3)", "10.0.0.1:80").close();
        }

        @Test
        void drops() {
            fake().connect("ex.DropsOne.drops(DropsOne.java:7)", "10.0.0.1:80").drop();
        }
    }

    @ExtendWith(SocketLeakCheck.class)
    @SocketGracePeriod("300ms")
    static class NeverCloses {
        @Test
        void keepsItOpen() {
            fake().connect("ex.Never.open(Never.java:1)", "10.0.0.1:80");
        }
    }

    @ExtendWith(SocketLeakCheck.class)
    static class ClosesLate {
        @Test
        void closesOnAnotherThreadSoon() {
            fake().connect("ex.Late.open(Late.java:1)", "10.0.0.1:80").closeIn(Duration.ofMillis(300));
        }
    }

    @ExtendWith(SocketLeakCheck.class)
    @CheckSocketsPerTest
    static class PerTest {
        @Test
        void closes() {
            fake().connect("ex.PerTest.closes(PerTest.java:1)", "10.0.0.1:80").close();
        }

        @Test
        void leaks() {
            fake().connect("ex.PerTest.leaks(PerTest.java:2)", "10.0.0.1:80").drop();
        }

        @Test
        void opensNothing() {
        }
    }

    @ExtendWith(SocketLeakCheck.class)
    @CheckSocketsPerTest
    @SocketGracePeriod("100ms")
    static class PerTestWithSharedSocket {
        @BeforeAll
        static void openShared() {
            fake().connect("ex.Shared.open(Shared.java:3)", "10.0.0.1:80");
        }

        @Test
        void usesIt() {
        }
    }

    @ExtendWith(SocketLeakCheck.class)
    @SocketGracePeriod("0")
    static class OneMethodPerTest {
        @Test
        @CheckSocketsPerTest
        void checkedAlone() {
            fake().connect("ex.A.alone(A.java:1)", "10.0.0.1:80");
        }

        @Test
        void checkedWithTheClass() {
            fake().connect("ex.A.withTheClass(A.java:2)", "10.0.0.1:80");
        }
    }

    @ExtendWith(SocketLeakCheck.class)
    static class Outer {
        @Test
        void closes() {
            fake().connect("ex.Outer.closes(Outer.java:1)", "10.0.0.1:80").close();
        }

        @Nested
        class Inner {
            @Test
            void drops() {
                fake().connect("ex.Inner.drops(Inner.java:1)", "10.0.0.1:80").drop();
            }
        }
    }

    static class RegisteredOnAMethod {
        @Test
        @ExtendWith(SocketLeakCheck.class)
        void leaks() {
            fake().connect("ex.Method.leaks(Method.java:1)", "10.0.0.1:80").drop();
        }

        @Test
        void notChecked() {
            fake().connect("ex.Method.notChecked(Method.java:2)", "10.0.0.1:80").drop();
        }
    }

    @ExtendWith(SocketLeakCheck.class)
    @AllowSockets(from = "ex.Pool", reason = "one pool shared by all tests, closed at JVM exit")
    static class AllowedPool {
        @Test
        void borrows() {
            fake().connect("ex.Pool.borrow(Pool.java:1)", "10.0.0.1:80");
        }
    }

    @ExtendWith(SocketLeakCheck.class)
    @AllowSockets(from = "ex.Pool", reason = "one pool shared by all tests, closed at JVM exit")
    static class OuterAllowingPool {
        @Nested
        class UsesThePool {
            @Test
            void borrows() {
                fake().connect("ex.Pool.borrow(Pool.java:1)", "10.0.0.1:80");
            }
        }
    }
}
