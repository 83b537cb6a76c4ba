package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.KernelTcp;
import io.socketleak.it.support.PeerServer;
import io.socketleak.it.support.TestTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.stream.Stream;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each close kind through each socket API, on real loopback connections, checked against the
 * kernel: an active close leaves TIME_WAIT on this side, a passive one on the peer's side, an
 * abortive one on neither.
 */
class CloseKindsTest {
    private static PeerServer plainPeer;
    private static PeerServer tlsPeer;

    @BeforeAll
    static void startPeers() throws Exception {
        plainPeer = new PeerServer();
        SSLServerSocket tls = (SSLServerSocket) TestTls.context().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        tlsPeer = new PeerServer(tls);
    }

    @AfterAll
    static void stopPeers() throws IOException {
        plainPeer.close();
        tlsPeer.close();
    }

    /** How the test ends a connection. */
    enum Ending {
        /** We read the reply and close first. */
        ACTIVE_AFTER_REPLY('R', "activeCloses"),
        /** The peer closes first; we read to end of stream, then close. */
        PASSIVE_AFTER_END_OF_STREAM('P', "passiveCloses"),
        /** The peer closes first; its FIN waits unread when we close. */
        PASSIVE_WITH_UNREAD_FIN('C', "passiveCloses"),
        /** SO_LINGER 0: close sends RST. */
        ABORTIVE_BY_LINGER_ZERO('H', "abortiveCloses"),
        /** Data left unread: the kernel answers close with RST. */
        ABORTIVE_BY_UNREAD_DATA('D', "abortiveCloses");

        final char command;
        final String counter;

        Ending(char command, String counter) {
            this.command = command;
            this.counter = counter;
        }
    }

    /** One way of using sockets; {@code frame} names the method that connects, to find its call site. */
    enum Api {
        SOCKET("CloseKindsTest.connectSocket("),
        SOCKET_CLOSED_BY_STREAM("CloseKindsTest.connectSocketClosedByStream("),
        CHANNEL("CloseKindsTest.connectChannel("),
        NON_BLOCKING_CHANNEL("CloseKindsTest.connectNonBlockingChannel("),
        CHANNEL_ADAPTOR("CloseKindsTest.connectChannelAdaptor("),
        SSL_SOCKET("CloseKindsTest.connectSslSocket(");

        final String frame;

        Api(String frame) {
            this.frame = frame;
        }

        boolean tls() {
            return this == SSL_SOCKET;
        }
    }

