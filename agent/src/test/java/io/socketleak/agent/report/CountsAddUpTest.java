package io.socketleak.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.socketleak.agent.budget.BudgetHistory;
import io.socketleak.agent.config.BadOptionException;
import io.socketleak.agent.config.Options;
import io.socketleak.agent.config.RunningOptions;
import io.socketleak.agent.instrument.HookStatus;
import io.socketleak.agent.jmx.SocketLeakDetector;
import io.socketleak.agent.kernel.Readings;
import io.socketleak.agent.kernel.TcpSettings;
import io.socketleak.agent.config.PortRange;
import io.socketleak.agent.testing.ApplicationCode;
import io.socketleak.agent.tracking.CloseClassifier;
import io.socketleak.agent.tracking.Snapshot;
import io.socketleak.agent.tracking.Snapshots;
import io.socketleak.agent.tracking.StackWork;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.agent.tracking.TrackerSettings;
import io.socketleak.protocol.JsonReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One set of counters that adds up: random sequences of opens, closes of each kind, sockets dropped
 * without close, closes of sockets never seen open, sockets past the cap and excluded ones; then, in
 * every output (the snapshot, the cheap totals, the summary line, the text report, the JSON report, the
 * MXBean), opened = closed + collected + open in total, per call site and per destination, and each
 * output gives the same numbers. Where no cap interferes, the numbers are also the sequence's own.
 */
class CountsAddUpTest {
    private static final List<String> SITES = List.of("com.acme.Orders", "com.acme.Billing", "com.acme.Excluded");
    private static final List<InetSocketAddress> REMOTES = List.of(address(10, 443), address(11, 80),
            address(12, 5432));
    private static final TcpSettings LINUX = new TcpSettings(new PortRange(32768, 60999), 0, 60, 0, "test");

