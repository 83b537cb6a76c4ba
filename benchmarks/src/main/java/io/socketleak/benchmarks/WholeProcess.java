package io.socketleak.benchmarks;

import io.socketleak.protocol.AgentProtocol;
import io.socketleak.protocol.JsonReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Measurements of a whole JVM, each run by {@link Suite} in a child JVM started with or without an
 * agent. Results go to standard output as lines {@code result <key> <value>}.
 *
 * <ul>
 *   <li>{@code startupOneSocket [check]}: opens and closes one loopback connection; timed from start
 *       to exit, the start-up cost (the socket classes load and, with the agent, are instrumented);
 *   <li>{@code startupHeld [check]}: the same with {@value #HELD_CONNECTIONS} connections held open
 *       for {@value #HELD_MILLIS} ms. With {@code check}, the agent's self-check is printed (it makes
 *       the platform MBean server, which a timed run must not pay for);
 *   <li>{@code heap <n>}: heap retained by {@code n} open client sockets;
 *   <li>{@code report <sockets> <callSites>}: time to build the MXBean's reports;
 *   <li>{@code churn <connections> <every>}: used heap, sampled while connections open and close.
 * </ul>
 */
public final class WholeProcess {
    private static final ObjectName DETECTOR = objectName(AgentProtocol.OBJECT_NAME);
    private static final ObjectName DIAGNOSTICS = objectName("com.sun.management:type=DiagnosticCommand");
    private static final String TOTAL = "(total)";
    /** The agent turns stacks into call sites within 200 ms; this leaves it ample time. */
    private static final long SETTLE_MILLIS = 1_000;
    /** Connections of {@code startupHeld}: twice as many descriptors, both ends are in this JVM. */
    static final int HELD_CONNECTIONS = 1_000;
    static final long HELD_MILLIS = 2_000;

    private WholeProcess() {
    }

    public static void main(String[] args) throws Exception {
        boolean check = args.length > 1 && args[1].equals("check");
        switch (args[0]) {
            case "startupOneSocket" -> startupOneSocket(check);
            case "startupHeld" -> startupHeld(check);
            case "heap" -> heap(Integer.parseInt(args[1]));
            case "report" -> report(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "churn" -> churn(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("unknown measurement " + args[0]);
        }
    }

    private static void startupOneSocket(boolean check) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, loopback);
             Socket client = new Socket(loopback, server.getLocalPort());
             Socket accepted = server.accept()) {
            client.getOutputStream().write(1);
            accepted.getInputStream().read();
        }
        if (check) {
            agentHealth();
        }
    }

    private static void startupHeld(boolean check) throws Exception {
        long needed = 2L * HELD_CONNECTIONS + 1_000; // and room for the JVM's own
        if (openFileLimit() < needed) {
            throw new IllegalStateException("needs " + needed + " descriptors, ulimit -n is " + openFileLimit());
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Socket[] clients = new Socket[HELD_CONNECTIONS];
        Socket[] accepted = new Socket[HELD_CONNECTIONS];
        try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
            for (int i = 0; i < HELD_CONNECTIONS; i++) {
                clients[i] = new Socket(loopback, server.getLocalPort());
                accepted[i] = server.accept();
                // Reset at close: a normal close leaves TIME_WAIT entries in the kernel's table, which
                // the agent's thread reads, so each run would pay for the runs before it.
                accepted[i].setSoLinger(true, 0);
            }
            Thread.sleep(HELD_MILLIS);
            if (check) {
                agentHealth();
            }
            closeAll(accepted);
            closeAll(clients);
        }
    }

    private static void heap(int requested) throws Exception {
        // Each connection is one descriptor here (the server is another process); leave room.
        int n = (int) Math.min(requested, openFileLimit() - 1_000);
        try (OtherEnd server = OtherEnd.server(ServerPorts.COUNT, false)) {
            List<InetSocketAddress> ports = server.addresses();
            // Warm up: classes loaded, code compiled, and the agent has interned this call site.
            Socket[] sockets = new Socket[n];
            for (int i = 0; i < Math.min(n, 1_000); i++) {
                sockets[i] = openHeld(ports.get(i % ports.size()));
            }
            closeAll(sockets);
            Thread.sleep(SETTLE_MILLIS);
            Map<String, Long> before = liveHeapByClass();
            for (int i = 0; i < n; i++) {
                sockets[i] = openHeld(ports.get(i % ports.size()));
            }
            Thread.sleep(SETTLE_MILLIS);
            Map<String, Long> after = liveHeapByClass();
            result("sockets", n);
            result("bytesPerSocket", (after.get(TOTAL) - before.get(TOTAL)) / n);
            result("growthByClass", largestGrowth(before, after, n));
            agentHealth();
            closeAll(sockets);
        }
    }

    private static void report(int sockets, int callSites) throws Exception {
        if (!agentPresent()) {
            result("agent", "absent");
            return;
        }
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        try (OtherEnd server = OtherEnd.server(ServerPorts.COUNT, false)) {
            List<InetSocketAddress> ports = server.addresses();
            Socket[] open = new Socket[sockets];
            for (int i = 0; i < sockets; i++) {
                open[i] = openThroughSite(i % callSites, 3, ports.get(i % ports.size()));
            }
            Thread.sleep(SETTLE_MILLIS);
            String json = "";
            for (int i = 0; i < 3; i++) { // warm-up
                json = (String) mbeans.invoke(DETECTOR, "reportJson", null, null);
                mbeans.invoke(DETECTOR, "report", null, null);
            }
            int runs = 11;
            double[] jsonMillis = new double[runs];
            double[] textMillis = new double[runs];
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                json = (String) mbeans.invoke(DETECTOR, "reportJson", null, null);
                jsonMillis[i] = (System.nanoTime() - start) / 1e6;
                start = System.nanoTime();
                mbeans.invoke(DETECTOR, "report", null, null);
                textMillis[i] = (System.nanoTime() - start) / 1e6;
            }
            result("reportJsonMillis", format(median(jsonMillis)));
            result("reportJsonMaxMillis", format(Arrays.stream(jsonMillis).max().orElse(0)));
            result("reportTextMillis", format(median(textMillis)));
            result("reportJsonBytes", json.length());
            Map<String, Object> parsed = JsonReader.parseObject(json);
            result("openSocketsInReport", parsed.get("openSockets"));
            result("callSitesInReport", ((List<?>) parsed.get("callSites")).size());
            agentHealth();
            closeAll(open);
        }
    }

    private static void churn(int connections, int every) throws Exception {
        try (OtherEnd server = OtherEnd.server(ServerPorts.COUNT, false)) {
            List<InetSocketAddress> ports = server.addresses();
            List<String> samples = new ArrayList<>();
            samples.add(Long.toString(liveHeap()));
            long connecting = 0; // the time spent connecting, without the heap samples
            for (int i = 1; i <= connections; i++) {
                long start = System.nanoTime();
                Connections.connectWriteClose(Connections.SOCKET, ports.get(i % ports.size()));
                connecting += System.nanoTime() - start;
                if (i % every == 0) {
                    samples.add(Long.toString(liveHeap()));
                }
            }
            double seconds = connecting / 1e9;
            result("connections", connections);
            result("connectionsPerSecond", Math.round(connections / seconds));
            result("usedHeapSamples", String.join(",", samples));
            agentHealth();
        }
    }

    private static Socket openHeld(InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        socket.connect(server);
        return socket;
    }

    /**
     * Opens a connection through one of up to 1,000 distinct call sites. The agent identifies a call
     * site by the first application frame and the four frames above it; here those are
     * {@link #openHeld} and three levels of this method, each entered from the line its digit of
     * {@code site} selects. Three digits, ten lines each: 1,000 distinct stacks.
     */
    private static Socket openThroughSite(int site, int levels, InetSocketAddress server) throws IOException {
        if (levels == 0) {
            return openHeld(server);
        }
        int rest = site / 10;
        int below = levels - 1;
        return switch (site % 10) {
            case 0 -> openThroughSite(rest, below, server);
            case 1 -> openThroughSite(rest, below, server);
            case 2 -> openThroughSite(rest, below, server);
            case 3 -> openThroughSite(rest, below, server);
            case 4 -> openThroughSite(rest, below, server);
            case 5 -> openThroughSite(rest, below, server);
            case 6 -> openThroughSite(rest, below, server);
            case 7 -> openThroughSite(rest, below, server);
            case 8 -> openThroughSite(rest, below, server);
            default -> openThroughSite(rest, below, server);
        };
    }

    private static void closeAll(Socket[] sockets) throws IOException {
        for (int i = 0; i < sockets.length; i++) {
            if (sockets[i] != null) {
                sockets[i].close();
                sockets[i] = null;
            }
        }
    }

    /**
     * Bytes of live objects per class, and their sum under {@link #TOTAL}, from the class histogram
     * (what {@code jcmd GC.class_histogram} prints; it collects first). The memory pools' "used"
     * after {@code System.gc()} proved off by a megabyte or more from one call to the next, too
     * coarse for a few hundred bytes per socket.
     */
    private static Map<String, Long> liveHeapByClass() throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(DIAGNOSTICS,
                "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, Long> bytes = new HashMap<>();
        for (String line : histogram.split("\n", -1)) {
            // "   1:   12345   678900  java.lang.String (java.base@17)" and "Total   123456   7890000"
            String[] parts = line.trim().split("\\s+", -1);
            if (parts.length >= 4 && parts[0].endsWith(":")) {
                bytes.merge(parts[3], Long.parseLong(parts[2]), Long::sum);
            } else if (parts.length == 3 && parts[0].equals("Total")) {
                bytes.put(TOTAL, Long.parseLong(parts[2]));
            }
        }
        return bytes;
    }

    private static long liveHeap() throws Exception {
        return liveHeapByClass().get(TOTAL);
    }

    /** The classes that grew most, as "class:bytes per socket" pairs. */
    private static String largestGrowth(Map<String, Long> before, Map<String, Long> after, int n) {
        return after.entrySet().stream()
                .filter(e -> !e.getKey().equals(TOTAL))
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(8)
                .map(e -> e.getKey() + ":" + e.getValue() / n)
                .collect(Collectors.joining(","));
    }

    /** What the agent says about itself, so a cheap result can be told from a broken one. */
    private static void agentHealth() throws Exception {
        if (!agentPresent()) {
            return;
        }
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        result("agentOpened", mbeans.getAttribute(DETECTOR, "Opened"));
        result("agentMissingHooks", ((String[]) mbeans.getAttribute(DETECTOR, "MissingHooks")).length);
        String json = (String) mbeans.invoke(DETECTOR, "reportJson", null, null);
        Map<String, Object> report = JsonReader.parseObject(json);
        result("agentSwallowedFailures", ((Map<?, ?>) report.get("agent")).get("swallowedFailures"));
        result("agentNotStoredOpen", report.get("notStoredOpen"));
    }

    /** The agent registers its MXBean when the platform MBean server is made: here, if not before. */
    private static boolean agentPresent() {
        return ManagementFactory.getPlatformMBeanServer().isRegistered(DETECTOR);
    }

    private static long openFileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+", -1)[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return Long.MAX_VALUE;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String format(double millis) {
        return String.format(Locale.ROOT, "%.2f", millis);
    }

    private static void result(String key, Object value) {
        System.out.println("result " + key + " " + value);
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
