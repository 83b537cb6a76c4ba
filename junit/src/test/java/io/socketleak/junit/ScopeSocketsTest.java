package io.socketleak.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScopeSocketsTest {
    /** The shape of the agent's {@code socketsSinceJson}. */
    private static final String ANSWER = "{\"schema\":1,\"mark\":123456789,\"complete\":true,"
            + "\"leaks\":[{\"kind\":\"collected\",\"remote\":\"127.0.0.1:8080\",\"ageMillis\":812,\"thread\":\"main\","
            + "\"blame\":\"com.acme.FooTest.leaks(FooTest.java:42)\","
            + "\"frames\":[\"com.acme.FooTest.leaks(FooTest.java:42)\",\"java.base/java.lang.Thread.run(Thread.java:840)\"]}],"
            + "\"open\":[{\"remote\":\"127.0.0.1:51234\",\"inbound\":true,\"ageMillis\":3,\"thread\":\"server\","
            + "\"blame\":\"com.acme.Server.serve(Server.java:9)\",\"frames\":[\"com.acme.Server.serve(Server.java:9)\"]}]}";

    @Test
    void readsLeaksAndOpenSockets() {
        ScopeSockets sockets = ScopeSockets.fromJson(ANSWER);
        assertTrue(sockets.complete());
        assertEquals(List.of(
                new Finding("collected", "127.0.0.1:8080", false, 812, "main", "com.acme.FooTest.leaks(FooTest.java:42)",
                        List.of("com.acme.FooTest.leaks(FooTest.java:42)", "java.base/java.lang.Thread.run(Thread.java:840)"), 1),
                new Finding("open", "127.0.0.1:51234", true, 3, "server", "com.acme.Server.serve(Server.java:9)",
                        List.of("com.acme.Server.serve(Server.java:9)"), 1)),
                sockets.findings());
        assertTrue(sockets.findings().get(1).stillOpen());
    }

    @Test
    void readsAnIncompleteAnswerAndFoldedLeaks() {
        ScopeSockets sockets = ScopeSockets.fromJson("{\"complete\":false,\"leaks\":[{\"kind\":\"closeWait\","
                + "\"remote\":\"10.0.0.5:443\",\"count\":4,\"blame\":\"a.B.c(B.java:1)\",\"frames\":[]}],\"open\":[]}");
        assertFalse(sockets.complete());
        Finding leak = sockets.findings().get(0);
        assertEquals(4, leak.count());
        assertEquals("?", leak.thread());
    }

    @Test
    void aSocketLeftInCloseWaitIsListedOnceNotAlsoAsOpen() {
        String site = "\"thread\":\"main\",\"blame\":\"a.B.c(B.java:1)\",\"frames\":[\"a.B.c(B.java:1)\"]";
        ScopeSockets sockets = ScopeSockets.fromJson("{\"leaks\":[{\"kind\":\"closeWait\",\"remote\":\"10.0.0.5:443\","
                + "\"ageMillis\":1000," + site + "}],\"open\":["
                + "{\"remote\":\"10.0.0.5:443\",\"inbound\":false,\"ageMillis\":3000," + site + "},"
                + "{\"remote\":\"10.0.0.5:443\",\"inbound\":false,\"ageMillis\":3000," + site + "}]}");
        assertEquals(List.of("closeWait", "open"), sockets.findings().stream().map(Finding::kind).toList());
    }

    @Test
    void anOpenSocketIsTheSameSocketHoweverOldItGets() {
        Finding young = new Finding("open", "r", false, 1, "t", "b", List.of("b"), 1);
        Finding old = new Finding("open", "r", false, 900, "t", "b", List.of("b"), 1);
        assertEquals(young.identity(), old.identity());
        Finding leak = new Finding("collected", "r", false, 1, "t", "b", List.of("b"), 1);
        Finding otherLeak = new Finding("collected", "r", false, 900, "t", "b", List.of("b"), 1);
        assertFalse(leak.identity().equals(otherLeak.identity()));
    }

    @Test
    void refusesAnAnswerOfTheWrongShape() {
        assertThrows(IllegalArgumentException.class, () -> ScopeSockets.fromJson("[]"));
        assertThrows(IllegalArgumentException.class, () -> ScopeSockets.fromJson("{\"leaks\":{}}"));
    }
}
