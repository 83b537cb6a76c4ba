package io.socketleak.it.apps;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.management.ObjectName;

/**
 * A run worth a page: drops one socket without close() (printing the line, {@code leak line: N}),
 * waits until the agent has found it collected, then makes short connections to its own loopback
 * server for a while (argument: seconds, 3 by default; the client closes first, so TIME_WAIT piles up),
 * and idles a little more so that the agent's history samples the tail.
 */
public final class LeaksOneAndChurns {
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        try (ServerSocket server = WaitsForClientToClose.start(0)) {
            leak(server.getLocalPort());
            ObjectName agent = new ObjectName("io.socketleak:type=SocketLeakDetector");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while ((Long) ManagementFactory.getPlatformMBeanServer().getAttribute(agent, "Leaks") < 1) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the agent found no leak within 30 s");
                }
                System.gc();
                Thread.sleep(20);
            }
            long end = System.nanoTime() + (long) (seconds * 1e9);
            int connections = 0;
            while (System.nanoTime() < end) {
                churn(server.getLocalPort());
                connections++;
                Thread.sleep(10);
            }
            System.out.println("connections: " + connections);
            Thread.sleep(1500);
        }
        System.out.println("main done");
    }

    private static void leak(int port) throws Exception {
        System.out.println("leak line: " + (new Throwable().getStackTrace()[0].getLineNumber() + 1));
        new Socket(InetAddress.getLoopbackAddress(), port).getOutputStream().write(1);
    }

    private static void churn(int port) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(1);
        }
    }
}
