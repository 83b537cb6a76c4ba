package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.FdHog;
import io.socketleak.it.apps.PortChurn;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import io.socketleak.it.support.KernelTcp;
import io.socketleak.it.support.Namespaces;
import io.socketleak.it.support.PeerServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The port and descriptor budgets against real kernels: port exhaustion in a private network
 * namespace with a 100-port range, descriptor exhaustion under a low {@code ulimit -n}.
 */
class PortBudgetTest {
    private static final String SMALL_RANGE = "echo '40000 40099' > /proc/sys/net/ipv4/ip_local_port_range";
    private static final String NO_TW_REUSE = "echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse";

    @TempDir
    Path dir;

    @Test
    void warningNamesTheDestinationBeforeThePortsRunOutAndTheFailureIsReported() throws Exception {
        ChildJvm.Result run = churnInNamespace("10");
        List<String> log = run.stderrLines();
        int warning = indexOf(log, "PORTS to 127.0.0.1:5000");
        int refused = indexOf(log, "churn: refused at #");
        assertTrue(warning >= 0, "a port warning for 127.0.0.1:5000:\n" + run.stderr());
        assertTrue(refused >= 0, "the kernel should refuse once the 100 ports are in TIME_WAIT:\n" + run.stderr());
        assertTrue(warning < refused, "the warning comes before the first refusal");
        // By the time 80 of the 100 ports are in use: before the 81st connection is attempted.
        int connecting81 = indexOf(log, "churn: connecting #81");
        assertTrue(warning < connecting81, "warned by the 80th port:\n" + String.join("\n", log.subList(0, refused)));
        assertTrue(log.get(warning).contains("of 100 local ports"), log.get(warning));
        // warnAt=0.8: the first warning at 80 of the 100 ports or more, then again only 5 more points on.
        List<Integer> levels = new ArrayList<>();
        for (String line : log.subList(0, refused)) {
            Matcher level = WARNED_LEVEL.matcher(line);
            if (level.find()) {
                levels.add(Integer.parseInt(level.group(1)));
            }
        }
        assertTrue(!levels.isEmpty() && levels.get(0) >= 80 && levels.get(0) < 85, "first warned at " + levels);
        for (int i = 1; i < levels.size(); i++) {
            assertTrue(levels.get(i) >= levels.get(i - 1) + 5, "a repeat only 5 points further: " + levels);
        }
        assertTrue(levels.size() >= 2, "it kept filling to 100: warned again on the way " + levels);
        assertTrue(String.join("\n", log.subList(warning, refused)).contains("PortChurn.main(PortChurn.java:"),
                "the warning names the call site that closes first");
        Matcher refusedAt = Pattern.compile("refused at #(\\d+): (.*)").matcher(log.get(refused));
        assertTrue(refusedAt.find());
        assertEquals(101, Integer.parseInt(refusedAt.group(1)), "100 ports, the 101st connect fails");
        assertEquals("Cannot assign requested address", refusedAt.group(2));

        // From the refused connect on: the agent's thread may report it before the application prints it.
        int refusedConnect = indexOf(log, "churn: connecting #101");
        String afterRefusal = String.join("\n", log.subList(refusedConnect, log.size()));
        assertTrue(afterRefusal.contains("the kernel refused a connection"), "a report at the failure:\n"
                + afterRefusal);
        assertTrue(afterRefusal.contains("at io.socketleak.it.apps.PortChurn.main(PortChurn.java:")
                || afterRefusal.contains("active closes at io.socketleak.it.apps.PortChurn.main(PortChurn.java:"),
                "the report at the failure names the call site:\n" + afterRefusal);
    }

    /** Short connections to one server at this rate, closed first, in a namespace of 100 ports, until refused. */
    private static ChildJvm.Result churnInNamespace(String perSecond) throws Exception {
        assumeTrue(Namespaces.available(), Namespaces.WHY_NOT);
        return new ChildJvm().inNetworkNamespace(SMALL_RANGE, NO_TW_REUSE).withAgent("interval=0,warnAt=0.8")
                .run(PortChurn.class, "5000", perSecond, "200");
    }

