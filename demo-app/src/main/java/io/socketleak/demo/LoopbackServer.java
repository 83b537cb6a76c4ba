package io.socketleak.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny line-based server on 127.0.0.1 that the demo's clients talk to. It does everything right,
 * so whatever the agent reports against the clients is the clients' fault.
 *
 * <ul>
 *   <li>{@code hello} is answered with {@code hi}; the server then keeps the connection until the
 *       client hangs up (or stays silent for {@link #IDLE_TIMEOUT_MILLIS}), like a keep-alive server.</li>
 *   <li>{@code bye} is answered with {@code bye} and the server hangs up at once.</li>
 * </ul>
 *
 * <p>All its threads are daemons, so it never keeps the demo from exiting.
 */
final class LoopbackServer implements AutoCloseable {
    static final String HELLO = "hello";
    static final String BYE = "bye";
    /** Like a keep-alive timeout: a connection the client forgot does not hold the server forever. */
    static final int IDLE_TIMEOUT_MILLIS = 1000;

    private final ServerSocket listener;
    private final ExecutorService handlers = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "demo-server-connection");
        thread.setDaemon(true);
        return thread;
    });

    private LoopbackServer(ServerSocket listener) {
        this.listener = listener;
    }

    /** Listens on 127.0.0.1 on a free port; only this machine can reach it. */
    static LoopbackServer start() throws IOException {
        LoopbackServer server = new LoopbackServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread acceptor = new Thread(server::acceptAll, "demo-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptAll() {
        while (!listener.isClosed()) {
            try {
                Socket connection = listener.accept();
                handlers.execute(() -> serve(connection));
            } catch (IOException e) {
                return; // closed: the demo is over
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            connection.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = connection.getOutputStream();
            String request = in.readLine();
            if (HELLO.equals(request)) {
                out.write("hi\n".getBytes(StandardCharsets.US_ASCII));
                // Wait for the client to hang up first, so the client's close is the active one.
                while (in.read() != -1) {
                    // nothing more is expected; ignore it
                }
            } else if (BYE.equals(request)) {
                out.write("bye\n".getBytes(StandardCharsets.US_ASCII));
                // Returning closes the connection: the server hangs up first.
            }
        } catch (SocketTimeoutException e) {
            // the client went quiet without hanging up: drop the connection
        } catch (SocketException e) {
            // the client reset the connection: nothing to do
        } catch (IOException e) {
            System.err.println("demo server: " + e);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        handlers.shutdown();
    }
}
