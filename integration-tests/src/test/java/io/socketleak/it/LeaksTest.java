package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.KernelTcp;
import io.socketleak.it.support.PeerServer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sockets dropped without close() and sockets left in CLOSE_WAIT (closeWaitAfter=1s in this JVM). */
class LeaksTest {
    private static PeerServer peer;

    @BeforeAll
    static void startPeer() throws IOException {
        peer = new PeerServer();
    }

    @AfterAll
    static void stopPeer() throws IOException {
        peer.close();
    }

    @Test
    void socketDroppedWithoutCloseIsACollectedLeakAtItsLine() throws IOException {
        String frame = "LeaksTest.dropSocket(LeaksTest.java:" + dropSocket() + ")";
        JsonNode report = AgentReport.await(Duration.ofSeconds(20),
                r -> AgentReport.leakCount(r, "collected", frame) == 1);
        JsonNode leak = AgentReport.leaks(report, "collected", frame).get(0);
        assertEquals("127.0.0.1:" + peer.port(), leak.get("remote").asText());
        assertEquals("io.socketleak.it." + frame, leak.get("blame").asText());
    }

    @Test
    void channelDroppedWithoutCloseIsACollectedLeakAtItsLine() throws IOException {
        String frame = "LeaksTest.dropChannel(LeaksTest.java:" + dropChannel() + ")";
        AgentReport.await(Duration.ofSeconds(20), r -> AgentReport.leakCount(r, "collected", frame) == 1);
    }

    @Test
    void trackingNeverKeepsASocketAlive() throws IOException {
        WeakReference<Socket> dropped = new WeakReference<>(new Socket(InetAddress.getLoopbackAddress(), peer.port()));
        long deadline = System.currentTimeMillis() + 20_000;
        while (dropped.get() != null && System.currentTimeMillis() < deadline) {
            System.gc();
            AgentReport.sleep(50);
        }
        assertNull(dropped.get(), "a socket without references must be collectable while tracked");
    }

    @Test
    void closedSocketsAreNeverReportedAsCollected() throws IOException {
        for (int i = 0; i < 20; i++) {
            openAndClose();
        }
        JsonNode report = dropControlAndAwaitIt();
        assertEquals(20, AgentReport.sum(report, "LeaksTest.openAndClose(", "opened"));
        assertEquals(0, AgentReport.leakCount(report, "collected", "LeaksTest.openAndClose("));
        assertEquals(20, AgentReport.sum(report, "LeaksTest.openAndClose(", "activeCloses"));
    }

    @Test
    void socketKeptOpenAfterThePeerClosedIsACloseWaitLeak() throws IOException {
        int line = lineOfNextStatement();
        Socket kept = new Socket(InetAddress.getLoopbackAddress(), peer.port());
        try {
            kept.getOutputStream().write('C');
            InputStream in = kept.getInputStream();
            assertEquals(-1, in.read(), "the peer closes without a word");
            assertEquals(KernelTcp.CLOSE_WAIT, KernelTcp.awaitState(kept.getLocalPort(), kept.getPort(),
                    KernelTcp.CLOSE_WAIT, 5000), "the kernel sees the same CLOSE_WAIT");
            String frame = "LeaksTest.socketKeptOpenAfterThePeerClosedIsACloseWaitLeak(LeaksTest.java:" + line + ")";
            JsonNode report = AgentReport.await(Duration.ofSeconds(10),
                    r -> AgentReport.leakCount(r, "closeWait", frame) == 1);
            assertEquals(1, AgentReport.sum(report, frame, "open"), "still open, and still listed as open");
        } finally {
            kept.close();
        }
    }

