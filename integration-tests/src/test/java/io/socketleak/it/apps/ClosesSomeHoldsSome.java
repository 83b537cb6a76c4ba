package io.socketleak.it.apps;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Known counts for a monitoring system to read: {@code closed} connections to one server, each closed
 * by this side first once the server answered, then {@code held} connections to another, left open
 * until standard input ends. Args: closePort closed holdPort held. Talks {@code PeerServer}'s language.
 */
public final class ClosesSomeHoldsSome {
    public static void main(String[] args) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int closePort = Integer.parseInt(args[0]);
        int closed = Integer.parseInt(args[1]);
        int holdPort = Integer.parseInt(args[2]);
        int held = Integer.parseInt(args[3]);
        for (int i = 0; i < closed; i++) {
            try (Socket socket = new Socket(loopback, closePort)) {
                socket.getOutputStream().write('R'); // the server replies, then waits for our FIN
                if (socket.getInputStream().readNBytes(2).length != 2) {
                    throw new IllegalStateException("no reply from the server");
                }
            }
        }
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < held; i++) {
            Socket socket = new Socket(loopback, holdPort);
            socket.getOutputStream().write('H'); // held until we close
            open.add(socket);
        }
        System.out.println("ready");
        InputStream in = System.in;
        while (in.read() >= 0) {
            // until the test is done
        }
        for (Socket socket : open) {
            socket.close();
        }
    }
}
