package io.socketleak.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The far end of the benchmarks' loopback connections, in a JVM of its own without any agent.
 *
 * <p>Why a separate process and not a thread of the measured JVM: with the agent attached, a server
 * in the same JVM would be tracked too, so every connection would cost two tracked sockets and the
 * measured overhead would be double what an application that only connects pays. Its threads and
 * garbage would also run inside the measured JVM.
 *
 * <p>It stops by itself: it exits when its standard input ends, which happens when the JVM that
 * started it closes the pipe or dies.
 */
public final class OtherEnd implements AutoCloseable {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final Process process;
    private final List<InetSocketAddress> addresses;

    private OtherEnd(Process process, List<InetSocketAddress> addresses) {
        this.process = process;
        this.addresses = addresses;
    }

    /**
     * A server on {@code ports} loopback ports that reads each connection to its end and then
     * closes it; with {@code echo}, it first sends back every byte it reads. Connections stay open
     * for as long as the client keeps them open.
     */
    public static OtherEnd server(int ports, boolean echo) throws IOException {
        return start(List.of(echo ? "echo" : "drain", Integer.toString(ports)));
    }

    /**
     * Clients that connect to {@code port} over and over on {@code threads} threads: each writes one
     * byte, shuts its output down, waits for the server to close, then closes. Waiting for the
     * server keeps the accept queue short, so it never overflows.
     */
    public static OtherEnd clients(int port, int threads) throws IOException {
        return start(List.of("connect", Integer.toString(port), Integer.toString(threads)));
    }

    public List<InetSocketAddress> addresses() {
        return addresses;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    private static OtherEnd start(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), OtherEnd.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        // First line: "ready" and the ports it listens on (none for clients).
        BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        String line = out.readLine();
        if (line == null || !line.startsWith("ready")) {
            process.destroyForcibly();
            throw new IOException("the other end did not start: " + line);
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String port : line.substring("ready".length()).trim().split(" ", -1)) {
            if (!port.isEmpty()) {
                addresses.add(new InetSocketAddress(LOOPBACK, Integer.parseInt(port)));
            }
        }
        return new OtherEnd(process, List.copyOf(addresses));
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "drain", "echo" -> startServer(Integer.parseInt(args[1]), args[0].equals("echo"));
            case "connect" -> startClients(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("unknown role " + args[0]);
        }
        InputStream in = System.in;
        while (in.read() >= 0) {
            // The parent never writes; end of input is the signal to stop.
        }
        System.exit(0);
    }

    private static final int ACCEPT_BATCH = 64;

    private static void startServer(int ports, boolean echo) throws IOException {
        Selector selector = Selector.open();
        StringBuilder ready = new StringBuilder("ready");
        for (int i = 0; i < ports; i++) {
            ServerSocketChannel server = ServerSocketChannel.open();
            // A long queue: the client closes without waiting, so bursts must not be refused.
            server.bind(new InetSocketAddress(LOOPBACK, 0), 4096);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            ready.append(' ').append(((InetSocketAddress) server.getLocalAddress()).getPort());
        }
        Thread thread = new Thread(() -> serve(selector, echo), "other-end-server");
        thread.setDaemon(true);
        thread.start();
        System.out.println(ready);
        System.out.flush();
    }

    private static void serve(Selector selector, boolean echo) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (true) {
                selector.select();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isAcceptable()) {
                        acceptAll((ServerSocketChannel) key.channel(), selector);
                    } else if (key.isReadable()) {
                        readFrom(key, buffer, echo);
                    }
                }
            }
        } catch (IOException e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    /**
     * Accepts what is queued, a batch at a time. A closed channel's descriptor is only released by the
     * selector's next select(): accepting without a pause would let the clients (who close first)
     * run this process out of descriptors. Out of them anyway, it stops accepting until reads have
     * closed some: the rest wait in the queue.
     */
    private static void acceptAll(ServerSocketChannel server, Selector selector) throws IOException {
        SocketChannel connection;
        for (int i = 0; i < ACCEPT_BATCH; i++) {
            try {
                connection = server.accept();
            } catch (IOException outOfDescriptors) {
                return;
            }
            if (connection == null) {
                return;
            }
            connection.configureBlocking(false);
            connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connection.register(selector, SelectionKey.OP_READ);
        }
    }

    private static void readFrom(SelectionKey key, ByteBuffer buffer, boolean echo) throws IOException {
        SocketChannel connection = (SocketChannel) key.channel();
        int n;
        try {
            n = connection.read(buffer.clear());
        } catch (IOException reset) {
            n = -1;
        }
        if (n < 0) {
            key.cancel();
            connection.close();
            return;
        }
        if (echo) {
            buffer.flip();
            // Echoed messages are small and the client reads each reply before it sends more, so
            // the send buffer always has room and this loop does not spin.
            while (buffer.hasRemaining()) {
                connection.write(buffer);
            }
        }
    }

    private static void startClients(int port, int threads) {
        InetSocketAddress server = new InetSocketAddress(LOOPBACK, port);
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(() -> connectRepeatedly(server), "other-end-client-" + i);
            thread.setDaemon(true);
            thread.start();
        }
        System.out.println("ready");
        System.out.flush();
    }

    private static void connectRepeatedly(InetSocketAddress server) {
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(server);
                OutputStream out = socket.getOutputStream();
                out.write(1);
                socket.shutdownOutput();
                InputStream in = socket.getInputStream();
                while (in.read() >= 0) {
                    // Wait for the server's close.
                }
            } catch (ConnectException refused) {
                // The measured server has gone (end of trial): stop; standard input ends soon.
                return;
            } catch (IOException e) {
                // A reset or a momentary shortage of ports: the benchmark still waits in accept.
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
