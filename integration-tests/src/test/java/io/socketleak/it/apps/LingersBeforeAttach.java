package io.socketleak.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Connects to a peer with SO_LINGER 0 before any agent is there, then closes that connection (an
 * abortive close) when it reads a line on standard input; exits at end of input.
 */
public final class LingersBeforeAttach {
    public static void main(String[] args) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]));
        socket.setSoLinger(true, 0);
        System.out.println("ready " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            socket.close();
            System.out.println("closed");
        }
    }
}
