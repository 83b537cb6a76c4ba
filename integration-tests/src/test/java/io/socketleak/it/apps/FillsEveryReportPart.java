package io.socketleak.it.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.socketleak.protocol.AgentProtocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Gives every part of the agent's report something to show. Started without the agent, it holds a
 * listener and a connection to it (sockets from before the attach). Told {@code go} on standard input
 * once the agent is attached, it opens a listener and, to it, closes connections actively and
 * abortively (the server's ends close passively), drops two sockets without close() at one line,
 * leaves one in CLOSE_WAIT and keeps one open until exit. It waits, asking the agent's MXBean, until
 * the agent has seen all of that (and sampled a destination's history), prints {@code done} (or what
 * it still waits for) and exits.
 */
public final class FillsEveryReportPart {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Sockets that stay open until exit. */
    private static final List<Object> KEPT = Collections.synchronizedList(new ArrayList<>());

    public static void main(String[] args) throws Exception {
        ServerSocket before = new ServerSocket(0, 50, LOOPBACK);
        KEPT.add(before);
        KEPT.add(new Socket(LOOPBACK, before.getLocalPort()));
        KEPT.add(before.accept());
        System.out.println("ready " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"go".equals(in.readLine())) {
            return;
        }
        Agent agent = new Agent();
        if (!agent.ready()) {
            System.out.println("the agent's MXBean never appeared");
            return;
        }

        int port = serve();
        for (int i = 0; i < 3; i++) {
            connect(port, 'E').close(); // this side closes first: active; the server's end then closes passively
        }
        Socket reset = connect(port, 'E');
        reset.setSoLinger(true, 0);
        reset.close();
        for (int i = 1; i <= 2; i++) {
            drop(port);
            int dropped = i;
            // One at a time, so that the warning is of the first alone and the second is only counted.
            if (!agent.shows("dropped socket " + i + " as collected", r -> leak(r, "collected", "drop(", dropped))) {
                return;
            }
        }
        Socket hungUp = connect(port, 'H');
        InputStream hungUpIn = hungUp.getInputStream();
        while (hungUpIn.read() >= 0) {
            // to the server's end of stream, then kept open: CLOSE_WAIT
        }
        KEPT.add(hungUp);
        KEPT.add(connect(port, 'K'));

        boolean all = agent.shows("a closeWait leak", r -> leak(r, "closeWait", "FillsEveryReportPart.main(", 1))
                && agent.shows("the sockets from before the attach", r -> r.get("openedBeforeAttach").size() >= 3)
                && agent.shows("a destination closed first, and the kernel's count for it", r -> {
                    for (JsonNode d : r.get("destinations")) {
                        if (d.get("topCallSites").size() > 0 && !d.get("hostTimeWait").isNull()) {
                            return true;
                        }
                    }
                    return false;
                })
                && agent.shows("a destination's history", r -> r.get("history").get("destinations").size() > 0);
        if (all) {
            System.out.println("done");
        }
    }

    /** The agent attached to this JVM, asked through its MXBean. */
    private static final class Agent {
        private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        private final ObjectName name;
        private final ObjectMapper json = new ObjectMapper();

        Agent() throws Exception {
            name = new ObjectName(AgentProtocol.OBJECT_NAME);
        }

        /** Whether the MXBean is there: it is registered once the hooks are in. */
        boolean ready() throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!server.isRegistered(name)) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(20);
            }
            return true;
        }

        /** Waits until the report shows it, collecting garbage between tries; says so if it never does. */
        boolean shows(String what, Predicate<JsonNode> condition) throws Exception {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (true) {
                System.gc(); // lets the collector find the dropped sockets
                JsonNode report = json.readTree((String) server.invoke(name, "reportJson", null, null));
                if (condition.test(report)) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    System.out.println("the agent never showed " + what + ": " + report);
                    return false;
                }
                Thread.sleep(50);
            }
        }
    }

    private static boolean leak(JsonNode report, String kind, String frame, int count) {
        for (JsonNode leak : report.get("leaks")) {
            if (leak.get("kind").asText().equals(kind) && leak.get("frames").toString().contains(frame)
                    && (leak.has("count") ? leak.get("count").asInt() : 1) >= count) {
                return true;
            }
        }
        return false;
    }

    /** Dropped without close(), at one line for both. */
    private static void drop(int port) throws IOException {
        connect(port, 'K');
    }

    private static Socket connect(int port, char mode) throws IOException {
        Socket s = new Socket(LOOPBACK, port);
        s.getOutputStream().write(mode);
        return s;
    }

    /**
     * A listener whose each connection says what to do with its first byte: {@code E} read to the
     * client's end of stream and close, {@code H} hang up at once, {@code K} keep it open.
     */
    private static int serve() throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, LOOPBACK);
        KEPT.add(listener);
        daemon(() -> {
            while (true) {
                Socket s;
                try {
                    s = listener.accept();
                } catch (IOException e) {
                    return;
                }
                daemon(() -> handle(s));
            }
        });
        return listener.getLocalPort();
    }

    private static void handle(Socket s) {
        try {
            InputStream in = s.getInputStream();
            int mode = in.read();
            if (mode == 'K') {
                KEPT.add(s);
                return;
            }
            if (mode == 'E') {
                while (in.read() >= 0) {
                    // until the client's FIN
                }
            }
            s.close();
        } catch (IOException e) {
            // a reset: the abortive close
            try {
                s.close();
            } catch (IOException ignored) {
                // closed
            }
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "fills-every-report-part");
        t.setDaemon(true);
        t.start();
    }
}