    private static final Pattern WARNED_LEVEL = Pattern.compile("PORTS to 127\\.0\\.0\\.1:5000 \\d+% used: (\\d+) of 100 local ports");

    private static final Pattern BURST_WARNING =
            Pattern.compile("filling at ([0-9.]+) active closes/s \\(over the last ([0-9.]+) s\\), (in [^,.]+) until");

    /**
     * 100 connections closed first within a fifth of a second: the warning's rate is the burst's own,
     * not diluted over ten seconds, and so is the time it gives before connects fail.
     */
    @Test
    void aBurstIsWarnedOfAtItsOwnRate() throws Exception {
        ChildJvm.Result run = churnInNamespace("500");
        List<String> log = run.stderrLines();
        int warning = indexOf(log, "PORTS to 127.0.0.1:5000");
        assertTrue(warning >= 0, "a port warning for 127.0.0.1:5000:\n" + run.stderr());
        Matcher rate = BURST_WARNING.matcher(log.get(warning));
        assertTrue(rate.find(), log.get(warning));
        // 80 closes in at most a few tenths of a second: over ten seconds that would read 8 a second.
        assertTrue(Double.parseDouble(rate.group(1)) >= 40, log.get(warning));
        assertTrue(Double.parseDouble(rate.group(2)) <= 2, "the window is the burst's: " + log.get(warning));
        assertEquals("in less than a second", rate.group(3), log.get(warning));
    }

    @Test
    void aBurstOfRefusedConnectsGetsOneReportAndEveryRefusalIsCounted() throws Exception {
        assumeTrue(Namespaces.available(), Namespaces.WHY_NOT);
        Path report = dir.resolve("report.json");
        ChildJvm.Result run = new ChildJvm().inNetworkNamespace(SMALL_RANGE, NO_TW_REUSE)
                .withAgent("interval=0,report=" + report)
                .run(PortChurn.class, "5000", "500", "200", "1.5", "20");
        List<String> log = run.stderrLines();
        assertEquals(20, log.stream().filter(l -> l.startsWith("churn: refused again #")).count(),
                "after the first refusal, 20 more over 2 s:\n" + run.stderr());
        assertEquals(1, log.stream().filter(l -> l.contains("the kernel refused a connection")).count(),
                "one report at the failure for the burst (within 10 s), not one per refusal:\n" + run.stderr());
        assertEquals(21, AgentReport.read(report).get("exhaustions").get("ports").asLong(), "every refusal counted");
    }

