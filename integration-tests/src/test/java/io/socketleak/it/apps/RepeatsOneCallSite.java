package io.socketleak.it.apps;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import javax.management.ObjectName;

/** Opens and closes N connections from one line; the agent has resolved its stack before the second. */
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
                // A report makes the agent resolve the stacks waiting, as its thread would a moment later.
                ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("io.socketleak:type=SocketLeakDetector"), "reportJson", null, null);
            }
        }
        System.out.println("done");
    }
}
