package io.socketleak.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.socketleak.agent.testing.ApplicationCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The tracker with plain objects standing in for sockets: it only ever uses their identity.
 *
 * <p>Events are raised from inside {@link ApplicationCode} (a generated {@code com.acme.Client}), as a
 * real application's would be; the tests' own frames come right after it on the stack.
 */
class TrackerTest {
    private static final String CLIENT = "com.acme.Client";
    private static final InetSocketAddress HTTPS = address("10.0.0.5", 443);
    private static final InetSocketAddress HTTP = address("10.0.0.6", 80);

    /** Every leak the tracker reported, in order, with its firstAtCallSite flag. */
    private final List<Leak> leaks = new ArrayList<>();
    private final List<Boolean> firsts = new ArrayList<>();
    private final Tracker.LeakListener recording = (leak, first) -> {
        leaks.add(leak);
        firsts.add(first);
    };

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private Tracker tracker() {
        return tracker(List.of(), 100_000, Duration.ofSeconds(30));
    }

    private Tracker tracker(List<String> exclude, int maxTracked, Duration closeWaitAfter) {
        return new Tracker(new TrackerSettings(exclude, maxTracked, closeWaitAfter), recording, () -> { });
    }

    /** Opens {@code socket} from application code {@link #CLIENT}. */
    private static Object open(Tracker tracker, Object socket, InetSocketAddress remote) {
        ApplicationCode.run(CLIENT, () -> tracker.opened(socket, remote, 50_000, false));
        return socket;
    }

    private static Object open(Tracker tracker, InetSocketAddress remote) {
        Object socket = new Object();
        ApplicationCode.run(CLIENT, () -> tracker.opened(socket, remote, 50_000, false));
        return socket;
    }

    /** Opens a socket and forgets it at once: nothing but the tracker's weak reference is left. */
    private static void openAndDrop(Tracker tracker, InetSocketAddress remote) {
        ApplicationCode.run(CLIENT, () -> tracker.opened(new Object(), remote, 50_000, false));
    }

