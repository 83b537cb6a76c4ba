package io.socketleak.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback peer whose behaviour for each connection is chosen by the client's first byte, so a
 * test decides who closes first and how:
 * <ul>
 *   <li>{@code 'R'}: reply {@code "ok"}, then wait for the client to close (read to end of stream).</li>
 *   <li>{@code 'P'}: reply {@code "bye"} and close at once: the peer closes first.</li>
 *   <li>{@code 'C'}: close at once without a reply: only the peer's FIN arrives.</li>
 *   <li>{@code 'D'}: send 100 bytes, wait for the client to close, and close 300 ms later: the JDK
 *       sends FIN just before it closes, and a peer answering at once could end the connection
 *       in TIME_WAIT before the client's reset.</li>
 *   <li>anything else: hold the connection open until the client closes.</li>
 * </ul>
 * Runs on daemon threads and also as a separate process ({@link #main}).
 */
public final class PeerServer implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicBoolean running = new AtomicBoolean(true);

    public PeerServer() throws IOException {
        this(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()));
    }

    public PeerServer(ServerSocket server) {
        this.server = server;
        Thread acceptor = new Thread(this::acceptLoop, "peer-server-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (running.get()) {
            try {
                Socket socket = server.accept();
                Thread handler = new Thread(() -> serve(socket), "peer-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            int command = in.read();
            switch (command) {
                case 'R' -> {
                    out.write("ok".getBytes(StandardCharsets.US_ASCII));
                    drain(in);
                }
                case 'P' -> out.write("bye".getBytes(StandardCharsets.US_ASCII));
                case 'C' -> {
                    // close without a word
                }
                case 'D' -> {
                    out.write(new byte[100]);
                    drain(in);
                    Thread.sleep(300);
                }
                default -> drain(in);
            }
        } catch (IOException | InterruptedException ignored) {
            // the client reset the connection: nothing to serve
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // until the client's FIN
        }
    }

    @Override
    public void close() throws IOException {
        running.set(false);
        server.close();
    }

    /** As a separate process: prints the port, serves until standard input closes. */
    public static void main(String[] args) throws Exception {
        try (PeerServer peer = new PeerServer()) {
            System.out.println(peer.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes our stdin
            }
        }
    }
}
