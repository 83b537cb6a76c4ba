package io.socketleak.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureMessageTest {
    private static final String BLAME = "com.acme.FooTest.leaks(FooTest.java:42)";

    private static Finding finding(String kind, String remote, boolean inbound, String blame, List<String> frames) {
        return new Finding(1, kind, remote, inbound, 10, "main", blame, null, frames);
    }

    @Test
    void groupsIdenticalCallSitesLeaksFirstAndEndsWithHowToAllow() {
        List<String> frames = List.of(BLAME, "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)");
        List<Finding> findings = List.of(
                finding("open", "127.0.0.1:51234", true, "com.acme.Server.serve(Server.java:9)",
                        List.of("com.acme.Server.serve(Server.java:9)", "java.base/java.lang.Thread.run(Thread.java:840)")),
                finding("collected", "127.0.0.1:8080", false, BLAME, frames),
                finding("collected", "127.0.0.1:8081", false, BLAME, frames));

        String message = FailureMessage.render("class com.acme.FooTest", false, "2s", findings, true);

        assertEquals(""
                + "3 sockets leaked by class com.acme.FooTest (2 call sites):\n"
                + "\n"
                + "1) dropped without close(): 2 sockets opened at com.acme.FooTest.leaks(FooTest.java:42)\n"
                + "   to 127.0.0.1:8080, 127.0.0.1:8081 on thread \"main\"\n"
                + "       at com.acme.FooTest.leaks(FooTest.java:42)\n"
                + "\n"
                + "2) still open after the test class (grace 2s): 1 socket opened at com.acme.Server.serve(Server.java:9)\n"
                + "   accepted from 127.0.0.1:51234 on thread \"main\"\n"
                + "       at com.acme.Server.serve(Server.java:9)\n"
                + "       at java.base/java.lang.Thread.run(Thread.java:840)\n"
                + "\n"
                + "Close each socket in the code that opens it (try-with-resources), before the test class ends. "
                + "A socket meant to outlive it (a client pool shared by the tests, say) can be allowed by a frame prefix, "
                + "with the reason:\n"
                + "  @AllowSockets(from = \"com.acme.FooTest.leaks\", reason = \"...\") on the test class or method, or\n"
                + "  -Dsocketleak.junit.allow=com.acme.FooTest.leaks=<reason> (comma-separated prefix=reason entries)",
                message);
    }

    /** A socket a library opened on its own thread: the line that asked, and how the socket came from it. */
    @Test
    void saysHowASocketOpenedOnALibrarysThreadCameFromTheBlamedLine() {
        Finding handedOff = new Finding(1, "open", "127.0.0.1:8080", false, 10, "OkHttp TaskRunner", BLAME,
                "through OkHttp, connected on thread OkHttp TaskRunner",
                List.of("okhttp3.internal.connection.ConnectPlan.connectSocket(ConnectPlan.kt:276)", BLAME));
        String message = FailureMessage.render("class com.acme.FooTest", false, "2s", List.of(handedOff), true);
        assertTrue(message.contains("1 socket opened at " + BLAME + "\n"
                + "   to 127.0.0.1:8080 on thread \"OkHttp TaskRunner\"\n"
                + "   (through OkHttp, connected on thread OkHttp TaskRunner)\n"
                + "       at okhttp3."), message);
    }

    @Test
    void namesEachKindInTheUsersWords() {
        assertEquals("dropped without close()", FailureMessage.describe("collected", true, "2s"));
        assertEquals("left in CLOSE_WAIT", FailureMessage.describe("closeWait", true, "2s"));
        assertEquals("still open after the test (grace 500ms)", FailureMessage.describe("open", true, "500ms"));
        assertEquals("still open after the test class (grace 2s)", FailureMessage.describe("open", false, "2s"));
        assertEquals("leaked (openAtExit)", FailureMessage.describe("openAtExit", false, "2s"));
    }

    @Test
    void showsAShortStackAndAFewRemotes() {
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            frames.add("com.acme.Deep.level" + i + "(Deep.java:" + i + ")");
        }
        List<Finding> findings = new ArrayList<>();
        for (int port = 1; port <= 5; port++) {
            findings.add(finding("closeWait", "10.0.0.1:" + port, false, frames.get(0), frames));
        }

        String message = FailureMessage.render("test com.acme.DeepTest.churns()", true, "2s", findings, false);

        assertTrue(message.contains("""
                1) left in CLOSE_WAIT: 5 sockets opened at com.acme.Deep.level0(Deep.java:0)
                   to 10.0.0.1:1, 10.0.0.1:2, 10.0.0.1:3 and 2 more on thread "main"
                """), message);
        assertTrue(message.contains("       at com.acme.Deep.level7(Deep.java:7)\n       ... 4 more\n"), message);
        assertTrue(!message.contains("level8"), message);
        assertTrue(message.contains("The agent had dropped its oldest leak records"), message);
        assertTrue(message.contains("before the test ends"), message);
    }

    @Test
    void leavesOutTheReflectionBetweenJUnitAndTheTest() {
        assertEquals(List.of("com.acme.FooTest.leaks(FooTest.java:42)", "org.junit.platform.commons.util.ReflectionUtils.invokeMethod(ReflectionUtils.java:767)"),
                FailureMessage.withoutReflection(List.of("com.acme.FooTest.leaks(FooTest.java:42)",
                        "java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
                        "java.base/java.lang.reflect.Method.invoke(Method.java:569)",
                        "java.base/java.lang.invoke.LambdaForm$DMH/0x0000000801004800.invokeVirtual(LambdaForm$DMH:1)",
                        "org.junit.platform.commons.util.ReflectionUtils.invokeMethod(ReflectionUtils.java:767)")));
    }

    @Test
    void suggestsTheBlamedMethodAsThePrefixToAllow() {
        assertEquals("com.acme.Pool.borrow", FailureMessage.prefixOf("app//com.acme.Pool.borrow(Pool.java:12)"));
        assertEquals("com.acme.SharedPool", FailureMessage.prefixOf("?"));
    }
}
