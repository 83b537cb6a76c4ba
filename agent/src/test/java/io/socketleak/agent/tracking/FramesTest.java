package io.socketleak.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FramesTest {

    /** A frame from {@code "pkg.Class.method"}. */
    private static StackTraceElement frame(String classDotMethod) {
        int dot = classDotMethod.lastIndexOf('.');
        String className = classDotMethod.substring(0, dot);
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return new StackTraceElement(className, classDotMethod.substring(dot + 1), simple + ".java", 10);
    }

    private static StackTraceElement[] stack(String... frames) {
        return Arrays.stream(frames).map(FramesTest::frame).toArray(StackTraceElement[]::new);
    }

    private static final String[] AGENT_AND_JDK_TOP = {
        "io.socketleak.agent.tracking.Tracker.opened",
        "io.socketleak.agent.instrument.TrackingSink.connected",
        "io.socketleak.bootstrap.SocketLeakEvents.dispatch",
        "io.socketleak.bootstrap.SocketLeakEvents.connected",
        "sun.nio.ch.NioSocketImpl.connect",
        "java.net.Socket.connect",
        "java.net.Socket.connect"};

    private static String[] concat(String[] first, String... rest) {
        List<String> all = new ArrayList<>(Arrays.asList(first));
        all.addAll(Arrays.asList(rest));
        return all.toArray(String[]::new);
    }

    // ---- callSite ---------------------------------------------------------------------------------

    @Test
    void callSiteDropsTheAgentsFramesAndTheJdksSocketPlumbing() {
        StackTraceElement[] s = stack(concat(AGENT_AND_JDK_TOP, "com.acme.Client.fetch", "com.acme.Main.main"));
        StackTraceElement[] site = Frames.callSite(s);
        assertArrayEquals(Arrays.copyOfRange(s, 7, 9), site);
    }

    @Test
    void callSiteStartsAtTheLibraryThatAskedForTheSocket() {
        StackTraceElement[] s = stack(concat(AGENT_AND_JDK_TOP,
                "okhttp3.internal.connection.RealConnection.connectSocket", "com.acme.Client.fetch"));
        StackTraceElement[] site = Frames.callSite(s);
        assertEquals("okhttp3.internal.connection.RealConnection", site[0].getClassName());
        assertEquals("com.acme.Client", site[1].getClassName());
    }

    @Test
    void callSiteReachesTheFirstApplicationFrameUnderFortyLibraryFrames() {
        List<String> frames = new ArrayList<>(Arrays.asList(AGENT_AND_JDK_TOP));
        for (int i = 0; i < 40; i++) {
            frames.add("okhttp3.internal.Layer" + i + ".proceed");
        }
        frames.add("com.acme.Client.fetch");
        for (int i = 0; i < 10; i++) {
            frames.add("com.acme.Caller" + i + ".call");
        }
        StackTraceElement[] site = Frames.callSite(stack(frames.toArray(String[]::new)));
        assertEquals("okhttp3.internal.Layer0", site[0].getClassName());
        assertEquals(40 + 1 + Frames.CONTEXT_AFTER_APPLICATION, site.length);
        assertEquals("com.acme.Client", site[40].getClassName());
        assertEquals("com.acme.Caller" + (Frames.CONTEXT_AFTER_APPLICATION - 1),
                site[site.length - 1].getClassName());
    }

    @Test
    void callSiteKeepsAFewFramesOfContextAfterTheApplicationFrame() {
        StackTraceElement[] s = stack(concat(AGENT_AND_JDK_TOP, "com.acme.Client.fetch",
                "com.acme.A.a", "com.acme.B.b", "com.acme.C.c", "com.acme.D.d", "com.acme.E.e", "com.acme.F.f"));
        StackTraceElement[] site = Frames.callSite(s);
        assertEquals(1 + Frames.CONTEXT_AFTER_APPLICATION, site.length);
        assertEquals("com.acme.Client", site[0].getClassName());
        assertTrue(Frames.CONTEXT_AFTER_APPLICATION >= 1, "some context is kept");
    }

    @Test
    void contextIsCutShortByTheBottomOfTheStack() {
        StackTraceElement[] s = stack(concat(AGENT_AND_JDK_TOP, "com.acme.Client.fetch", "com.acme.Main.main"));
        assertEquals(2, Frames.callSite(s).length);
    }

    @Test
    void jdkFramesAfterTheApplicationFrameAreKeptAsContext() {
        StackTraceElement[] s = stack(concat(AGENT_AND_JDK_TOP, "com.acme.Client.fetch",
                "java.util.concurrent.FutureTask.run", "java.lang.Thread.run"));
        StackTraceElement[] site = Frames.callSite(s);
        assertEquals(3, site.length);
        assertEquals("java.lang.Thread", site[2].getClassName());
    }

    @Test
    void withoutAnyApplicationFrameALimitedDepthIsKept() {
        List<String> frames = new ArrayList<>(Arrays.asList(AGENT_AND_JDK_TOP));
        for (int i = 0; i < 30; i++) {
            frames.add("io.netty.channel.Stage" + i + ".run");
        }
        StackTraceElement[] site = Frames.callSite(stack(frames.toArray(String[]::new)));
        assertEquals(Frames.DEPTH_WITHOUT_APPLICATION, site.length);
        assertEquals("io.netty.channel.Stage0", site[0].getClassName());
    }

    @Test
    void anAllJdkStackIsKeptRatherThanEmptiedAndNeverBlamesTheSocketPlumbing() {
        StackTraceElement[] s = stack(
                "io.socketleak.agent.tracking.Tracker.opened",
                "io.socketleak.bootstrap.SocketLeakEvents.connected",
                "sun.nio.ch.SocketChannelImpl.finishConnect",
                "jdk.internal.net.http.PlainHttpConnection.finishConnect",
                "java.util.concurrent.ThreadPoolExecutor.runWorker",
                "java.lang.Thread.run");
        StackTraceElement[] site = Frames.callSite(s);
        assertArrayEquals(Arrays.copyOfRange(s, 3, 6), site, "agent frames and socket plumbing dropped, the rest kept");
        assertEquals("jdk.internal.net.http.PlainHttpConnection", Frames.blame(site).getClassName());
        assertEquals("java.net.http.HttpClient", Frames.library(s), "the thread's job, by name");
    }

    @Test
    void withoutAnApplicationFrameTheBlameIsTheLibrarysLineNotTheJdks() {
        StackTraceElement[] s = stack(
                "sun.nio.ch.NioSocketImpl.connect",
                "java.net.Socket.connect",
                "org.postgresql.core.PGStream.createSocket",
                "org.postgresql.core.PGStream.<init>",
                "com.zaxxer.hikari.pool.HikariPool$PoolEntryCreator.call",
                "java.util.concurrent.FutureTask.run",
                "java.lang.Thread.run");
        assertEquals("org.postgresql.core.PGStream", Frames.blame(Frames.callSite(s)).getClassName());
        assertEquals("HikariCP", Frames.library(s), "named by the outermost library frame: the pool's adder");
        assertFalse(Frames.hasApplication(s));
    }

    @Test
    void aVeryDeepAllJdkStackIsCutToTheDepthWithoutApplication() {
        List<String> frames = new ArrayList<>(List.of("io.socketleak.agent.tracking.Tracker.opened"));
        for (int i = 0; i < 30; i++) {
            frames.add("jdk.internal.net.http.Stage" + i + ".run");
        }
        StackTraceElement[] site = Frames.callSite(stack(frames.toArray(String[]::new)));
        assertEquals(Frames.DEPTH_WITHOUT_APPLICATION, site.length);
        assertEquals("jdk.internal.net.http.Stage0", site[0].getClassName());
    }

    @Test
    void aStackOfOnlyAgentFramesGivesAnEmptyCallSite() {
        assertEquals(0, Frames.callSite(stack("io.socketleak.agent.tracking.Tracker.opened")).length);
        assertEquals(0, Frames.callSite(new StackTraceElement[0]).length);
    }

    @Test
    void theDemoAndIntegrationTestPackagesAreApplicationCode() {
        StackTraceElement[] s = stack(concat(AGENT_AND_JDK_TOP, "io.socketleak.demo.LeakyClient.call",
                "io.socketleak.it.LeakIT.leaks"));
        StackTraceElement[] site = Frames.callSite(s);
        assertEquals("io.socketleak.demo.LeakyClient", site[0].getClassName());
        assertEquals("io.socketleak.demo.LeakyClient", Frames.blame(site).getClassName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"io.socketleak.demo.DemoApp", "io.socketleak.it.LeakIT", "com.acme.Client", "Main",
            "io.socketleak.agentsmith.Plan", "org.example.Service"})
    void applicationClasses(String className) {
        assertTrue(Frames.isApplication(className), className);
    }

    @ParameterizedTest
    @ValueSource(strings = {"io.socketleak.agent.tracking.Tracker", "io.socketleak.bootstrap.SocketLeakEvents",
            "io.socketleak.junit.SocketLeakCheck", "java.net.Socket", "javax.net.ssl.SSLSocket",
            "jdk.internal.net.http.HttpClientImpl", "sun.nio.ch.NioSocketImpl", "com.sun.net.httpserver.HttpServer",
            "okhttp3.OkHttpClient", "org.apache.hc.client5.http.impl.classic.CloseableHttpClient", "io.netty.bootstrap.Bootstrap",
            "org.junit.platform.commons.util.ReflectionUtils"})
    void codeThatIsNotTheApplications(String className) {
        assertFalse(Frames.isApplication(className), className);
    }

    // ---- blame ------------------------------------------------------------------------------------

    @Test
    void blamePicksTheFirstApplicationFrameOverLibraryFrames() {
        StackTraceElement[] s = stack("okhttp3.internal.connection.RealConnection.connectSocket",
                "okhttp3.RealCall.execute", "com.acme.Client.fetch", "com.acme.Main.main");
        assertSame(s[2], Frames.blame(s));
    }

    @Test
    void blameFallsBackToTheInnermostFrameWithoutApplicationCode() {
        StackTraceElement[] s = stack("io.netty.channel.Stage.run", "java.lang.Thread.run");
        assertSame(s[0], Frames.blame(s));
    }

    @Test
    void blameOfNoFramesIsNothing() {
        assertNull(Frames.blame(new StackTraceElement[0]));
    }

    // ---- matchesAny -------------------------------------------------------------------------------

    @Test
    void aClassPrefixMatchesAnyFrameOfThatPackageOrClass() {
        StackTraceElement[] s = stack("java.net.Socket.connect", "com.acme.pool.Pool.borrow", "com.acme.Main.main");
        assertTrue(Frames.matchesAny(s, List.of("com.acme.pool")));
        assertTrue(Frames.matchesAny(s, List.of("com.acme.pool.Pool")));
        assertTrue(Frames.matchesAny(s, List.of("com.acme.Ma")), "a plain text prefix, like the SPEC says");
    }

    @Test
    void aClassDotMethodPrefixMatchesOnlyThatMethod() {
        StackTraceElement[] fetch = stack("java.net.Socket.connect", "com.acme.Client.fetch");
        StackTraceElement[] fetchAll = stack("java.net.Socket.connect", "com.acme.Client.fetchAll");
        StackTraceElement[] close = stack("java.net.Socket.connect", "com.acme.Client.close");
        List<String> prefix = List.of("com.acme.Client.fetch");
        assertTrue(Frames.matchesAny(fetch, prefix));
        assertTrue(Frames.matchesAny(fetchAll, prefix), "a prefix of the method name matches too");
        assertFalse(Frames.matchesAny(close, prefix));
    }

    @Test
    void aPrefixThatMatchesNoFrameDoesNotMatch() {
        StackTraceElement[] s = stack("java.net.Socket.connect", "com.acme.Client.fetch");
        assertFalse(Frames.matchesAny(s, List.of("org.other", "com.acme.Server", "com.acme.Client.close")));
    }

    @Test
    void anyOfSeveralPrefixesIsEnough() {
        StackTraceElement[] s = stack("java.net.Socket.connect", "com.acme.Client.fetch");
        assertTrue(Frames.matchesAny(s, List.of("org.other", "com.acme.Client.fetch")));
    }

    @Test
    void noPrefixesMatchNothing() {
        assertFalse(Frames.matchesAny(stack("com.acme.Client.fetch"), List.of()));
    }

    @Test
    void aMethodPrefixDoesNotMatchAnotherClassWhoseNameStartsTheSame() {
        StackTraceElement[] s = stack("com.acme.ClientPool.fetch", "com.acme.Clientele.fetch");
        assertFalse(Frames.matchesAny(s, List.of("com.acme.Client.fetch")));
    }
}