    private static void awaitCollection(Tracker tracker, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            System.gc();
            tracker.process();
            if (done.getAsBoolean()) {
                return;
            }
            Thread.sleep(20);
        }
        fail("the collector did not clear the dropped socket within 5 s");
    }

    private static void nextMillisecond() {
        long now = System.currentTimeMillis();
        while (System.currentTimeMillis() <= now) {
            Thread.onSpinWait();
        }
    }

    // ---- counting ---------------------------------------------------------------------------------

    /**
     * Application threads open and close while the tracker thread resolves: each close races the
     * resolve of its socket's stack (the first ones) or is recognized at once (the rest), and every
     * count must come out exact.
     */
    @Test
    void closesRacingTheTrackerThreadAreCountedExactlyOnce() throws InterruptedException {
        Tracker tracker = tracker();
        int threads = 4;
        int each = 20_000;
        Thread resolver = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                tracker.process();
            }
        });
        resolver.start();
        List<Thread> apps = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread app = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    Object socket = open(tracker, new Object(), i % 2 == 0 ? HTTPS : HTTP);
                    tracker.closed(socket, 0);
                }
            });
            apps.add(app);
            app.start();
        }
        for (Thread app : apps) {
            app.join();
        }
        resolver.interrupt();
        resolver.join();
        Snapshot s = new Snapshots(tracker).snapshot();
        long total = (long) threads * each;
        assertEquals(total, s.counters().opened());
        assertEquals(total, s.counters().closed());
        assertEquals(total, s.counters().activeCloses());
        assertEquals(0, s.openSockets());
        long openedAtSites = 0;
        long closedAtSites = 0;
        for (Snapshot.CallSiteStats site : s.callSites()) {
            openedAtSites += site.opened();
            closedAtSites += site.activeCloses();
        }
        assertEquals(total, openedAtSites);
        assertEquals(total, closedAtSites);
        long activeClosesToDestinations = 0;
        for (Snapshot.DestinationStats d : s.destinations()) {
            assertEquals(d.opened(), d.activeCloses(), d.remote());
            activeClosesToDestinations += d.activeCloses();
        }
        assertEquals(total, activeClosesToDestinations);
    }


    @Test
    void openingAndClosingAreCountedOnceEach() {
        Tracker tracker = tracker();
        Object a = open(tracker, HTTPS);
        open(tracker, HTTPS);
        tracker.closed(a, 0);
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(2, s.counters().opened());
        assertEquals(1, s.counters().closed());
        assertEquals(1, s.openSockets());
    }

    @Test
    void openedSocketsAreCountedBeforeTheTrackerThreadHasProcessedThem() {
        Tracker tracker = tracker();
        open(tracker, HTTPS);
        open(tracker, HTTP);
        // no process(): the counter is bumped on the application thread
        assertEquals(2, new Snapshots(tracker).snapshot().counters().opened());
    }

    @Test
    void closedReturnsTheKindTheCloseFlagsDescribe() {
        Tracker tracker = tracker();
        assertEquals(CloseKind.ACTIVE, tracker.closed(open(tracker, HTTPS), 0));
        assertEquals(CloseKind.ABORTIVE, tracker.closed(open(tracker, HTTPS), CloseClassifier.LINGER_ZERO));
        assertEquals(CloseKind.PASSIVE, tracker.closed(open(tracker, HTTPS), CloseClassifier.PEER_FIN));
        Snapshot.Counters c = new Snapshots(tracker).snapshot().counters();
        assertEquals(1, c.activeCloses());
        assertEquals(1, c.abortiveCloses());
        assertEquals(1, c.passiveCloses());
        assertEquals(3, c.closed());
    }

    @Test
    void anEndOfStreamReadBeforeTheCloseMakesItPassive() {
        Tracker tracker = tracker();
        Object socket = open(tracker, HTTPS);
        tracker.endOfStream(socket);
        assertEquals(CloseKind.PASSIVE, tracker.closed(socket, 0));
        assertEquals(1, new Snapshots(tracker).snapshot().counters().passiveCloses());
    }

    @Test
    void ourOutputShutdownBeforeThePeersEndOfStreamMakesTheCloseActive() {
        Tracker tracker = tracker();
        Object socket = open(tracker, HTTPS);
        tracker.outputShutdown(socket);
        nextMillisecond();
        tracker.endOfStream(socket);
        assertEquals(CloseKind.ACTIVE, tracker.closed(socket, CloseClassifier.PEER_FIN | CloseClassifier.OUTPUT_SHUT));
    }

    @Test
    void ourOutputShutdownAfterThePeersEndOfStreamLeavesTheClosePassive() {
        Tracker tracker = tracker();
        Object socket = open(tracker, HTTPS);
        tracker.endOfStream(socket);
        nextMillisecond();
        tracker.outputShutdown(socket);
        assertEquals(CloseKind.PASSIVE, tracker.closed(socket, CloseClassifier.PEER_FIN | CloseClassifier.OUTPUT_SHUT));
    }

    @Test
    void ourOutputShutdownThenThePeersEndOfStreamInTheSameMillisecondIsStillActive() {
        Tracker tracker = tracker();
        Object socket = open(tracker, HTTPS);
        nextMillisecond(); // start of a fresh millisecond: both events land in it
        tracker.outputShutdown(socket);
        tracker.endOfStream(socket);
        assertEquals(CloseKind.ACTIVE, tracker.closed(socket, CloseClassifier.PEER_FIN | CloseClassifier.OUTPUT_SHUT));
    }

    @Test
    void aCloseOfASocketTheTrackerNeverSawIsClassifiedAndCountedApart() {
        Tracker tracker = tracker();
        assertEquals(CloseKind.ABORTIVE, tracker.closed(new Object(), CloseClassifier.UNREAD_DATA));
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(1, s.counters().closedUnseen());
        assertEquals(0, s.counters().abortiveCloses(), "not a close of a socket seen opened: never more closed than opened");
        assertEquals(0, s.counters().closed());
        assertEquals(0, s.openSockets());
        assertEquals(0, s.counters().opened());
    }

    @Test
    void closesAreCountedAtTheirCallSiteAndDestination() {
        Tracker tracker = tracker();
        List<Object> sockets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sockets.add(open(tracker, HTTPS)); // one call site: same line each time
        }
        tracker.process();
        tracker.closed(sockets.get(0), 0);
        tracker.closed(sockets.get(1), CloseClassifier.PEER_FIN);
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(1, s.callSites().size());
        Snapshot.CallSiteStats site = s.callSites().get(0);
        assertEquals(3, site.opened());
        assertEquals(1, site.open());
        assertEquals(1, site.activeCloses());
        assertEquals(1, site.passiveCloses());
        Snapshot.DestinationStats d = s.destinations().get(0);
        assertEquals("10.0.0.5:443", d.remote());
        assertEquals(3, d.opened());
        assertEquals(1, d.open());
        assertEquals(1, d.activeCloses());
        assertEquals(1, d.passiveCloses());
    }

    @Test
    void aCloseBeforeTheTrackerThreadResolvedTheStackIsCountedAtItsCallSiteLater() {
        Tracker tracker = tracker();
        Object socket = open(tracker, HTTPS);
        tracker.closed(socket, 0); // before any process()
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(1, s.callSites().get(0).activeCloses());
        assertEquals(1, s.destinations().get(0).activeCloses());
        assertEquals(0, s.openSockets());
    }

    @Test
    void aSecondCloseOfTheSameSocketIsNotCountedAgainAtItsCallSite() {
        Tracker tracker = tracker();
        Object socket = open(tracker, HTTPS);
        tracker.process();
        tracker.closed(socket, 0);
        tracker.closed(socket, 0);
        assertEquals(1, new Snapshots(tracker).snapshot().callSites().get(0).activeCloses());
        assertEquals(1, new Snapshots(tracker).snapshot().destinations().get(0).activeCloses());
    }

    @Test
    void inboundSocketsHaveNoDestination() {
        Tracker tracker = tracker();
        ApplicationCode.run(CLIENT, () -> tracker.opened(new Object(), HTTP, 8080, true));
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(1, s.openSockets());
        assertTrue(s.destinations().isEmpty());
    }

    @Test
    void aSocketReportedOpenTwiceIsTrackedOnce() {
        Tracker tracker = tracker();
        Object socket = open(tracker, HTTPS);
        open(tracker, socket, HTTPS);
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(1, s.counters().opened());
        assertEquals(1, s.openSockets());
        tracker.closed(socket, 0);
        assertEquals(0, new Snapshots(tracker).snapshot().openSockets());
    }

    // ---- exclude ----------------------------------------------------------------------------------

    @Test
    void anExcludedClassPrefixDropsTheSocketFromTheCounts() {
        Tracker tracker = tracker(List.of(TrackerTest.class.getName()), 100_000, Duration.ofSeconds(30));
        open(tracker, HTTPS);
        tracker.process();
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(0, s.counters().opened());
        assertEquals(1, s.counters().excluded());
        assertEquals(0, s.openSockets());
        assertTrue(s.callSites().isEmpty());
        // Excluded from leak tracking, but its port is held all the same: it stays in the port budget.
        assertEquals(1, s.destinations().size());
        assertEquals(1, s.destinations().get(0).open());
    }

    @Test
    void anExcludedClassDotMethodPrefixDropsTheSocket() {
        Tracker tracker = tracker(List.of(CLIENT + ".accept"), 100_000, Duration.ofSeconds(30));
        open(tracker, HTTPS);
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(0, s.counters().opened());
        assertEquals(1, s.counters().excluded());
    }

    @Test
    void aPrefixMatchingNoFrameExcludesNothing() {
        Tracker tracker = tracker(List.of("com.acme.Other", CLIENT + ".close"), 100_000, Duration.ofSeconds(30));
        open(tracker, HTTPS);
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(1, s.counters().opened());
        assertEquals(0, s.counters().excluded());
        assertEquals(1, s.openSockets());
    }

    @Test
    void theCloseOfAnExcludedSocketIsNotCountedEvenWhenItCameBeforeProcessing() {
        Tracker tracker = tracker(List.of(TrackerTest.class.getName()), 100_000, Duration.ofSeconds(30));
        Object early = open(tracker, HTTPS);
        tracker.closed(early, 0); // counted for now: the stack is not resolved yet
        Object late = open(tracker, HTTPS);
        tracker.process();
        tracker.closed(late, 0);
        Snapshot.Counters c = new Snapshots(tracker).snapshot().counters();
        assertEquals(0, c.closed());
        assertEquals(0, c.activeCloses());
        assertEquals(0, c.opened());
        assertEquals(2, c.excluded());
    }

    @Test
    void anExcludedSocketLeftInCloseWaitIsNoLeak() {
        Tracker tracker = tracker(List.of(TrackerTest.class.getName()), 100_000, Duration.ZERO);
        Object socket = open(tracker, HTTPS);
        tracker.endOfStream(socket);
        tracker.process();
        assertEquals(0, new Snapshots(tracker).snapshot().counters().closeWaitLeaks());
        assertTrue(leaks.isEmpty());
    }

    // ---- maxTracked -------------------------------------------------------------------------------

    @Test
    void socketsPastTheMaxTrackedCapAreCountedButNotStored() {
        Tracker tracker = tracker(List.of(), 2, Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            open(tracker, HTTPS);
        }
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(2, s.counters().opened(), "tracked: seen open and stored");
        assertEquals(3, s.counters().notStored(), "counted apart");
        assertEquals(2, s.openSockets());
        assertEquals(3, s.notStoredOpen());
        assertEquals(2, s.callSites().get(0).opened(), "only stored sockets have details");
    }

    @Test
    void closingASocketPastTheCapLowersItsOpenEstimate() {
        Tracker tracker = tracker(List.of(), 1, Duration.ofSeconds(30));
        open(tracker, HTTPS);
        Object unstored = open(tracker, HTTPS);
        assertEquals(1, new Snapshots(tracker).snapshot().notStoredOpen());
        tracker.closed(unstored, 0);
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(1, s.openSockets());
        assertEquals(0, s.notStoredOpen());
        assertEquals(1, s.counters().closedUnseen(), "its close is counted apart, like its open");
        assertEquals(0, s.counters().activeCloses());
    }

    @Test
    void closingAStoredSocketMakesRoomUnderTheCap() {
        Tracker tracker = tracker(List.of(), 1, Duration.ofSeconds(30));
        tracker.closed(open(tracker, HTTPS), 0);
        tracker.process(); // the tracker thread has caught up: nothing is queued any more
        open(tracker, HTTPS);
        assertEquals(0, new Snapshots(tracker).snapshot().counters().notStored());
    }

    // ---- collected --------------------------------------------------------------------------------

    @Test
    void aSocketCollectedWithoutCloseIsACollectedLeak() throws Exception {
        Tracker tracker = tracker();
        openAndDrop(tracker, HTTPS);
        tracker.process();
        awaitCollection(tracker, () -> !leaks.isEmpty());
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(1, s.counters().collectedUnclosed());
        assertEquals(0, s.openSockets());
        assertEquals(1, s.leaks().size());
        Leak leak = s.leaks().get(0);
        assertEquals(LeakKind.COLLECTED, leak.kind());
        assertEquals("10.0.0.5:443", leak.remote());
        assertEquals(1, leak.count());
        assertTrue(leak.site().frames().get(0).startsWith(CLIENT + "."), leak.site().frames().toString());
        assertEquals(1, s.callSites().get(0).collected());
        assertEquals(1, s.destinations().get(0).collected());
        assertEquals(LeakKind.COLLECTED, leaks.get(0).kind());
    }

    @Test
    void aClosedSocketThatIsCollectedIsNoLeak() throws Exception {
        Tracker tracker = tracker();
        openAndDrop(tracker, HTTP); // the control: this one does leak
        ApplicationCode.run(CLIENT, () -> {
            Object closed = new Object();
            tracker.opened(closed, HTTPS, 50_000, false);
            tracker.closed(closed, 0);
        });
        awaitCollection(tracker, () -> !leaks.isEmpty());
        for (int i = 0; i < 3; i++) {
            System.gc();
            tracker.process();
        }
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(1, s.counters().collectedUnclosed());
        assertEquals("10.0.0.6:80", s.leaks().get(0).remote());
        assertEquals(1, s.leaks().get(0).count());
    }

    @Test
    void trackingDoesNotKeepASocketAlive() throws Exception {
        Tracker tracker = tracker();
        Object[] holder = {new Object()};
        java.lang.ref.WeakReference<Object> watcher = new java.lang.ref.WeakReference<>(holder[0]);
        open(tracker, holder[0], HTTPS);
        tracker.endOfStream(holder[0]);
        tracker.outputShutdown(holder[0]);
        tracker.process();
        holder[0] = null;
        awaitCollection(tracker, () -> watcher.get() == null);
    }

    // ---- close-wait -------------------------------------------------------------------------------

    @Test
    void aSocketLeftOpenAfterThePeersEndOfStreamIsACloseWaitLeak() {
        Tracker tracker = tracker(List.of(), 100_000, Duration.ZERO);
        Object socket = open(tracker, HTTPS);
        tracker.endOfStream(socket);
        tracker.process();
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(1, s.counters().closeWaitLeaks());
        assertEquals(1, s.callSites().get(0).closeWait());
        assertEquals(1, leaks.size());
        assertEquals(LeakKind.CLOSE_WAIT, leaks.get(0).kind());
        assertEquals("10.0.0.5:443", leaks.get(0).remote());
    }

    @Test
    void aCloseWaitLeakIsReportedOnlyOnce() {
        Tracker tracker = tracker(List.of(), 100_000, Duration.ZERO);
        Object socket = open(tracker, HTTPS);
        tracker.endOfStream(socket);
        tracker.endOfStream(socket);
        tracker.process();
        tracker.process();
        new Snapshots(tracker).snapshot();
        assertEquals(1, leaks.size());
        assertEquals(1, new Snapshots(tracker).snapshot().counters().closeWaitLeaks());
    }

    @Test
    void noCloseWaitLeakBeforeCloseWaitAfterHasPassed() {
        Tracker tracker = tracker(List.of(), 100_000, Duration.ofHours(1));
        Object socket = open(tracker, HTTPS);
        tracker.endOfStream(socket);
        tracker.process();
        assertEquals(0, new Snapshots(tracker).snapshot().counters().closeWaitLeaks());
        assertTrue(leaks.isEmpty());
    }

    @Test
    void aShortCloseWaitAfterTurnsIntoALeakOnceItHasPassed() throws Exception {
        Tracker tracker = tracker(List.of(), 100_000, Duration.ofMillis(150));
        Object socket = open(tracker, HTTPS);
        tracker.endOfStream(socket);
        long start = System.nanoTime();
        tracker.process();
        if (System.nanoTime() - start < Duration.ofMillis(100).toNanos()) {
            assertTrue(leaks.isEmpty(), "not yet: closeWaitAfter has not passed");
        }
        Thread.sleep(200);
        tracker.process();
        assertEquals(1, leaks.size());
        assertEquals(LeakKind.CLOSE_WAIT, leaks.get(0).kind());
    }

    @Test
    void closingAfterThePeersEndOfStreamIsNoCloseWaitLeak() {
        Tracker tracker = tracker(List.of(), 100_000, Duration.ZERO);
        Object socket = open(tracker, HTTPS);
        tracker.endOfStream(socket);
        tracker.closed(socket, 0);
        tracker.process();
        assertEquals(0, new Snapshots(tracker).snapshot().counters().closeWaitLeaks());
        assertTrue(leaks.isEmpty());
    }

    @Test
    void outputShutdownBeforeEndOfStreamPreventsCloseWait() {
        Tracker tracker = tracker(List.of(), 100_000, Duration.ZERO);
        Object socket = open(tracker, HTTPS);
        tracker.outputShutdown(socket);
        tracker.endOfStream(socket);
        tracker.process();
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(0, s.counters().closeWaitLeaks());
        assertTrue(leaks.isEmpty());
        assertEquals(1, s.openSockets(), "still open, but not in CLOSE_WAIT");
    }

    @Test
    void endOfStreamOfAnUntrackedSocketIsIgnored() {
        Tracker tracker = tracker(List.of(), 100_000, Duration.ZERO);
        tracker.endOfStream(new Object());
        tracker.outputShutdown(new Object());
        tracker.process();
        assertTrue(leaks.isEmpty());
    }

    // ---- the leak listener ------------------------------------------------------------------------

    @Test
    void theListenerIsToldFirstAtCallSiteOnlyForTheFirstLeakThere() {
        Tracker tracker = tracker(List.of(), 100_000, Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            tracker.endOfStream(open(tracker, HTTPS)); // one call site
        }
        tracker.process();
        assertEquals(List.of(true, false, false), firsts);
        assertEquals(3, leaks.get(2).count(), "the third report stands for all three");
        assertEquals(1, new Snapshots(tracker).snapshot().leaks().size(), "one entry per kind and call site");
        assertEquals(3, new Snapshots(tracker).snapshot().leakCount());
    }

    @Test
    void anotherCallSiteGetsItsOwnFirstLeak() {
        Tracker tracker = tracker(List.of(), 100_000, Duration.ZERO);
        for (int i = 0; i < 2; i++) {
            tracker.endOfStream(open(tracker, HTTPS)); // call site A
            tracker.process();
            Object other = new Object();
            ApplicationCode.run("com.acme.Other", () -> tracker.opened(other, HTTPS, 50_000, false)); // site B
            tracker.endOfStream(other);
            tracker.process();
        }
        assertEquals(List.of(true, true, false, false), firsts);
        assertNotEquals(leaks.get(0).site().id(), leaks.get(1).site().id());
        assertEquals(leaks.get(0).site().id(), leaks.get(2).site().id());
        assertEquals(leaks.get(1).site().id(), leaks.get(3).site().id());
        assertEquals(2, new Snapshots(tracker).snapshot().leaks().size());
    }

    @Test
    void laterLeaksHaveHigherSequenceNumbers() {
        Tracker tracker = tracker(List.of(), 100_000, Duration.ZERO);
        long before = new Snapshots(tracker).leakSequence();
        for (int i = 0; i < 2; i++) {
            tracker.endOfStream(open(tracker, HTTPS)); // one call site
            tracker.process();
        }
        assertEquals(before + 2, new Snapshots(tracker).leakSequence());
        Leak tally = leaks.get(1);
        assertTrue(tally.lastSeen() > tally.firstSeen());
        assertEquals(leaks.get(0).firstSeen(), tally.firstSeen());
    }

    // ---- call sites -------------------------------------------------------------------------------

    @Test
    void snapshotCallSitesCarryTheApplicationFrameAndTheTestsOwnFrame() {
        Tracker tracker = tracker();
        open(tracker, HTTPS);
        Snapshot.CallSiteStats site = new Snapshots(tracker).snapshot().callSites().get(0);
        assertTrue(site.frames().get(0).startsWith(CLIENT + ".accept"), site.frames().toString());
        assertTrue(site.frames().stream().anyMatch(f -> f.contains("TrackerTest")), site.frames().toString());
        assertTrue(site.blame().startsWith(CLIENT + "."), site.blame());
        assertFalse(site.frames().stream().anyMatch(f -> f.startsWith(Tracker.class.getName() + ".")),
                "the tracker's own frame is trimmed");
        assertEquals(List.of("10.0.0.5:443"), site.remotes());
        assertTrue(site.oldestOpenMillis() >= 0);
    }

    @Test
    void socketsOpenedFromDifferentLinesAreDifferentCallSites() {
        Tracker tracker = tracker();
        open(tracker, HTTPS);
        open(tracker, HTTPS);
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(2, s.callSites().size());
        assertNotEquals(s.callSites().get(0).frames(), s.callSites().get(1).frames());
    }

    @Test
    void callSitesWithMoreOpenSocketsComeFirst() {
        Tracker tracker = tracker();
        open(tracker, HTTP);
        for (int i = 0; i < 2; i++) {
            open(tracker, HTTPS);
        }
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(2, s.callSites().get(0).open());
        assertEquals(1, s.callSites().get(1).open());
    }

    @Test
    void theOldestOpenSocketsAgeIsReported() throws Exception {
        Tracker tracker = tracker();
        open(tracker, HTTPS);
        Thread.sleep(50);
        assertTrue(new Snapshots(tracker).snapshot().callSites().get(0).oldestOpenMillis() >= 50);
    }

    // ---- listening and still open -----------------------------------------------------------------

    @Test
    void listeningSocketsAreCountedButAreNeitherOpenSocketsNorLeaks() {
        Tracker tracker = tracker();
        Object server = new Object();
        tracker.listeners().listening(server);
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(1, s.listening());
        assertEquals(0, s.openSockets());
        assertEquals(0, s.counters().opened());
        assertTrue(tracker.listeners().closed(server));
        assertFalse(tracker.listeners().closed(server), "forgotten after the first close");
        assertEquals(0, new Snapshots(tracker).snapshot().listening());
    }

    @Test
    void aSocketReportedListeningTwiceIsOneListener() {
        Tracker tracker = tracker();
        Object server = new Object();
        tracker.listeners().listening(server);
        tracker.listeners().listening(server);
        assertEquals(1, new Snapshots(tracker).snapshot().listening());
        tracker.listeners().closed(server);
        assertEquals(0, new Snapshots(tracker).snapshot().listening());
    }

    @Test
    void aConnectedSocketIsNotMistakenForAListener() {
        Tracker tracker = tracker();
        assertFalse(tracker.listeners().closed(open(tracker, HTTPS)));
    }

    @Test
    void socketsStillOpenAreListedOncePerCallSiteWithTheirCount() {
        Tracker tracker = tracker();
        List<Object> sockets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sockets.add(open(tracker, HTTPS));
        }
        tracker.closed(sockets.get(0), 0);
        List<Leak> stillOpen = new Snapshots(tracker).stillOpen();
        assertEquals(1, stillOpen.size());
        assertEquals(LeakKind.OPEN_AT_EXIT, stillOpen.get(0).kind());
        assertEquals(2, stillOpen.get(0).count());
        assertEquals("10.0.0.5:443", stillOpen.get(0).remote());
        assertTrue(new Snapshots(tracker).snapshot().leaks().isEmpty(), "open sockets are no leak while running");
    }

    @Test
    void aCloseWaitLeakStillOpenAtExitIsOneLeakNotTwo() {
        Tracker tracker = tracker(List.of(), 100_000, Duration.ZERO);
        Object leftInCloseWait = open(tracker, HTTPS);
        Object open = open(tracker, HTTPS);
        try {
            tracker.process();
            tracker.endOfStream(leftInCloseWait);
            tracker.process();
            tracker.process();
            Snapshots snapshots = new Snapshots(tracker);
            assertEquals(1, snapshots.snapshot().counters().closeWaitLeaks());
            List<Leak> stillOpen = snapshots.stillOpen();
            assertEquals(1, stillOpen.size());
            assertEquals(1, stillOpen.get(0).count(), "the other open socket only: the CLOSE_WAIT leak counts once");
        } finally {
            java.lang.ref.Reference.reachabilityFence(open); // open, not dropped, until here
            java.lang.ref.Reference.reachabilityFence(leftInCloseWait);
        }
    }

    @Test
    void aCloseWaitAfterChangedAtRunTimeAppliesToSocketsAlreadyWaiting() throws Exception {
        Tracker tracker = tracker(List.of(), 100_000, Duration.ofHours(1));
        Object socket = open(tracker, HTTPS);
        tracker.process();
        tracker.endOfStream(socket);
        tracker.process();
        assertEquals(0, new Snapshots(tracker).snapshot().counters().closeWaitLeaks());
        tracker.closeWaitAfter(Duration.ZERO);
        tracker.process();
        assertEquals(1, new Snapshots(tracker).snapshot().counters().closeWaitLeaks());
    }

    // ---- describe ---------------------------------------------------------------------------------

    @Test
    void addressesAreWrittenAsHostColonPortWithIpv6InBrackets() {
        assertEquals("10.0.0.5:443", Destinations.describe(HTTPS));
        String v6 = Destinations.describe(address("::1", 8080));
        assertTrue(v6.startsWith("[") && v6.endsWith("]:8080"), v6);
        assertEquals(address("::1", 0).getAddress(), address(v6.substring(1, v6.indexOf(']')), 0).getAddress());
        assertEquals("example.invalid:80", Destinations.describe(InetSocketAddress.createUnresolved("example.invalid", 80)));
        assertEquals("?", Destinations.describe(null));
    }

    @Test
    void theSameSocketObjectIsFoundAgainByIdentityNotByEquals() {
        Tracker tracker = tracker();
        // Two distinct objects that are equal(): the tracker must still tell them apart.
        String a = new String("socket");
        String b = new String("socket");
        open(tracker, a, HTTPS);
        open(tracker, b, HTTPS);
        tracker.closed(a, 0);
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(1, s.openSockets());
        assertEquals(1, s.counters().closed());
        assertSame(CloseKind.ACTIVE, tracker.closed(b, 0));
        assertEquals(0, new Snapshots(tracker).snapshot().openSockets());
        assertTrue(new Snapshots(tracker).snapshot().leaks().isEmpty());
    }
}
