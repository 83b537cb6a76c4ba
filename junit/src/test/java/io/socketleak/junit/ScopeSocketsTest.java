package io.socketleak.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.agent.report.JsonReport;
import io.socketleak.agent.tracking.Leak;
import io.socketleak.agent.tracking.LeakKind;
import io.socketleak.agent.tracking.Scope;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reads answers written by the agent's own classes, so what is read here is what the agent sends. */
class ScopeSocketsTest {
    private static final List<String> FOO_FRAMES = List.of("com.acme.FooTest.leaks(FooTest.java:42)",
            "java.base/java.lang.Thread.run(Thread.java:840)");
    private static final Leak.CallSiteRef FOO = new Leak.CallSiteRef(1, FOO_FRAMES.get(0), FOO_FRAMES);
    private static final Leak.CallSiteRef SERVER = new Leak.CallSiteRef(2, "com.acme.Server.serve(Server.java:9)",
            List.of("com.acme.Server.serve(Server.java:9)"));

    private static String answer(List<Scope.LeakEvent> leaks, List<Scope.OpenSocket> open, boolean complete) {
        return JsonReport.render(new Scope(123_456_789, null, leaks, open, complete));
    }

    @Test
    void readsLeaksAndOpenSocketsWithTheirIds() {
        ScopeSockets sockets = ScopeSockets.fromJson(answer(
                List.of(new Scope.LeakEvent(1, 11, LeakKind.COLLECTED, 0, "127.0.0.1:8080", false, 812, "main", FOO)),
                List.of(new Scope.OpenSocket(12, "127.0.0.1:51234", true, "server", 3, SERVER)), true));
        assertTrue(sockets.complete());
        assertEquals(List.of(
                new Finding(11, "collected", "127.0.0.1:8080", false, 812, "main", FOO_FRAMES.get(0), null, FOO_FRAMES),
                new Finding(12, "open", "127.0.0.1:51234", true, 3, "server", "com.acme.Server.serve(Server.java:9)",
                        null, List.of("com.acme.Server.serve(Server.java:9)"))),
                sockets.findings());
        assertTrue(sockets.findings().get(1).stillOpen());
        assertEquals(Set.of(11L, 12L), sockets.ids());
    }

    @Test
    void readsWhereASocketOpenedOnALibrarysThreadCameFrom() {
        Leak.CallSiteRef handedOff = new Leak.CallSiteRef(3, FOO_FRAMES.get(0), FOO_FRAMES, true,
                "through OkHttp, connected on thread OkHttp TaskRunner");
        ScopeSockets sockets = ScopeSockets.fromJson(answer(List.of(),
                List.of(new Scope.OpenSocket(14, "127.0.0.1:8080", false, "OkHttp TaskRunner", 3, handedOff)), true));
        assertEquals("through OkHttp, connected on thread OkHttp TaskRunner", sockets.findings().get(0).origin());
        assertEquals(null, ScopeSockets.fromJson(answer(List.of(),
                List.of(new Scope.OpenSocket(15, "127.0.0.1:8080", false, "main", 3, FOO)), true)).findings().get(0).origin());
    }

    @Test
    void readsAnIncompleteAnswer() {
        assertFalse(ScopeSockets.fromJson(answer(List.of(), List.of(), false)).complete());
    }

    @Test
    void aFieldTheAgentLeftNullReadsAsAQuestionMark() {
        Finding open = ScopeSockets.fromJson(answer(List.of(),
                List.of(new Scope.OpenSocket(5, null, false, null, 1, FOO)), true)).findings().get(0);
        assertEquals("?", open.thread());
        assertEquals("?", open.remote());
    }

    @Test
    void aSocketLeftInCloseWaitIsListedOnceNotAlsoAsOpen() {
        ScopeSockets sockets = ScopeSockets.fromJson(answer(
                List.of(new Scope.LeakEvent(1, 7, LeakKind.CLOSE_WAIT, 0, "10.0.0.5:443", false, 1000, "main", FOO)),
                List.of(new Scope.OpenSocket(7, "10.0.0.5:443", false, "main", 3000, FOO),
                        new Scope.OpenSocket(8, "10.0.0.5:443", false, "main", 3000, FOO)), true));
        assertEquals(List.of("closeWait", "open"), sockets.findings().stream().map(Finding::kind).toList());
        assertEquals(List.of(7L, 8L), sockets.findings().stream().map(Finding::socket).toList());
    }

    @Test
    void twoSocketsAlikeInAllButTheirIdsAreTwoSockets() {
        ScopeSockets sockets = ScopeSockets.fromJson(answer(List.of(),
                List.of(new Scope.OpenSocket(3, "r:1", false, "t", 5, FOO), new Scope.OpenSocket(4, "r:1", false, "t", 5, FOO)),
                true));
        assertEquals(2, sockets.findings().size());
        assertEquals(List.of(4L), sockets.without(Set.of(3L)).findings().stream().map(Finding::socket).toList());
    }

    @Test
    void refusesAnAnswerOfTheWrongShape() {
        assertThrows(IllegalArgumentException.class, () -> ScopeSockets.fromJson("[]"));
        assertThrows(IllegalArgumentException.class, () -> ScopeSockets.fromJson("{\"leaks\":{}}"));
        assertThrows(IllegalArgumentException.class, () -> ScopeSockets.fromJson("{\"open\":[{\"remote\":\"r:1\"}]}"),
                "an entry without its socket id");
    }
}