    static Stream<Arguments> everyApiAndEnding() {
        return Stream.of(Api.values()).flatMap(api -> Stream.of(Ending.values())
                // Under TLS the peer's close always sends a close_notify record: there is no FIN-only case.
                .filter(ending -> !(api.tls() && ending == Ending.PASSIVE_WITH_UNREAD_FIN))
                .map(ending -> Arguments.of(api, ending)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyApiAndEnding")
    void closeIsClassifiedAsTheKernelSeesIt(Api api, Ending ending) throws Exception {
        JsonNode before = AgentReport.now();
        Client client = connect(api);
        int localPort = client.localPort();
        int peerPort = client.peerPort();
        client.send(ending.command);
        switch (ending) {
            case ACTIVE_AFTER_REPLY -> client.readExactly(2);
            case PASSIVE_AFTER_END_OF_STREAM -> client.readToEnd();
            case PASSIVE_WITH_UNREAD_FIN -> assertEquals(KernelTcp.CLOSE_WAIT,
                    KernelTcp.awaitState(localPort, peerPort, KernelTcp.CLOSE_WAIT, 5000),
                    "the peer's FIN should have arrived");
            case ABORTIVE_BY_LINGER_ZERO -> client.lingerZero();
            case ABORTIVE_BY_UNREAD_DATA -> assertTrue(KernelTcp.awaitUnread(localPort, peerPort, 100, 5000),
                    "the peer's 100 bytes should be waiting unread in the kernel");
        }
        client.close();
        client.close(); // closing twice still counts one close

        JsonNode after = AgentReport.now();
        assertEquals(1, delta(before, after, api, "opened"));
        if (api.tls()) {
            // A close is classified when close() is called. A TLS peer answers our close_notify with its
            // own, which arrives after our FIN and resets what would have been TIME_WAIT: only the
            // count and an SO_LINGER 0 reset are certain at that moment.
            assertEquals(1, delta(before, after, api, "activeCloses") + delta(before, after, api, "passiveCloses")
                    + delta(before, after, api, "abortiveCloses"), "one close counted\n" + AgentReport.text());
            if (ending == Ending.ABORTIVE_BY_LINGER_ZERO) {
                assertEquals(1, delta(before, after, api, "abortiveCloses"));
            }
            return;
        }
        if (KernelTcp.available()) {
            assertEquals(ending.counter, kernelKind(localPort, peerPort),
                    "the kernel should agree with the scenario " + ending + "; kernel entries for ports " + localPort
                            + "/" + peerPort + ": " + KernelTcp.entries().stream()
                            .filter(e -> e.localPort() == localPort || e.remotePort() == localPort).toList());
        }
        for (String counter : new String[] {"activeCloses", "passiveCloses", "abortiveCloses"}) {
            assertEquals(counter.equals(ending.counter) ? 1 : 0, delta(before, after, api, counter),
                    api + " " + ending + ": change in " + counter + "\n" + AgentReport.text());
        }
    }

    private static long delta(JsonNode before, JsonNode after, Api api, String counter) {
        return AgentReport.sum(after, api.frame, counter) - AgentReport.sum(before, api.frame, counter);
    }

    /** How the kernel ended the connection: where its TIME_WAIT is, if anywhere. */
    private static String kernelKind(int localPort, int peerPort) {
        long deadline = System.currentTimeMillis() + 1000;
        while (System.currentTimeMillis() < deadline) {
            if (KernelTcp.TIME_WAIT.equals(KernelTcp.state(localPort, peerPort))) {
                return "activeCloses";
            }
            if (KernelTcp.TIME_WAIT.equals(KernelTcp.state(peerPort, localPort))) {
                return "passiveCloses";
            }
            AgentReport.sleep(20);
        }
        return "abortiveCloses";
    }

    private static Client connect(Api api) throws Exception {
        return switch (api) {
            case SOCKET -> connectSocket(plainPeer.port());
            case SOCKET_CLOSED_BY_STREAM -> connectSocketClosedByStream(plainPeer.port());
            case CHANNEL -> connectChannel(plainPeer.port());
            case NON_BLOCKING_CHANNEL -> connectNonBlockingChannel(plainPeer.port());
            case CHANNEL_ADAPTOR -> connectChannelAdaptor(plainPeer.port());
            case SSL_SOCKET -> connectSslSocket(tlsPeer.port());
        };
    }

    static Client connectSocket(int port) throws IOException {
        return new SocketClient(new Socket(InetAddress.getLoopbackAddress(), port), false);
    }

    static Client connectSocketClosedByStream(int port) throws IOException {
        return new SocketClient(new Socket(InetAddress.getLoopbackAddress(), port), true);
    }

    static Client connectSslSocket(int port) throws Exception {
        SSLSocket socket = (SSLSocket) TestTls.context().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port);
        socket.startHandshake();
        return new SocketClient(socket, false);
    }

    static Client connectChannel(int port) throws IOException {
        return new ChannelClient(SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    }

    static Client connectNonBlockingChannel(int port) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        if (!channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            while (!channel.finishConnect()) {
                Thread.onSpinWait();
            }
        }
        channel.configureBlocking(true);
        return new ChannelClient(channel);
    }

    static Client connectChannelAdaptor(int port) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.socket().connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        return new SocketClient(channel.socket(), false);
    }

    /** The operations a test needs, whatever the API underneath. */
    interface Client {
        int localPort();

        int peerPort();

        void send(int b) throws IOException;

        void readExactly(int n) throws IOException;

        void readToEnd() throws IOException;

        void lingerZero() throws IOException;

        void close() throws IOException;
    }

    private record SocketClient(Socket socket, boolean closeThroughStream) implements Client {
        @Override
        public int localPort() {
            return socket.getLocalPort();
        }

        @Override
        public int peerPort() {
            return socket.getPort();
        }

        @Override
        public void send(int b) throws IOException {
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
        }

        @Override
        public void readExactly(int n) throws IOException {
            socket.getInputStream().readNBytes(n);
        }

        @Override
        public void readToEnd() throws IOException {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // until end of stream
            }
        }

        @Override
        public void lingerZero() throws IOException {
            socket.setSoLinger(true, 0);
        }

        @Override
        public void close() throws IOException {
            if (closeThroughStream && !socket.isClosed()) {
                socket.getOutputStream().close();
            }
            socket.close();
        }
    }

    private record ChannelClient(SocketChannel channel) implements Client {
        @Override
        public int localPort() {
            return ((InetSocketAddress) localAddress()).getPort();
        }

        private Object localAddress() {
            try {
                return channel.getLocalAddress();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int peerPort() {
            try {
                return ((InetSocketAddress) channel.getRemoteAddress()).getPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void send(int b) throws IOException {
            channel.write(ByteBuffer.wrap(new byte[] {(byte) b}));
        }

        @Override
        public void readExactly(int n) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(n);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // until n bytes
            }
        }

        @Override
        public void readToEnd() throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            while (channel.read(buffer) >= 0) {
                buffer.clear();
            }
        }

        @Override
        public void lingerZero() throws IOException {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * In a JVM of its own, so that the counts are the sockets' alone: each socket closed twice, or
     * through a stream, its adaptor or an interrupt and then again, is one close in the global counters
     * and never one of an unseen socket.
     */
    @org.junit.jupiter.api.Test
    void everySocketIsCountedOnceInTheGlobalCountersHoweverItIsClosed(@org.junit.jupiter.api.io.TempDir
                                                                       java.nio.file.Path dir) throws Exception {
        java.nio.file.Path report = dir.resolve("report.json");
        io.socketleak.it.support.ChildJvm.Result run;
        try (PeerServer peer = new PeerServer()) {
            run = new io.socketleak.it.support.ChildJvm().withAgent("interval=0,report=" + report)
                    .run(io.socketleak.it.apps.ClosesEveryWay.class, String.valueOf(peer.port()));
        }
        assertEquals(0, run.exitCode(), run.stderr());
        long opened = Long.parseLong(run.stdout().trim().substring("opened ".length()));
        JsonNode json = AgentReport.read(report);
        JsonNode counters = json.get("counters");
        assertEquals(opened, counters.get("opened").asLong(), json.toString());
        assertEquals(opened, counters.get("closed").asLong(), "each once: " + counters);
        assertEquals(0, counters.get("closedUnseen").asLong(), "a second close is no close of an unseen socket: "
                + counters);
        assertEquals(0, json.get("openSockets").asLong(), json.toString());
    }
}
