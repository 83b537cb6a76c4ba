package io.socketleak.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The classic socket mistakes, one method each. Every method is a complete, if wrong, client of
 * {@link LoopbackServer}; the agent reports each one with the line that opened the socket.
 */
final class Mistakes {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Sockets kept "for later" and never closed, as a home-made cache or pool with a bug would. */
    static final List<Socket> KEPT = new ArrayList<>();

    private Mistakes() {
    }

    /** 1. Reads the answer and returns it; the Socket is dropped without close(). */
    static String forgetToCloseSocket(int port) throws IOException {
        Step.announce(1, "forgetting to close a Socket");
        Socket socket = new Socket(LOOPBACK, port);
        return ask(socket, LoopbackServer.HELLO);
        // No close(): the file descriptor stays open until the GC finds the Socket, maybe minutes later.
    }

    /** 2. The same with a SocketChannel, which is worse: nothing ever closes a dropped channel. */
    static String forgetToCloseChannel(int port) throws IOException {
        Step.announce(2, "forgetting to close a SocketChannel");
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(LOOPBACK, port));
        channel.write(ByteBuffer.wrap((LoopbackServer.HELLO + "\n").getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer answer = ByteBuffer.allocate(64);
        while (channel.read(answer) >= 0 && !endsWithNewline(answer)) {
            // keep reading until the whole line is in
        }
        return new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII).trim();
        // No close(): channels have no cleaner, so this descriptor is lost until the JVM exits.
    }

    /**
     * 3. A new connection for every request, closed by the client first. Each close is correct, but
     * the side that closes first keeps the connection in TIME_WAIT (60 s on Linux), holding a local
     * port; at a few hundred requests a second to one server the ports run out.
     */
    static void newSocketPerRequest(int port, int requests) throws IOException {
        Step.announce(3, "opening a new Socket for each of " + requests + " requests, client closes first", 2);
        for (int i = 0; i < requests; i++) {
            try (Socket socket = new Socket(LOOPBACK, port)) {
                ask(socket, LoopbackServer.HELLO);
            } // the server is still waiting here, so this close is the active one: TIME_WAIT on our side
        }
    }

    /**
     * 4. The server hangs up, the client reads to the end (-1), yet keeps the socket open. The
     * connection sits in CLOSE_WAIT, holding its descriptor, until the process exits.
     */
    static void keepSocketAfterServerHungUp(int port, double holdSeconds) throws IOException, InterruptedException {
        Step.announce(4, "keeping a Socket open after the server hung up, for " + seconds(holdSeconds));
        Socket socket = new Socket(LOOPBACK, port);
        socket.getOutputStream().write((LoopbackServer.BYE + "\n").getBytes(StandardCharsets.US_ASCII));
        socket.getInputStream().readAllBytes(); // returns at end of stream: the server has closed
        KEPT.add(socket); // ... but the client never closes its side
        // Hold it longer than the agent's closeWaitAfter, so the agent reports it while we watch.
        Thread.sleep((long) (holdSeconds * 1000));
    }

    /** Sends one request line and reads the one-line answer, leaving the socket open. */
    static String ask(Socket socket, String request) throws IOException {
        socket.getOutputStream().write((request + "\n").getBytes(StandardCharsets.US_ASCII));
        BufferedReader in = new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        return in.readLine();
    }

    private static boolean endsWithNewline(ByteBuffer buffer) {
        return buffer.position() > 0 && buffer.get(buffer.position() - 1) == '\n';
    }

    private static String seconds(double seconds) {
        return (seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds)) + " s";
    }
}
