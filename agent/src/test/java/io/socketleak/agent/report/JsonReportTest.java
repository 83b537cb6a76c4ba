package io.socketleak.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.socketleak.agent.budget.BudgetHistory;
import io.socketleak.agent.budget.PortBudget;
import io.socketleak.agent.config.PortRange;
import io.socketleak.agent.kernel.FileDescriptors;
import io.socketleak.agent.kernel.TcpSettings;
import io.socketleak.agent.testing.ApplicationCode;
import io.socketleak.agent.tracking.CloseClassifier;
import io.socketleak.agent.tracking.Leak;
import io.socketleak.agent.tracking.LeakKind;
import io.socketleak.agent.tracking.Scope;
import io.socketleak.agent.tracking.Snapshot;
import io.socketleak.agent.tracking.Snapshots;
import io.socketleak.agent.tracking.StackWork;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.agent.tracking.TrackerSettings;
import io.socketleak.protocol.AgentProtocol.ScopeJson;
import io.socketleak.protocol.JsonReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON report rendered from real tracking objects, read back with a strict parser. */
class JsonReportTest {
    private static final Instant TIME = Instant.parse("2026-11-22T10:00:00Z");
    private static final TcpSettings LINUX = new TcpSettings(new PortRange(32768, 60999), 0, 60, 2, "test");
    private static final FileDescriptors FDS = new FileDescriptors(41, 20000);
    private static final Report.Health HEALTHY = new Report.Health(List.of(), 0, null,
            new StackWork(0, 0, 0), List.of(), 0);

    private final Tracker tracker = new Tracker(new TrackerSettings(List.of(), 100_000, Duration.ZERO),
            (leak, first) -> { }, () -> { });

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Five sockets from one call site in com.acme.Client: one active, one passive and one abortive
     * close, one left open, one left open after the peer closed (a close-wait leak).
     */
    private Snapshot busyTracker() {
        List<InetSocketAddress> remotes = List.of(address("10.0.0.5", 443), address("10.0.0.5", 443),
                address("10.0.0.6", 80), address("10.0.0.5", 443), address("10.0.0.7", 8080));
        List<Object> sockets = new ArrayList<>();
        for (InetSocketAddress remote : remotes) {
            Object socket = new Object();
            ApplicationCode.run("com.acme.Client", () -> tracker.opened(socket, remote, 50_000, false));
            sockets.add(socket);
        }
        tracker.process();
        tracker.closed(sockets.get(0), 0);
        tracker.endOfStream(sockets.get(1));
        tracker.closed(sockets.get(1), 0);
        tracker.closed(sockets.get(2), CloseClassifier.LINGER_ZERO);
        tracker.endOfStream(sockets.get(4));
        return new Snapshots(tracker).snapshot();
    }

    private static Report report(Snapshot snapshot, List<Leak> stillOpen, TcpSettings tcp) {
        return new Report(4242, TIME, false, snapshot, stillOpen, budgets(snapshot, tcp), FDS, tcp, null, null, HEALTHY,
                BudgetHistory.empty(0.8), null);
    }

    private static List<PortBudget> budgets(Snapshot snapshot, TcpSettings tcp) {
        List<PortBudget> budgets = new ArrayList<>();
        for (Snapshot.DestinationStats d : snapshot.destinations()) {
            budgets.add(PortBudget.of(d, tcp, null, java.util.Set.of()));
        }
        return budgets;
    }

