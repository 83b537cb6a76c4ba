package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.it.apps.Hello;
import io.socketleak.it.support.ChildJvm;
import io.socketleak.it.support.PeerServer;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whatever goes wrong inside the agent, or with its options, the application runs on unharmed. */
class AgentNeverHarmsTest {

    @Test
    void failureInsideTheAgentNeverReachesTheApplication() throws Exception {
        Class<?> events = Class.forName("sun.nio.ch.SocketLeakEvents");
        Class<?> sinkType = Class.forName("sun.nio.ch.SocketLeakEvents$Sink");
        Method install = events.getMethod("install", sinkType);
        Method failures = events.getMethod("failures");
        Object realSink = events.getMethod("currentSink").invoke(null);
        Object exploding = Proxy.newProxyInstance(sinkType.getClassLoader() == null
                        ? ClassLoader.getSystemClassLoader() : sinkType.getClassLoader(), new Class<?>[] {sinkType},
                (proxy, method, args) -> {
                    throw new IllegalStateException("agent failure injected by the test");
                });
        long failuresBefore = (long) failures.invoke(null);
        install.invoke(null, exploding);
        try (PeerServer peer = new PeerServer();
             ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // connect, accept, read to end of stream, shut down, close: every hook fires and fails inside
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), peer.port())) {
                s.getOutputStream().write('P');
                InputStream in = s.getInputStream();
                assertEquals('b', in.read());
                while (in.read() >= 0) {
                    // to the end
                }
                s.shutdownOutput();
            }
            try (SocketChannel ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    server.getLocalPort())); Socket accepted = server.accept()) {
                ch.write(ByteBuffer.wrap(new byte[] {7}));
                assertEquals(7, accepted.getInputStream().read());
            }
        } finally {
            install.invoke(null, realSink);
        }
        long swallowed = (long) failures.invoke(null) - failuresBefore;
        assertTrue(swallowed >= 6, "failures are counted, not thrown: " + swallowed);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "interval=abc                 | bad option 'interval=abc': expected a duration like 30s",
        "warnAt=2                     | bad option 'warnAt=2': expected a fraction between 0 and 1 like 0.8",
        "portRange=9000-100           | bad option 'portRange=9000-100': expected two port numbers like 32768-60999",
        "jmx=maybe                    | bad option 'jmx=maybe': expected true or false",
        "colour=blue                  | unknown option 'colour=blue': valid keys are interval, report, failOnLeak, "
                + "closeWaitAfter, warnAt, exclude, timeWait, portRange, jmx, log, maxTracked",
    })
    void badAgentArgumentGivesOneLineAndTheApplicationRuns(String option, String message) throws Exception {
        ChildJvm.Result run = new ChildJvm().withAgent(option).run(Hello.class);
        assertRunsWithOneLine(run, message);
    }

    @Test
    void badSystemPropertyGivesOneLineAndTheApplicationRuns() throws Exception {
        ChildJvm.Result run = new ChildJvm().withAgent("").jvmArg("-Dsocketleak.closeWaitAfter=soon").run(Hello.class);
        assertRunsWithOneLine(run, "bad option 'closeWaitAfter=soon' (from system property socketleak.closeWaitAfter): "
                + "expected a duration like 30s");
    }

    @Test
    void badEnvironmentVariableGivesOneLineAndTheApplicationRuns() throws Exception {
        ChildJvm.Result run = new ChildJvm().withAgent("").env("SOCKETLEAK_MAX_TRACKED", "-5").run(Hello.class);
        assertRunsWithOneLine(run, "bad option 'maxTracked=-5' (from environment variable SOCKETLEAK_MAX_TRACKED): "
                + "expected a whole number of sockets like 100000");
    }

    private static void assertRunsWithOneLine(ChildJvm.Result run, String message) {
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("application ran: 42", run.stdout().trim());
        assertEquals(List.of("socket-leak-agent: " + message + "; agent not started"), run.stderrLines());
    }
}
