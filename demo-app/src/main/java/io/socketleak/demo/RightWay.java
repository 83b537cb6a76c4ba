package io.socketleak.demo;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The same kind of request as in {@link Mistakes}, done right, for contrast. */
final class RightWay {
    private RightWay() {
    }

    /**
     * 5. try-with-resources closes the socket whatever happens. The server hangs up first and the
     * client reads to the end before closing, so TIME_WAIT lands on the server, not on this client.
     */
    static String fetch(int port) throws IOException {
        Step.announce(5, "the right way: try-with-resources, read to the end, close");
        try (Socket socket = new Socket(Mistakes.LOOPBACK, port)) {
            socket.getOutputStream().write((LoopbackServer.BYE + "\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }
}