    private static Map<String, Object> render(Report report) {
        return JsonReader.parseObject(JsonReport.render(report));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        assertInstanceOf(Map.class, value);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> array(Object value) {
        assertInstanceOf(List.class, value);
        return (List<Object>) value;
    }

    private static void assertHasNumber(Map<String, Object> object, String name) {
        assertTrue(object.containsKey(name), () -> "missing \"" + name + "\" in " + object.keySet());
        assertInstanceOf(Number.class, object.get(name), name);
    }

    private static void assertFramesAreStackTraceStrings(Object frames) {
        List<Object> list = array(frames);
        assertFalse(list.isEmpty(), "frames");
        for (Object frame : list) {
            assertInstanceOf(String.class, frame);
            // StackTraceElement.toString(): [loader/][module[@version]/]class.method(source)
            assertTrue(((String) frame).matches("([^/()]*/){0,2}[\\w$.]+\\.[\\w$<>]+\\(.*\\)"),
                    () -> "not a frame: " + frame);
        }
    }

    // ---- top level --------------------------------------------------------------------------------

    @Test
    void theTopLevelCarriesSchemaPidTimeAndOpenSockets() {
        Snapshot s = busyTracker();
        Map<String, Object> json = render(report(s, List.of(), LINUX));
        assertEquals(1L, json.get("schema"));
        assertEquals(4242L, json.get("pid"));
        assertEquals("2026-11-22T10:00:00Z", json.get("time"));
        assertEquals(2L, json.get("openSockets"));
        assertEquals(s.openSockets(), json.get("openSockets"));
    }

    @Test
    void atExitSaysWhetherTheReportWasMadeAsTheJvmExitedAndListsWhatWasStillOpen() {
        Snapshot s = busyTracker();
        Report running = report(s, List.of(), LINUX);
        assertEquals(false, render(running).get("atExit"));
        assertNull(render(running).get("openAtExit"), "only the exit report knows what was open at exit");
        Report atExit = new Report(running.pid(), running.time(), true, s, running.stillOpen(), running.budgets(),
                running.fileDescriptors(), running.tcp(), null, null, HEALTHY,
                BudgetHistory.empty(0.8), new Snapshots(tracker).stillOpen());
        Map<String, Object> json = render(atExit);
        assertEquals(true, json.get("atExit"));
        // Two sockets open: one merely open, one a closeWait leak already, which is not counted again.
        List<Object> open = array(json.get("openAtExit"));
        assertEquals(1, open.size(), open.toString());
        Map<String, Object> entry = object(open.get(0));
        assertEquals("openAtExit", entry.get("kind"));
        assertFalse(entry.containsKey("count"), "one socket");
        assertEquals("10.0.0.5:443", entry.get("remote"));
        assertTrue(((String) entry.get("blame")).startsWith("com.acme.Client."), entry.toString());
        assertEquals(1, array(json.get("leaks")).stream().filter(l -> "closeWait".equals(object(l).get("kind"))).count());
        assertEquals(0, array(json.get("leaks")).stream().filter(l -> "openAtExit".equals(object(l).get("kind"))).count(),
                "without failOnLeak they are not leaks");
    }

    @Test
    void everyFieldTheSpecGuaranteesIsPresent() {
        Map<String, Object> json = render(report(busyTracker(), new Snapshots(tracker).stillOpen(), LINUX));
        for (String name : List.of("schema", "pid", "time", "atExit", "openSockets", "counters", "callSites", "leaks",
                "destinations", "fileDescriptors", "tcp")) {
            assertTrue(json.containsKey(name), () -> "missing top-level \"" + name + "\"");
        }
        Map<String, Object> counters = object(json.get("counters"));
        for (String name : List.of("opened", "closed", "activeCloses", "passiveCloses", "abortiveCloses",
                "collectedUnclosed")) {
            assertHasNumber(counters, name);
        }
        for (Object site : array(json.get("callSites"))) {
            Map<String, Object> s = object(site);
            assertFramesAreStackTraceStrings(s.get("frames"));
            assertHasNumber(s, "open");
            assertHasNumber(s, "opened");
            assertHasNumber(s, "oldestOpenMillis");
        }
        assertFalse(array(json.get("leaks")).isEmpty());
        for (Object leak : array(json.get("leaks"))) {
            Map<String, Object> l = object(leak);
            assertInstanceOf(String.class, l.get("kind"));
            assertInstanceOf(String.class, l.get("remote"));
            assertHasNumber(l, "ageMillis");
            assertFramesAreStackTraceStrings(l.get("frames"));
        }
        assertFalse(array(json.get("destinations")).isEmpty());
        for (Object destination : array(json.get("destinations"))) {
            Map<String, Object> d = object(destination);
            assertInstanceOf(String.class, d.get("remote"));
            assertHasNumber(d, "open");
        }
        Map<String, Object> fds = object(json.get("fileDescriptors"));
        assertHasNumber(fds, "open");
        assertHasNumber(fds, "max");
        Map<String, Object> tcp = object(json.get("tcp"));
        assertInstanceOf(String.class, tcp.get("portRange"));
        assertHasNumber(tcp, "timeWaitSeconds");
        assertTrue(tcp.containsKey("twReuse"));
    }

    @Test
    void theAdviceIsTheTextReportsWhatToDoLineForLine() throws Exception {
        Snapshot s = busyTracker(); // a close-wait leak
        ApplicationCode.run("com.acme.Dropper",
                () -> tracker.opened(new Object(), address("10.0.0.8", 80), 50_000, false));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (s.counters().collectedUnclosed() == 0) { // and one dropped without close()
            if (System.nanoTime() > deadline) {
                fail("the collector did not clear the dropped socket within 5 s");
            }
            System.gc();
            Thread.sleep(20);
            s = new Snapshots(tracker).snapshot();
        }
        Report report = report(s, List.of(), LINUX);
        String text = TextReport.render(report);
        List<Object> shown = new ArrayList<>();
        boolean inWhatToDo = false;
        for (String line : text.split("\n", -1)) {
            if (line.equals("What to do:")) {
                inWhatToDo = true;
            } else if (inWhatToDo && line.startsWith("  - ")) {
                shown.add(line.substring(4));
            } else if (inWhatToDo) {
                break;
            }
        }
        assertTrue(shown.size() >= 2, "a collected and a close-wait leak, a piece of advice each:\n" + text);
        assertEquals(shown, array(render(report).get("advice")));
    }

    @Test
    void aReportWithNothingToAdviseHasAnEmptyAdviceList() {
        assertEquals(List.of(), array(render(report(new Snapshots(tracker).snapshot(), List.of(), LINUX))
                .get("advice")));
    }

    // ---- history ----------------------------------------------------------------------------------

    @Test
    void theHistoryHasASeriesPerDestinationAndOneForTheDescriptorsEachFromItsStart() {
        BudgetHistory history = new BudgetHistory();
        long t0 = TIME.getEpochSecond();
        for (int s = 0; s < 3; s++) {
            history.second((t0 + s) * 1000 + 250);
            history.destination("127.0.0.1:5432", 3 + s, 10L * s, 3 + 11L * s, 28_232);
            history.fileDescriptors(41 + s, 20_000);
        }
        history.second((t0 + 3) * 1000);
        history.destination("10.0.0.5:443", 1, 0, 1, 28_232); // a newcomer: a second's sample
        Snapshot s = busyTracker();
        Report plain = report(s, List.of(), LINUX);
        Report report = new Report(plain.pid(), plain.time(), false, s, List.of(), plain.budgets(),
                plain.fileDescriptors(), plain.tcp(), null, null, HEALTHY, history.view(0.75), null);
        Map<String, Object> json = object(render(report).get("history"));
        assertEquals(1L, json.get("stepSeconds"));
        assertEquals(0.75, json.get("warnAt"));
        Map<String, Object> fds = object(json.get("fileDescriptors"));
        assertEquals(20_000L, fds.get("max"));
        assertEquals("2026-11-22T10:00:00Z", fds.get("start"));
        assertEquals(List.of(41L, 42L, 43L), fds.get("open"));
        List<Object> destinations = array(json.get("destinations"));
        assertEquals(2, destinations.size());
        Map<String, Object> busiest = object(destinations.get(0));
        assertEquals("127.0.0.1:5432", busiest.get("remote"));
        assertEquals(28_232L, busiest.get("portCapacity"));
        assertEquals("2026-11-22T10:00:00Z", busiest.get("start"));
        assertEquals(List.of(3L, 4L, 5L), busiest.get("open"));
        assertEquals(List.of(0L, 10L, 20L), busiest.get("timeWait"));
        Map<String, Object> newcomer = object(destinations.get(1));
        assertEquals("2026-11-22T10:00:03Z", newcomer.get("start"));
        assertEquals(List.of(1L), newcomer.get("open"));
        assertEquals(List.of(0L), newcomer.get("timeWait"));
        assertEquals(List.of("remote", "portCapacity", "start", "open", "timeWait"), List.copyOf(newcomer.keySet()));
    }

    @Test
    void aHistoryWithoutSamplesIsStillThereWithNoDescriptorsAndNoDestinations() {
        Map<String, Object> json = object(render(report(busyTracker(), List.of(), LINUX)).get("history"));
        assertEquals(1L, json.get("stepSeconds"));
        assertEquals(0.8, json.get("warnAt"));
        assertTrue(json.containsKey("fileDescriptors"));
        assertNull(json.get("fileDescriptors"));
        assertEquals(List.of(), json.get("destinations"));
    }

    // ---- counters ---------------------------------------------------------------------------------

    @Test
    void countersAreTheTrackersCounters() {
        Snapshot s = busyTracker();
        Map<String, Object> counters = object(render(report(s, List.of(), LINUX)).get("counters"));
        assertEquals(5L, counters.get("opened"));
        assertEquals(3L, counters.get("closed"));
        assertEquals(1L, counters.get("activeCloses"));
        assertEquals(1L, counters.get("passiveCloses"));
        assertEquals(1L, counters.get("abortiveCloses"));
        assertEquals(0L, counters.get("collectedUnclosed"));
        assertEquals(s.counters().closeWaitLeaks(), counters.get("closeWaitLeaks"));
    }

    @Test
    void aSocketCollectedWithoutCloseShowsAsCollectedUnclosedAndACollectedLeak() throws Exception {
        ApplicationCode.run("com.acme.Client",
                () -> tracker.opened(new Object(), address("10.0.0.9", 5432), 50_000, false));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Snapshot s = new Snapshots(tracker).snapshot();
        while (s.counters().collectedUnclosed() == 0) {
            if (System.nanoTime() > deadline) {
                fail("the collector did not clear the dropped socket within 5 s");
            }
            System.gc();
            Thread.sleep(20);
            s = new Snapshots(tracker).snapshot();
        }
        Map<String, Object> json = render(report(s, List.of(), LINUX));
        assertEquals(1L, object(json.get("counters")).get("collectedUnclosed"));
        Map<String, Object> leak = object(array(json.get("leaks")).get(0));
        assertEquals("collected", leak.get("kind"));
        assertEquals("10.0.0.9:5432", leak.get("remote"));
        assertEquals(0L, json.get("openSockets"));
    }

    // ---- call sites -------------------------------------------------------------------------------

    @Test
    void callSitesCarryTheirFramesInnermostFirstAndTheirOpenCounts() {
        Snapshot s = busyTracker();
        List<Object> sites = array(render(report(s, List.of(), LINUX)).get("callSites"));
        assertEquals(1, sites.size());
        Map<String, Object> site = object(sites.get(0));
        assertEquals(s.callSites().get(0).frames(), site.get("frames"));
        assertTrue(((String) array(site.get("frames")).get(0)).startsWith("com.acme.Client."),
                "the first application frame is reached");
        assertEquals(2L, site.get("open"));
        assertEquals(5L, site.get("opened"));
        assertTrue((Long) site.get("oldestOpenMillis") >= 0);
    }

    // ---- leaks ------------------------------------------------------------------------------------

    @Test
    void aSingleLeakHasNoCountField() {
        List<Object> leaks = array(render(report(busyTracker(), List.of(), LINUX)).get("leaks"));
        assertEquals(1, leaks.size());
        Map<String, Object> leak = object(leaks.get(0));
        assertEquals("closeWait", leak.get("kind"));
        assertEquals("10.0.0.7:8080", leak.get("remote"));
        assertFalse(leak.containsKey("count"), "absent means 1");
        assertTrue((Long) leak.get("ageMillis") >= 0);
    }

    @Test
    void socketsStillOpenAtExitAreListedAfterTheLeaksAndALeakIsNotCountedTwice() {
        Snapshot s = busyTracker();
        List<Leak> stillOpen = new Snapshots(tracker).stillOpen();
        List<Object> leaks = array(render(report(s, stillOpen, LINUX)).get("leaks"));
        assertEquals(2, leaks.size());
        assertEquals("closeWait", object(leaks.get(0)).get("kind"));
        Map<String, Object> atExit = object(leaks.get(1));
        assertEquals("openAtExit", atExit.get("kind"));
        assertNull(atExit.get("count"), "one socket: the other one still open is the CLOSE_WAIT leak, counted once");
    }

    // ---- destinations, descriptors, tcp -----------------------------------------------------------

    @Test
    void destinationsAreListedWithTheirOpenSockets() {
        Snapshot s = busyTracker();
        List<Object> destinations = array(render(report(s, List.of(), LINUX)).get("destinations"));
        assertEquals(3, destinations.size());
        long open = 0;
        for (Object d : destinations) {
            Map<String, Object> destination = object(d);
            open += (Long) destination.get("open");
            if ("10.0.0.5:443".equals(destination.get("remote"))) {
                assertEquals(1L, destination.get("open"));
                assertEquals(3L, destination.get("opened"));
                assertEquals(1L, destination.get("activeCloses"));
                assertEquals(1L, destination.get("passiveCloses"));
            }
        }
        assertEquals(2, open);
    }

    @Test
    void destinationsCarryThePortBudgetFieldsTheSpecGuarantees() {
        List<Object> destinations = array(render(report(busyTracker(), List.of(), LINUX)).get("destinations"));
        Map<String, Object> d = object(destinations.get(0));
        assertHasNumber(d, "timeWait");
        assertHasNumber(d, "portCapacity");
        assertHasNumber(d, "utilization");
        assertHasNumber(d, "activeClosesPerSecond");
        assertTrue(d.containsKey("secondsToExhaustion"), "a number, or null when not filling up");
        assertEquals(28232L, d.get("portCapacity"), "the ephemeral range 32768-60999 holds 28232 ports");
    }

    @Test
    void fileDescriptorsAreWrittenAsGiven() {
        Map<String, Object> fds = object(render(report(busyTracker(), List.of(), LINUX)).get("fileDescriptors"));
        assertEquals(41L, fds.get("open"));
        assertEquals(20000L, fds.get("max"));
    }

    @Test
    void tcpSettingsAreWrittenWithThePortRangeAsLowDashHigh() {
        Map<String, Object> tcp = object(render(report(busyTracker(), List.of(), LINUX)).get("tcp"));
        assertEquals("32768-60999", tcp.get("portRange"));
        assertEquals(60L, tcp.get("timeWaitSeconds"));
        assertEquals(2L, tcp.get("twReuse"));
    }

    @Test
    void anUnknownTwReuseIsWrittenAsNull() {
        TcpSettings mac = new TcpSettings(new PortRange(49152, 65535), 0, 30, null, "macOS defaults");
        Map<String, Object> tcp = object(render(report(busyTracker(), List.of(), mac)).get("tcp"));
        assertTrue(tcp.containsKey("twReuse"));
        assertNull(tcp.get("twReuse"));
        assertEquals("49152-65535", tcp.get("portRange"));
        assertEquals(30L, tcp.get("timeWaitSeconds"));
    }

    // ---- validity ---------------------------------------------------------------------------------

    @Test
    void anEmptyTrackerGivesAValidReportWithEmptyLists() {
        Map<String, Object> json = render(report(new Snapshots(tracker).snapshot(), List.of(), LINUX));
        assertEquals(0L, json.get("openSockets"));
        assertEquals(List.of(), json.get("callSites"));
        assertEquals(List.of(), json.get("leaks"));
        assertEquals(List.of(), json.get("destinations"));
    }

    @Test
    void theReportStaysValidJsonWhenNamesCarryQuotesBackslashesAndLineBreaks() throws Exception {
        String threadName = "worker \"1\" C:\\pool\nnext\tline\u0001";
        Thread opener = new Thread(() -> {
            Object socket = new Object();
            ApplicationCode.run("com.acme.Client", () -> tracker.opened(socket, address("10.0.0.5", 443), 1, false));
            tracker.endOfStream(socket);
            tracker.process(); // close-wait leak at once (closeWaitAfter=0), remembering the thread's name
        }, threadName);
        opener.start();
        opener.join();
        Report.Health health = new Report.Health(List.of("connect \"x\": not found\\here"), 1, "boom\n\tat a.B",
                new StackWork(3, 7, 0), List.of("OkHttp call run: okhttp3.X.run(): installed"), 2);
        Snapshot snapshot = new Snapshots(tracker).snapshot();
        Report report = new Report(1, TIME, false, snapshot, List.of(), budgets(snapshot, LINUX), FDS, LINUX, null, null, health,
                BudgetHistory.empty(0.8), null);
        Map<String, Object> json = JsonReader.parseObject(JsonReport.render(report));
        Map<String, Object> leak = object(array(json.get("leaks")).get(0));
        assertEquals(threadName, leak.get("thread"));
        Map<String, Object> agent = object(json.get("agent"));
        assertEquals(List.of("connect \"x\": not found\\here"), agent.get("missingHooks"));
        assertEquals("boom\n\tat a.B", agent.get("firstFailure"));
        assertEquals(Map.of("resolved", 3L, "recognized", 7L, "notCaptured", 0L), agent.get("stacks"));
        assertEquals(List.of("OkHttp call run: okhttp3.X.run(): installed"), agent.get("hooksOnFirstLoad"));
        assertEquals(2L, agent.get("handOffsNotCarried"));
    }

    @Test
    void theScopeJsonNamesEachSocketByItsIdInBothListsAndSaysWhereTheWindowEnds() {
        Leak.CallSiteRef site = new Leak.CallSiteRef(1, "com.acme.Client.fetch(Client.java:42)",
                List.of("com.acme.Client.fetch(Client.java:42)"));
        Scope scope = new Scope(100, 200L, List.of(new Scope.LeakEvent(1, 7, LeakKind.CLOSE_WAIT, 150, "10.0.0.5:443",
                false, 30, "main", site)), List.of(new Scope.OpenSocket(7, "10.0.0.5:443", false, "main", 40, site),
                new Scope.OpenSocket(9, "10.0.0.6:80", true, "worker", 10, site)), true);
        Map<String, Object> json = JsonReader.parseObject(JsonReport.render(scope));
        assertEquals(1L, json.get(ScopeJson.SCHEMA));
        assertEquals(100L, json.get(ScopeJson.MARK));
        assertEquals(200L, json.get(ScopeJson.END));
        assertEquals(true, json.get(ScopeJson.COMPLETE));
        Map<String, Object> leak = object(array(json.get(ScopeJson.LEAKS)).get(0));
        assertEquals(7L, leak.get(ScopeJson.SOCKET));
        assertEquals(ScopeJson.CLOSE_WAIT, leak.get(ScopeJson.KIND));
        List<Object> open = array(json.get(ScopeJson.OPEN));
        assertEquals(List.of(7L, 9L), List.of(object(open.get(0)).get(ScopeJson.SOCKET), object(open.get(1)).get(ScopeJson.SOCKET)));
        assertEquals(true, object(open.get(1)).get(ScopeJson.INBOUND));
        assertEquals("com.acme.Client.fetch(Client.java:42)", object(open.get(1)).get(ScopeJson.BLAME));

        Map<String, Object> since = JsonReader.parseObject(JsonReport.render(new Scope(100, null, List.of(), List.of(), false)));
        assertTrue(since.containsKey(ScopeJson.END));
        assertNull(since.get(ScopeJson.END));
        assertEquals(false, since.get(ScopeJson.COMPLETE));
    }
}
