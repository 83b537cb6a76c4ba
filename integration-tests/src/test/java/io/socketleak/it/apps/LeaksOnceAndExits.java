package io.socketleak.it.apps;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.management.ObjectName;

/**
 * Drops sockets without close() at one line (argument: how many, 1 by default), waits until the agent
 * has found them all, and exits: a short run with a leak, or a leak in a loop.
 */
public final class LeaksOnceAndExits {
    public static void main(String[] args) throws Exception {
        int leaks = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        try (ServerSocket server = WaitsForClientToClose.start(0)) {
            for (int i = 0; i < leaks; i++) {
                leak(server);
            }
            ObjectName agent = new ObjectName("io.socketleak:type=SocketLeakDetector");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while ((Long) ManagementFactory.getPlatformMBeanServer().getAttribute(agent, "Leaks") < leaks) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the agent found no leak within 30 s");
                }
                System.gc();
                Thread.sleep(20);
            }
        }
        System.out.println("main done");
    }

    private static void leak(ServerSocket server) throws Exception {
        new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()).getOutputStream().write(1);
    }
}
