package io.socketleak.it.apps;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A client with a known script, run in its own JVM against a peer in another: 10 active closes,
 * 10 passive, 5 abortive, 4 sockets dropped without close, 7 left open at exit (36 opened).
 */
public final class ScriptedClient {
    private static final List<Socket> KEPT_OPEN = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        for (int i = 0; i < 10; i++) {
            try (Socket s = connect(port, 'R')) {
                s.getInputStream().readNBytes(2); // the reply; then we close first
            }
        }
        for (int i = 0; i < 10; i++) {
            try (Socket s = connect(port, 'P')) {
                InputStream in = s.getInputStream();
                while (in.read() >= 0) {
                    // the peer closes first
                }
            }
        }
        for (int i = 0; i < 5; i++) {
            Socket s = connect(port, 'H');
            s.setSoLinger(true, 0);
            s.close();
        }
        for (int i = 0; i < 4; i++) {
            connect(port, 'H'); // dropped
        }
        for (int i = 0; i < 7; i++) {
            KEPT_OPEN.add(connect(port, 'H'));
        }
        // Until the agent has found the 4 dropped sockets: its MXBean counts them.
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName agent = new ObjectName("io.socketleak:type=SocketLeakDetector");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while ((Long) server.getAttribute(agent, "CollectedUnclosed") < 4 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        System.out.println("script done");
    }

    private static Socket connect(int port, char command) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.getOutputStream().write(command);
        return s;
    }
}