    @Test
    void timeWaitEstimateIsWithinFivePercentOfTheKernelsCount() throws Exception {
        assumeTrue(Namespaces.available(), Namespaces.WHY_NOT);
        Path report = dir.resolve("report.json");
        Process churn = new ChildJvm().inNetworkNamespace(NO_TW_REUSE)
                .withAgent("interval=500ms,report=" + report)
                .start(PortChurn.class, "5000", "400", "3000", "25");
        try (BufferedReader err = new BufferedReader(new InputStreamReader(churn.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null && !line.equals("churn: done")) {
                // sustained churn: 3,000 connections at 400 a second
            }
            assertEquals("churn: done", line);
            long done = System.currentTimeMillis();
            // TIME_WAIT lasts 60 s, so the counts hold still now: wait for a report whose kernel reading
            // (taken every few seconds) comes from after the churn.
            JsonNode json = AgentReport.read(report);
            long deadline = done + 20_000;
            while (kernelReadingAt(json) < done + 100 && System.currentTimeMillis() < deadline) {
                AgentReport.sleep(250);
                json = AgentReport.read(report);
            }
            assertTrue(kernelReadingAt(json) >= done + 100, "a kernel reading after the churn: " + json.get("kernel"));
            long kernelTimeWait = timeWaitIn(churn.pid(), 5000);
            JsonNode destination = destination(json, "127.0.0.1:5000");
            long estimate = destination.get("timeWait").asLong();
            assertTrue(kernelTimeWait > 2500, "the kernel holds most of the 3,000 in TIME_WAIT: " + kernelTimeWait);
            assertTrue(Math.abs(estimate - kernelTimeWait) <= 0.05 * (double) kernelTimeWait,
                    "agent " + estimate + " vs kernel " + kernelTimeWait);
            assertEquals((double) kernelTimeWait, (double) destination.get("hostTimeWait").asLong(),
                    0.05 * (double) kernelTimeWait,
                    "the agent's own reading of the kernel table");
        } finally {
            churn.destroy();
            churn.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void descriptorWarningComesFirstAndTheFailureIsReported() throws Exception {
        ChildJvm.Result run = new ChildJvm().withFileLimit(256).withAgent("interval=0,warnAt=0.8")
                .run(FdHog.class, "40");
        List<String> log = run.stderrLines();
        int warning = indexOf(log, "FILE DESCRIPTORS");
        int refused = indexOf(log, "hog: refused at #");
        assertTrue(refused >= 0, "the hog should run out of descriptors:\n" + run.stderr());
        assertTrue(log.get(refused).contains("Too many open files"), log.get(refused));
        assertTrue(warning >= 0 && warning < refused, "the warning comes before the failure:\n" + run.stderr());
        assertTrue(log.get(warning).contains("of 256"), log.get(warning));
        String afterRefusal = String.join("\n", log.subList(indexOf(log, "Too many open files"), log.size()));
        assertTrue(afterRefusal.contains("the kernel refused a connection"), "a report at the failure:\n"
                + run.stderr());
        assertEquals(0, run.exitCode(), run.stderr());
    }

    @Test
    void closeWaitIsFoundFromKernelStateWhenTheApplicationNeverReads() throws Exception {
        assumeTrue(KernelTcp.available(), "needs Linux /proc/net/tcp");
        try (PeerServer peer = new PeerServer()) {
            int line = LeaksTest.lineOfNextStatement();
            Socket neverRead = new Socket(InetAddress.getLoopbackAddress(), peer.port());
            try {
                neverRead.getOutputStream().write('C'); // the peer closes; we never read, so never see -1
                assertEquals(KernelTcp.CLOSE_WAIT, KernelTcp.awaitState(neverRead.getLocalPort(), neverRead.getPort(),
                        KernelTcp.CLOSE_WAIT, 5000));
                String frame = "PortBudgetTest.closeWaitIsFoundFromKernelStateWhenTheApplicationNeverReads("
                        + "PortBudgetTest.java:" + line + ")";
                AgentReport.await(Duration.ofSeconds(15), r -> AgentReport.leakCount(r, "closeWait", frame) == 1);
            } finally {
                neverRead.close();
            }
        }
    }

    /** When the report's kernel reading was taken, in epoch milliseconds. */
    private static long kernelReadingAt(JsonNode report) {
        if (report.get("kernel").isNull()) {
            return 0;
        }
        return java.time.Instant.parse(report.get("time").asText()).toEpochMilli()
                - report.get("kernel").get("ageMillis").asLong();
    }

    private static JsonNode destination(JsonNode report, String remote) {
        for (JsonNode d : report.get("destinations")) {
            if (d.get("remote").asText().equals(remote)) {
                return d;
            }
        }
        throw new AssertionError("no destination " + remote + " in " + report);
    }

    /** TIME_WAIT connections to a loopback port, in the network namespace of process {@code pid}. */
    private static long timeWaitIn(long pid, int remotePort) throws Exception {
        long count = 0;
        for (String file : new String[] {"tcp", "tcp6"}) {
            Path table = Path.of("/proc", String.valueOf(pid), "net", file);
            if (!Files.exists(table)) {
                continue;
            }
            List<String> lines = Files.readAllLines(table);
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.trim().split("\\s+", -1);
                String remote = f[2];
                if (f[3].equals(KernelTcp.TIME_WAIT)
                        && Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16) == remotePort) {
                    count++;
                }
            }
        }
        return count;
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