    @Test
    void closingSoonAfterEndOfStreamIsNoLeak() throws IOException {
        int line = lineOfNextStatement();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), peer.port())) {
            socket.getOutputStream().write('C');
            assertEquals(-1, socket.getInputStream().read());
        }
        String frame = "LeaksTest.closingSoonAfterEndOfStreamIsNoLeak(LeaksTest.java:" + line + ")";
        // A socket kept open after its end of stream, which came later: once it is a leak, closeWaitAfter
        // has passed for the closed one too.
        int controlLine = lineOfNextStatement();
        try (Socket control = new Socket(InetAddress.getLoopbackAddress(), peer.port())) {
            control.getOutputStream().write('C');
            assertEquals(-1, control.getInputStream().read());
            String controlFrame = "LeaksTest.closingSoonAfterEndOfStreamIsNoLeak(LeaksTest.java:" + controlLine + ")";
            AgentReport.await(Duration.ofSeconds(10), r -> AgentReport.leakCount(r, "closeWait", controlFrame) == 1);
        }
        JsonNode report = AgentReport.now();
        assertEquals(0, AgentReport.leakCount(report, "closeWait", frame));
        assertEquals(1, AgentReport.sum(report, frame, "passiveCloses"));
    }

    @Test
    void channelClosedByAnInterruptIsCountedOnceAndIsNoLeak() throws Exception {
        SocketChannel channel = openChannelToInterrupt();
        Thread reader = new Thread(() -> {
            try {
                channel.read(ByteBuffer.allocate(16)); // blocks: the peer holds the connection open
            } catch (java.io.IOException expected) {
                // ClosedByInterruptException: the interrupt closed the channel, bypassing close() on JDK 17
            }
        });
        reader.start();
        awaitBlockedInRead(reader);
        reader.interrupt();
        reader.join(5000);
        assertEquals(false, channel.isOpen());
        channel.close(); // a close after the interrupt's: still one close
        String frame = "LeaksTest.openChannelToInterrupt(";
        JsonNode report = AgentReport.await(Duration.ofSeconds(5), r -> AgentReport.sum(r, frame, "opened") == 1);
        assertEquals(1, AgentReport.sum(report, frame, "activeCloses") + AgentReport.sum(report, frame, "passiveCloses")
                + AgentReport.sum(report, frame, "abortiveCloses"), AgentReport.text());
        assertEquals(0, AgentReport.sum(report, frame, "open"));
        report = dropControlAndAwaitIt();
        assertEquals(0, AgentReport.leakCount(report, "collected", frame));
    }

    /**
     * The positive control of a "no leak" check: a socket dropped now is found once the collector has
     * run and the agent has taken in what it freed, so what was not found by then never will be.
     */
    private static JsonNode dropControlAndAwaitIt() throws IOException {
        long before = AgentReport.leakCount(AgentReport.now(), "collected", "LeaksTest.dropControl(");
        dropControl();
        return AgentReport.await(Duration.ofSeconds(20),
                r -> AgentReport.leakCount(r, "collected", "LeaksTest.dropControl(") == before + 1);
    }

    private static void dropControl() throws IOException {
        new Socket(InetAddress.getLoopbackAddress(), peer.port()).getOutputStream().write('H');
    }

    /** Waits until the thread is inside a channel's read (its stack says so), at most 5 s. */
    private static void awaitBlockedInRead(Thread reader) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (StackTraceElement frame : reader.getStackTrace()) {
                if (frame.getClassName().startsWith("sun.nio.ch.") && frame.getMethodName().equals("read")) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the reader never blocked in read(): " + java.util.Arrays.toString(reader.getStackTrace()));
    }

    private static SocketChannel openChannelToInterrupt() throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), peer.port()));
        channel.write(ByteBuffer.wrap(new byte[] {'H'}));
        return channel;
    }

    /** Opens a socket, uses it, forgets it; returns the line that opened it. */
    private static int dropSocket() throws IOException {
        int line = lineOfNextStatement();
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), peer.port());
        socket.getOutputStream().write('H');
        return line;
    }

    private static int dropChannel() throws IOException {
        int line = lineOfNextStatement();
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), peer.port()));
        channel.write(ByteBuffer.wrap(new byte[] {'H'}));
        return line;
    }

    private static void openAndClose() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), peer.port())) {
            socket.getOutputStream().write('H');
        }
    }

    /** The line after the caller's, so a test can name the line where it opens a socket. */
    static int lineOfNextStatement() {
        return new Throwable().getStackTrace()[1].getLineNumber() + 1;
    }
}
