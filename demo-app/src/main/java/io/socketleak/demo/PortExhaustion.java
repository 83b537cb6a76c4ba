package io.socketleak.demo;

import java.io.File;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * 6. Running out of local ports, for real: short connections to one server, the client closing
 * first, 40 a second, in a private network namespace whose ephemeral range holds 200 ports and
 * where TIME_WAIT ports are never reused. Every close holds its port for 60 s, so the kernel refuses
 * the 201st connect; the agent warns well before, naming the line that closes first.
 *
 * <p>A namespace needs root: as another user this step only says how to run it.
 */
final class PortExhaustion {
    static final int SERVER_PORT = 5000; // outside the ephemeral range, so it takes none of its ports
    static final String NAMESPACE_SETUP = "ip link set lo up"
            + " && echo '40000 40199' > /proc/sys/net/ipv4/ip_local_port_range"
            + " && echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse";

    private PortExhaustion() {
    }

    /** Runs this step in a child JVM inside a new network namespace, with the same agent attached. */
    static void runInNamespace() throws Exception {
        Step.announce(6, "running out of local ports: 40 short connections a second to one server, in a "
                + "private network namespace with 200 ephemeral ports", "PortExhaustion.oneShortConnection");
        if (!"root".equals(System.getProperty("user.name")) || !new File("/usr/bin/unshare").canExecute()) {
            System.out.println("demo: step 6 skipped: it needs root, unshare(1) and ip(8) to make a private network"
                    + " namespace (try the same command with sudo)");
            return;
        }
        List<String> command = new ArrayList<>(List.of("unshare", "-n", "sh", "-c",
                NAMESPACE_SETUP + " && exec \"$@\"", "sh",
                ProcessHandle.current().info().command().orElse("java")));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments()); // the -javaagent too
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PortExhaustion.class.getName()));
        Process child = new ProcessBuilder(command).inheritIO().start();
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            System.out.println("demo: step 6 did not finish within 60 s");
        } else if (child.exitValue() != 0) {
            System.out.println("demo: step 6 could not run (exit " + child.exitValue() + "): is ip(8) installed?");
        }
    }

    /** Inside the namespace: churn until the kernel refuses. */
    public static void main(String[] args) throws Exception {
        ServerSocket server = new ServerSocket(SERVER_PORT, 100, InetAddress.getLoopbackAddress());
        Thread peer = new Thread(() -> {
            while (true) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    while (in.read() >= 0) {
                        // wait for the client to close first
                    }
                } catch (Exception e) {
                    return;
                }
            }
        }, "demo-port-server");
        peer.setDaemon(true);
        peer.start();
        for (int n = 1; n <= 1000; n++) {
            Thread.sleep(25);
            try {
                oneShortConnection();
            } catch (SocketException e) {
                System.out.println("demo: connection " + n + " refused by the kernel: " + e.getMessage());
                Thread.sleep(500); // let the agent log its report at the failure
                return;
            }
            if (n % 50 == 0) {
                System.out.println("demo: " + n + " connections opened and closed");
            }
        }
    }

    private static void oneShortConnection() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), SERVER_PORT)) {
            socket.getOutputStream().write('x');
        } // closed first by the client: its port stays in TIME_WAIT for 60 s
    }
}