    private static InetSocketAddress address(int last, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last}), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Long> seeds() {
        List<Long> seeds = new ArrayList<>();
        for (long seed = 1; seed <= 24; seed++) {
            seeds.add(seed);
        }
        return seeds;
    }

    /** What the sequence did to sockets the tracker can see (uncapped runs only: the cap makes it partial). */
    private static final class Expected {
        long opened;
        long active;
        long passive;
        long abortive;
        long collected;
        long unseen;
        long open;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyOutputAddsUpAndAgrees(long seed) throws Exception {
        Random random = new Random(seed);
        boolean capped = random.nextInt(3) == 0;
        Tracker tracker = new Tracker(new TrackerSettings(List.of("com.acme.Excluded"), capped ? 6 : 100_000,
                Duration.ofHours(1)), (leak, first) -> { }, () -> { });
        Snapshots snapshots = new Snapshots(tracker);
        Expected expected = new Expected();
        List<Object> open = new ArrayList<>();
        List<Boolean> openExcluded = new ArrayList<>();
        int steps = 40 + random.nextInt(80);
        for (int i = 0; i < steps; i++) {
            int op = random.nextInt(10);
            if (op < 4 || open.isEmpty()) {
                String site = SITES.get(random.nextInt(SITES.size()));
                InetSocketAddress remote = REMOTES.get(random.nextInt(REMOTES.size()));
                boolean inbound = random.nextInt(4) == 0;
                Object socket = new Object();
                ApplicationCode.run(site, () -> tracker.opened(socket, remote, 40_000 + open.size(), inbound));
                open.add(socket);
                boolean excluded = site.equals("com.acme.Excluded");
                openExcluded.add(excluded);
                if (!excluded) {
                    expected.opened++;
                    expected.open++;
                }
            } else if (op < 8) {
                int at = random.nextInt(open.size());
                Object socket = open.remove(at);
                boolean excluded = openExcluded.remove(at);
                int kind = random.nextInt(3);
                if (kind == 1) {
                    tracker.endOfStream(socket);
                }
                tracker.closed(socket, kind == 2 ? CloseClassifier.LINGER_ZERO : 0);
                if (!excluded) {
                    expected.open--;
                    switch (kind) {
                        case 0 -> expected.active++;
                        case 1 -> expected.passive++;
                        default -> expected.abortive++;
                    }
                }
            } else if (op == 8 && !capped) { // with the cap, what the collector frees decides what is stored next
                int at = random.nextInt(open.size());
                open.remove(at); // dropped without close(): only the tracker's weak reference is left
                if (!openExcluded.remove(at)) {
                    expected.open--;
                    expected.collected++;
                }
            } else if (op == 9) {
                tracker.closed(new Object(), 0); // opened before tracking began
                expected.unseen++;
            }
            if (random.nextInt(5) == 0) {
                tracker.process(); // the agent's thread catches up now and then
            }
        }
        awaitCollection(tracker, snapshots, expected);

        Reporter reporter = new Reporter(snapshots, new Readings(LINUX, null, null), () -> new Report.Health(List.of(),
                0, null, new StackWork(0, 0, 0), List.of(), 0), () -> BudgetHistory.empty(0.8));
        Report report = reporter.report();
        Snapshot s = report.sockets();
        Snapshot.Counters c = s.counters();

        // The snapshot adds up, in total, per call site and per destination.
        assertEquals(c.opened(), c.closed() + c.collectedUnclosed() + s.openSockets(), "in total: " + c);
        assertEquals(c.closed(), c.activeCloses() + c.passiveCloses() + c.abortiveCloses(), c.toString());
        for (Snapshot.CallSiteStats site : s.callSites()) {
            assertEquals(site.opened(), site.activeCloses() + site.passiveCloses() + site.abortiveCloses()
                    + site.collected() + site.open(), "at " + site);
        }
        for (Snapshot.DestinationStats d : s.destinations()) {
            assertEquals(d.opened(), d.activeCloses() + d.passiveCloses() + d.abortiveCloses() + d.collected()
                    + d.open(), "to " + d);
        }
        assertTrue(c.closedUnseen() >= expected.unseen, "closes of unseen sockets counted apart: " + c);
        if (!capped) {
            assertEquals(expected.opened, c.opened());
            assertEquals(expected.active, c.activeCloses());
            assertEquals(expected.passive, c.passiveCloses());
            assertEquals(expected.abortive, c.abortiveCloses());
            assertEquals(expected.collected, c.collectedUnclosed());
            assertEquals(expected.open, s.openSockets());
            assertEquals(expected.unseen, c.closedUnseen());
            assertEquals(0, c.notStored());
        }

        // Every output says the same.
        Snapshot.Totals totals = snapshots.totals();
        assertEquals(c, totals.counters(), "the cheap totals");
        assertEquals(s.openSockets(), totals.openSockets());

        assertSummaryLine(SummaryLine.render(report), s);
        assertTextReport(TextReport.render(report), s);
        assertJson(JsonReport.render(report), s);
        assertMxBean(new SocketLeakDetector(reporter, snapshots, new HookStatus(), "test", NO_CHANGES), s);
    }

    /**
     * Application threads open and close while snapshots are taken: no snapshot, and no cheap total,
     * ever counts more closed, collected and open than opened (in total, per call site, per destination),
     * and opened never goes back.
     */
    @org.junit.jupiter.api.Test
    void whileSocketsOpenAndCloseOnOtherThreadsNoSnapshotCountsMoreThanWasOpened() throws Exception {
        Tracker tracker = new Tracker(new TrackerSettings(List.of(), 100_000, Duration.ofHours(1)),
                (leak, first) -> { }, () -> { });
        Snapshots snapshots = new Snapshots(tracker);
        ApplicationCode.run("com.acme.Orders", () -> tracker.opened(new Object(), REMOTES.get(0), 1, false));
        tracker.process(); // the site is known from here on: opens are counted on the application's threads
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int kind = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    Object socket = new Object();
                    ApplicationCode.run("com.acme.Orders", () -> tracker.opened(socket, REMOTES.get(0), 2, false));
                    tracker.closed(socket, kind == 1 ? CloseClassifier.LINGER_ZERO : 0);
                }
            });
            threads.add(thread);
            thread.start();
        }
        Thread finisher = new Thread(() -> {
            for (Thread thread : threads) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            done.set(true);
        });
        finisher.start();
        long lastOpened = 0;
        int checks = 0;
        while (!done.get() || checks == 0) {
            Snapshot s = snapshots.snapshot();
            Snapshot.Counters c = s.counters();
            assertTrue(c.opened() >= c.closed() + c.collectedUnclosed() + s.openSockets(), "in total: " + c + ", open "
                    + s.openSockets());
            assertTrue(c.opened() >= lastOpened, "opened went back from " + lastOpened + " to " + c.opened());
            lastOpened = c.opened();
            for (Snapshot.CallSiteStats site : s.callSites()) {
                assertTrue(site.opened() >= site.activeCloses() + site.passiveCloses() + site.abortiveCloses()
                        + site.collected() + site.open(), "at " + site);
            }
            for (Snapshot.DestinationStats d : s.destinations()) {
                assertTrue(d.opened() >= d.activeCloses() + d.passiveCloses() + d.abortiveCloses() + d.collected()
                        + d.open(), "to " + d);
            }
            Snapshot.Totals totals = snapshots.totals();
            assertTrue(totals.counters().opened() >= totals.counters().closed() + totals.openSockets(),
                    totals.toString());
            checks++;
        }
        finisher.join();
        Snapshot end = snapshots.snapshot();
        assertEquals(60_001, end.counters().opened());
        assertEquals(60_000, end.counters().closed());
        assertTrue(checks > 1, "snapshots were taken while the threads ran: " + checks);
    }

    private static void awaitCollection(Tracker tracker, Snapshots snapshots, Expected expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            System.gc();
            tracker.process();
            if (snapshots.totals().counters().collectedUnclosed() == expected.collected) {
                return;
            }
            Thread.sleep(10);
        }
        fail("dropped sockets not all collected within 10 s: " + snapshots.totals());
    }

    private static final Pattern SUMMARY = Pattern.compile("open=(\\d+) listening=\\d+ opened=(\\d+) closed=(\\d+) "
            + "\\(active=(\\d+) passive=(\\d+) abortive=(\\d+)\\) leaks=(\\d+) \\(collected=(\\d+) closeWait=(\\d+)");

    private static void assertSummaryLine(String line, Snapshot s) {
        Matcher m = SUMMARY.matcher(line);
        assertTrue(m.find(), line);
        Snapshot.Counters c = s.counters();
        assertEquals(List.of(s.openSockets(), c.opened(), c.closed(), c.activeCloses(), c.passiveCloses(),
                c.abortiveCloses(), c.collectedUnclosed() + c.closeWaitLeaks(), c.collectedUnclosed()),
                numbers(m, 8), line);
        if (c.closedUnseen() > 0) {
            assertTrue(line.contains(" closedUnseen=" + c.closedUnseen()), line);
        }
        if (c.notStored() > 0) {
            assertTrue(line.contains(" notTracked=" + c.notStored()), line);
        }
    }

    private static final Pattern TEXT = Pattern.compile("Open sockets: (\\d+) \\(listening: \\d+\\)\\. Since start: "
            + "(\\d+) opened, (\\d+) closed \\((\\d+) active, (\\d+) passive, (\\d+) abortive\\), (\\d+) collected");

    private static void assertTextReport(String text, Snapshot s) {
        Matcher m = TEXT.matcher(text);
        assertTrue(m.find(), text);
        Snapshot.Counters c = s.counters();
        assertEquals(List.of(s.openSockets(), c.opened(), c.closed(), c.activeCloses(), c.passiveCloses(),
                c.abortiveCloses(), c.collectedUnclosed()), numbers(m, 7), text);
        if (c.closedUnseen() > 0) {
            assertTrue(text.contains(c.closedUnseen() + " closes of sockets the agent did not see open"), text);
        }
    }

    private static void assertJson(String json, Snapshot s) {
        Map<?, ?> report = (Map<?, ?>) JsonReader.parse(json);
        Map<?, ?> counters = (Map<?, ?>) report.get("counters");
        Snapshot.Counters c = s.counters();
        assertEquals(s.openSockets(), number(report.get("openSockets")));
        assertEquals(c.opened(), number(counters.get("opened")));
        assertEquals(c.closed(), number(counters.get("closed")));
        assertEquals(c.activeCloses(), number(counters.get("activeCloses")));
        assertEquals(c.passiveCloses(), number(counters.get("passiveCloses")));
        assertEquals(c.abortiveCloses(), number(counters.get("abortiveCloses")));
        assertEquals(c.collectedUnclosed(), number(counters.get("collectedUnclosed")));
        assertEquals(c.closedUnseen(), number(counters.get("closedUnseen")));
        assertEquals(c.notStored(), number(counters.get("notStored")));
        for (Object entry : (List<?>) report.get("callSites")) {
            Map<?, ?> site = (Map<?, ?>) entry;
            assertEquals(number(site.get("opened")), number(site.get("activeCloses")) + number(site.get("passiveCloses"))
                    + number(site.get("abortiveCloses")) + number(site.get("collected")) + number(site.get("open")),
                    site.toString());
        }
        for (Object entry : (List<?>) report.get("destinations")) {
            Map<?, ?> d = (Map<?, ?>) entry;
            assertEquals(number(d.get("opened")), number(d.get("activeCloses")) + number(d.get("passiveCloses"))
                    + number(d.get("abortiveCloses")) + number(d.get("collected")) + number(d.get("open")), d.toString());
        }
    }

    private static void assertMxBean(SocketLeakDetector bean, Snapshot s) {
        Snapshot.Counters c = s.counters();
        assertEquals(List.of(s.openSockets(), c.opened(), c.closed(), c.activeCloses(), c.passiveCloses(),
                        c.abortiveCloses(), c.collectedUnclosed()),
                List.of(bean.getOpenSockets(), bean.getOpened(), bean.getClosed(), bean.getActiveCloses(),
                        bean.getPassiveCloses(), bean.getAbortiveCloses(), bean.getCollectedUnclosed()));
    }

    private static List<Long> numbers(Matcher m, int groups) {
        List<Long> numbers = new ArrayList<>();
        for (int i = 1; i <= groups; i++) {
            numbers.add(Long.parseLong(m.group(i)));
        }
        return numbers;
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    private static final RunningOptions NO_CHANGES = new RunningOptions() {
        @Override
        public Options current() {
            return Options.defaults();
        }

        @Override
        public String change(String agentArgs) throws BadOptionException {
            throw new BadOptionException("not in this test");
        }
    };
}
