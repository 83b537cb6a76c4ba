package io.socketleak.it.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs through every hooked JDK method, on the paths that return and on those that throw: connect,
 * accept, bind, listen, reads to the end of stream, shutdowns, SO_LINGER, closes, of {@code Socket},
 * {@code SocketChannel} (blocking, non-blocking, through its socket adaptor),
 * {@code ServerSocketChannel}, {@code AsynchronousSocketChannel} and its server, and the platform MBean
 * server.
 *
 * <p>With {@code wait}: prints {@code ready <pid>}, runs through them when a line comes on standard
 * input (after an attach), prints {@code done}, and exits at the end of input. Otherwise it runs through
 * them once at start and prints {@code done}. Every socket it opens is closed.
 */
public final class EveryHook {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("wait")) {
            System.out.println("ready " + ProcessHandle.current().pid());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                runThrough();
                System.out.println("done");
            }
        } else {
            runThrough();
            System.out.println("done");
        }
    }

    static void runThrough() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
            try (Socket client = new Socket(loopback, server.getLocalPort()); Socket accepted = server.accept()) {
                client.setSoLinger(true, 5);
                client.getOutputStream().write(new byte[] {1, 2, 3});
                client.shutdownOutput();
                readToEnd(accepted.getInputStream());
                accepted.shutdownInput();
                accepted.shutdownOutput();
            }
            try (SocketChannel channel = SocketChannel.open(server.getLocalSocketAddress());
                 Socket accepted = server.accept()) {
                accepted.getOutputStream().write(7);
                accepted.shutdownOutput();
                ByteBuffer[] buffers = {ByteBuffer.allocate(1), ByteBuffer.allocate(8)};
                while (channel.read(buffers, 0, 2) >= 0) {
                    buffers[0].clear();
                    buffers[1].clear();
                }
                channel.shutdownInput();
                channel.shutdownOutput();
            }
            try (Socket refused = new Socket()) {
                refused.bind(new InetSocketAddress(loopback, 0));
                int closedPort = refused.getLocalPort();
                refused.close();
                expectFailure(() -> new Socket(loopback, closedPort).close());
            }
            expectFailure(() -> {
                try (Socket twice = new Socket()) {
                    twice.bind(server.getLocalSocketAddress()); // the server holds the port
                }
            });
        }
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            // Blocking: a connect, then the accepts through the channel and through its adaptor.
            try (SocketChannel client = SocketChannel.open()) {
                client.connect(server.getLocalAddress());
                try (SocketChannel accepted = server.accept()) {
                    accepted.write(ByteBuffer.wrap(new byte[] {5}));
                }
            }
            blockingPair(server);
            nonBlockingPair(server);
            expectFailure(() -> {
                try (SocketChannel twice = SocketChannel.open()) {
                    twice.bind(server.getLocalAddress());
                }
            });
        }
        asynchronousPair();
        java.lang.management.ManagementFactory.getPlatformMBeanServer();
    }

    private static void asynchronousPair() throws Exception {
        try (AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            Future<AsynchronousSocketChannel> accepting = server.accept();
            try (AsynchronousSocketChannel client = AsynchronousSocketChannel.open()) {
                client.connect(server.getLocalAddress()).get(10, TimeUnit.SECONDS);
                try (AsynchronousSocketChannel accepted = accepting.get(10, TimeUnit.SECONDS)) {
                    client.shutdownOutput();
                    ByteBuffer buffer = ByteBuffer.allocate(8);
                    while (accepted.read(buffer).get(10, TimeUnit.SECONDS) >= 0) {
                        buffer.clear();
                    }
                }
            }
        }
    }

    private static void blockingPair(ServerSocketChannel server) throws IOException {
        try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
             Socket accepted = server.socket().accept()) {
            client.socket().getOutputStream().write(new byte[] {1, 2});
            client.shutdownOutput();
            readToEnd(accepted.getInputStream());
            accepted.getOutputStream().write(3);
            accepted.shutdownOutput();
            readToEnd(client.socket().getInputStream()); // the adaptor's blocking read
        }
    }

    private static void nonBlockingPair(ServerSocketChannel server) throws IOException {
        try (Selector selector = Selector.open(); SocketChannel client = SocketChannel.open()) {
            client.configureBlocking(false);
            client.connect(server.getLocalAddress());
            client.register(selector, SelectionKey.OP_CONNECT);
            server.configureBlocking(false);
            SocketChannel accepted = null;
            while (!client.finishConnect() || accepted == null) {
                selector.select(10);
                if (accepted == null) {
                    accepted = server.accept();
                }
            }
            server.configureBlocking(true);
            try (SocketChannel peer = accepted) {
                peer.write(ByteBuffer.wrap(new byte[] {9}));
                peer.shutdownOutput();
                ByteBuffer buffer = ByteBuffer.allocate(8);
                int n;
                while ((n = client.read(buffer)) >= 0) {
                    buffer.clear();
                    if (n == 0) {
                        selector.selectNow();
                    }
                }
            }
        }
    }

    private static void readToEnd(InputStream in) throws IOException {
        byte[] buffer = new byte[16];
        while (in.read(buffer, 0, buffer.length) >= 0) {
            // to the peer's FIN
        }
    }

    private interface Failing {
        void run() throws IOException;
    }

    private static void expectFailure(Failing action) {
        try {
            action.run();
        } catch (IOException expected) {
            return;
        }
        throw new AssertionError("expected a failure");
    }
}
