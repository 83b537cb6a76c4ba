package io.socketleak.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

class AllowListTest {
    private static Finding openedBy(String... frames) {
        return new Finding(1, "open", "127.0.0.1:80", false, 1, "main", frames[0], null, List.of(frames));
    }

    @Test
    void allowsASocketWhenAnyFrameStartsWithAPrefix() {
        AllowList allow = new AllowList(List.of(new AllowList.Entry("okhttp3.ConnectionPool", "shared pool")));
        assertTrue(allow.allows(openedBy("okhttp3.internal.connection.RealConnection.connect(RealConnection.kt:1)",
                "okhttp3.ConnectionPool.get(ConnectionPool.kt:2)", "com.acme.FooTest.calls(FooTest.java:3)")));
        assertFalse(allow.allows(openedBy("com.acme.FooTest.calls(FooTest.java:3)")));
    }

    /** A socket a library opened on its own thread carries the frames of where the application asked too. */
    @Test
    void allowsASocketOpenedOnALibrarysThreadByTheLineThatAskedForIt() {
        AllowList allow = new AllowList(List.of(new AllowList.Entry("com.acme.Client.fetch", "shared client")));
        assertTrue(allow.allows(openedBy("okhttp3.internal.connection.ConnectPlan.connectSocket(ConnectPlan.kt:276)",
                "okhttp3.internal.concurrent.TaskRunner$runnable$1.run(TaskRunner.kt:81)",
                "okhttp3.internal.connection.ConnectPlan.<init>(ConnectPlan.kt:57)",
                "okhttp3.internal.connection.RealCall.execute(RealCall.kt:178)",
                "com.acme.Client.fetch(Client.java:42)")));
    }

    @Test
    void aPrefixMayNameAMethod() {
        AllowList allow = new AllowList(List.of(new AllowList.Entry("com.acme.Shared.open", "kept for the run")));
        assertTrue(allow.allows(openedBy("com.acme.Shared.open(Shared.java:12)")));
        assertFalse(allow.allows(openedBy("com.acme.Shared.send(Shared.java:20)")));
    }

    @Test
    void matchesFramesWrittenWithTheirModuleOrClassLoader() {
        AllowList allow = new AllowList(List.of(new AllowList.Entry("jdk.internal.net.http", "the JDK client's pool")));
        assertTrue(allow.allows(openedBy("java.net.http/jdk.internal.net.http.PlainHttpConnection.connectAsync(PlainHttpConnection.java:1)")));
        assertEquals("com.acme.Pool.get(Pool.java:3)", AllowList.withoutModule("app//com.acme.Pool.get(Pool.java:3)"));
        assertEquals("a.B.c(My/Weird.java:3)", AllowList.withoutModule("a.B.c(My/Weird.java:3)"));
        assertEquals("java.lang.invoke.LambdaForm$DMH/0x0000000801004800.invokeVirtual(LambdaForm$DMH)",
                AllowList.withoutModule("java.base/java.lang.invoke.LambdaForm$DMH/0x0000000801004800.invokeVirtual(LambdaForm$DMH)"));
    }

    @Test
    void readsThePropertyAsCommaSeparatedPrefixEqualsReason() {
        assertEquals(List.of(new AllowList.Entry("okhttp3.ConnectionPool", "shared client pool closed at JVM exit"),
                        new AllowList.Entry("com.acme.Cache", "warm cache")),
                AllowList.parseProperty(" okhttp3.ConnectionPool = shared client pool closed at JVM exit ,com.acme.Cache=warm cache,"));
        assertEquals(List.of(), AllowList.parseProperty(""));
        assertEquals(List.of(), AllowList.parseProperty(null));
    }

    @Test
    void everyEntryNeedsAPrefixAndAReason() {
        assertEquals("socketleak.junit.allow: entry 'com.acme.Pool' needs a reason: write prefix=reason, "
                        + "e.g. okhttp3.ConnectionPool=shared client pool closed at JVM exit",
                assertThrows(ExtensionConfigurationException.class,
                        () -> AllowList.parseProperty("com.acme.Pool")).getMessage());
        assertThrows(ExtensionConfigurationException.class, () -> AllowList.parseProperty("com.acme.Pool= "));
        assertThrows(ExtensionConfigurationException.class, () -> AllowList.parseProperty("=because"));
        assertEquals("@AllowSockets on com.acme.FooTest: allowing 'com.acme.Pool' needs a reason "
                        + "(why may its sockets outlive the test?)",
                assertThrows(ExtensionConfigurationException.class,
                        () -> AllowList.entry("com.acme.Pool", "", "@AllowSockets on com.acme.FooTest")).getMessage());
    }
}
