package io.socketleak.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A long-running application for operations tests: holds one connection from the start, opens
 * another each time it reads a line on standard input, and exits at end of input.
 */
public final class HoldsSockets {
    private static final List<Socket> KEPT = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        openPair(server);
        System.out.println("ready " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            openPair(server);
            System.out.println("opened");
        }
    }

    static void openPair(ServerSocket server) throws Exception {
        KEPT.add(new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        KEPT.add(server.accept());
    }
}
