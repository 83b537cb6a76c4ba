package io.socketleak.it.apps;

import java.net.InetAddress;
import java.net.Socket;

/** Opens and closes N connections from one line, pausing after the first so the agent resolves its stack. */
public final class RepeatsOneCallSite {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        for (int i = 0; i < count; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write('R');
                s.getInputStream().readNBytes(2);
            }
            if (i == 0) {
                Thread.sleep(1000); // the agent's thread runs every 100 ms
            }
        }
        System.out.println("done");
    }
}
