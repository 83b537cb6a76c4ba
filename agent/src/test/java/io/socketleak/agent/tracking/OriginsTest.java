package io.socketleak.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.socketleak.agent.testing.ApplicationCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A socket opened on a library's thread is blamed on the application line that handed the work off,
 * through as many hand-offs as it took; without one, the blame says the application line is unknown.
 * Library code stands in as a generated {@code okhttp3...} class; the application as {@code com.acme}.
 */
class OriginsTest {
    private static final String CALLER = "com.acme.Caller";
    private static final String CALLBACK = "com.acme.Callback";
    private static final String LIBRARY = "okhttp3.internal.concurrent.TaskRunner";
    private static final InetSocketAddress REMOTE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 443);

    private final List<Leak> leaks = new ArrayList<>();
    private final Tracker tracker = new Tracker(new TrackerSettings(List.of(), 100_000, Duration.ofSeconds(30)),
            (leak, first) -> leaks.add(leak), () -> { });

    /** Runs {@code action} on a new thread of that name, inside library code, and waits for it. */
    private static void onLibraryThread(String name, Runnable action) {
        Thread thread = new Thread(() -> ApplicationCode.run(LIBRARY, action), name);
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens a socket on a library's thread while it runs {@code work}. */
    private void openWhileRunning(Object work, Object socket, String thread) {
        onLibraryThread(thread, () -> {
            tracker.origins().carryIn(work, false);
            try {
                tracker.opened(socket, REMOTE, 50_000, false);
            } finally {
                tracker.origins().carryOut();
            }
        });
    }

    private Snapshot.CallSiteStats onlySite() {
        tracker.process();
        List<Snapshot.CallSiteStats> sites = new Snapshots(tracker).snapshot().callSites();
        assertEquals(1, sites.size(), "one call site: " + sites);
        return sites.get(0);
    }

    @Test
    void aSocketOpenedOnALibrarysThreadIsBlamedWhereTheApplicationHandedTheWorkOff() {
        Object work = new Object();
        ApplicationCode.run(CALLER, () -> tracker.origins().handedOff(work));
        openWhileRunning(work, new Object(), "OkHttp TaskRunner");
        Snapshot.CallSiteStats site = onlySite();
        assertTrue(site.blame().startsWith(CALLER + ".accept("), site.blame());
        assertTrue(site.applicationLine());
        assertEquals("through OkHttp, connected on thread OkHttp TaskRunner", site.origin());
        assertTrue(site.frames().get(0).startsWith(LIBRARY + "."), "first where the library connected: " + site.frames());
        assertTrue(site.frames().stream().anyMatch(f -> f.startsWith(CALLER + ".")), "then where it was asked for");
    }

    /** The whole chain is the key: a repeat needs no resolving, another asking line is another site. */
    @Test
    void aRepeatedHandOffIsRecognizedAtOnceAndAnotherCauseIsAnotherSite() {
        for (int i = 0; i < 3; i++) {
            Object work = new Object();
            ApplicationCode.run(CALLER, () -> tracker.origins().handedOff(work));
            openWhileRunning(work, new Object(), "OkHttp TaskRunner");
            tracker.process();
        }
        Object other = new Object();
        ApplicationCode.run(CALLBACK, () -> tracker.origins().handedOff(other));
        openWhileRunning(other, new Object(), "OkHttp TaskRunner");
        tracker.process();
        assertEquals(new StackWork(2, 2, 0), new Snapshots(tracker).stackWork(), "resolved, recognized, not captured");
        List<Snapshot.CallSiteStats> sites = new Snapshots(tracker).snapshot().callSites();
        assertEquals(2, sites.size(), sites.toString());
        for (Snapshot.CallSiteStats site : sites) {
            assertEquals(site.blame().startsWith(CALLER + ".") ? 3 : 1, site.opened(), site.toString());
        }
    }

    @Test
    void twoHandOffsInARowStillReachTheApplication() {
        Object call = new Object();
        Object plan = new Object();
        ApplicationCode.run(CALLER, () -> tracker.origins().handedOff(call));
        onLibraryThread("OkHttp Dispatcher", () -> { // the call runs, and plans a connect for a third thread
            tracker.origins().carryIn(call, true);
            tracker.origins().handedOff(plan);
            tracker.origins().carryOut();
        });
        openWhileRunning(plan, new Object(), "OkHttp TaskRunner");
        assertTrue(onlySite().blame().startsWith(CALLER + ".accept("));
    }

    @Test
    void anApplicationCallbackOnALibrarysThreadIsItsOwnCause() {
        Object outer = new Object();
        Object inner = new Object();
        ApplicationCode.run(CALLER, () -> tracker.origins().handedOff(outer));
        onLibraryThread("OkHttp Dispatcher", () -> {
            tracker.origins().carryIn(outer, true);
            ApplicationCode.run(CALLBACK, () -> tracker.origins().handedOff(inner)); // a new call from a callback
            tracker.origins().carryOut();
        });
        openWhileRunning(inner, new Object(), "OkHttp TaskRunner");
        assertTrue(onlySite().blame().startsWith(CALLBACK + ".accept("), "the nearest application line");
    }

    @Test
    void withoutAHandOffTheApplicationLineIsUnknownAndTheLibrarysLineIsNamed() {
        openWhileRunning(new Object(), new Object(), "HikariPool-1 connection adder");
        Snapshot.CallSiteStats site = onlySite();
        assertFalse(site.applicationLine());
        assertTrue(site.blame().startsWith(LIBRARY + ".accept("), site.blame());
        assertEquals("application line unknown: connected on thread HikariPool-1 connection adder, by OkHttp",
                site.origin());
    }

    /** A listener's stack is only a fallback: an accept in the application's own code is its site, recognized alone. */
    @Test
    void anAcceptInTheApplicationsCodeIsBlamedOnItselfAndRecognizedWithoutItsListener() {
        Object listener = new Object();
        ApplicationCode.run(CALLBACK, () -> tracker.origins().handedOff(listener)); // where the server was opened
        for (int i = 0; i < 3; i++) {
            ApplicationCode.run(CALLER, () -> tracker.accepted(new Object(), REMOTE, 8080, listener));
            tracker.process();
        }
        Snapshot.CallSiteStats site = onlySite();
        assertTrue(site.blame().startsWith(CALLER + ".accept("), site.blame());
        assertNull(site.origin());
        assertEquals(new StackWork(1, 2, 0), new Snapshots(tracker).stackWork(), "resolved, recognized, not captured");
    }

    /** Excluded is decided by the application's stack alone too: recognized at once, whatever the listener. */
    @Test
    void anExcludedAcceptIsRecognizedWithoutItsListener() {
        Tracker excluding = new Tracker(new TrackerSettings(List.of(CALLER), 100_000, Duration.ofSeconds(30)),
                (leak, first) -> leaks.add(leak), () -> { });
        Object listener = new Object();
        ApplicationCode.run(CALLBACK, () -> excluding.origins().handedOff(listener));
        for (int i = 0; i < 3; i++) {
            ApplicationCode.run(CALLER, () -> excluding.accepted(new Object(), REMOTE, 8080, listener));
            excluding.process();
        }
        assertEquals(new StackWork(1, 2, 0), new Snapshots(excluding).stackWork(), "resolved, recognized, not captured");
        assertEquals(3, new Snapshots(excluding).snapshot().counters().excluded());
    }

    @Test
    void theApplicationsOwnThreadNeedsNoOrigin() {
        ApplicationCode.run(CALLER, () -> tracker.opened(new Object(), REMOTE, 50_000, false));
        Snapshot.CallSiteStats site = onlySite();
        assertTrue(site.applicationLine());
        assertNull(site.origin());
    }

    @Test
    void aCarryEndsWithItsWork() {
        Object work = new Object();
        ApplicationCode.run(CALLER, () -> tracker.origins().handedOff(work));
        onLibraryThread("OkHttp TaskRunner", () -> {
            tracker.origins().carryIn(work, false);
            tracker.origins().carryOut();
            tracker.origins().carryOut(); // one too many (the work began before the agent): ignored
            tracker.opened(new Object(), REMOTE, 50_000, false);
        });
        assertFalse(onlySite().applicationLine(), "opened after the work was over");
    }

    @Test
    void workThatRunsOnceLetsItsStackGoAsItStartsAndStillCarriesIt() {
        Object call = new Object();
        ApplicationCode.run(CALLER, () -> tracker.origins().handedOff(call));
        assertEquals(1, tracker.origins().inFlight());
        onLibraryThread("OkHttp Dispatcher", () -> {
            tracker.origins().carryIn(call, true);
            assertEquals(0, tracker.origins().inFlight(), "let go as the work starts");
            tracker.opened(new Object(), REMOTE, 50_000, false);
            tracker.origins().carryOut();
        });
        assertTrue(onlySite().blame().startsWith(CALLER + ".accept("));
    }

    @Test
    void carriedStacksAreBoundedAndReleasedWithTheirWork() throws InterruptedException {
        Origins origins = new Origins();
        for (int i = 0; i < Origins.MAX_HANDED_OFF + 10; i++) {
            origins.handedOff(new Object()); // dropped at once: collectable
        }
        assertTrue(origins.inFlight() <= Origins.MAX_HANDED_OFF);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (origins.inFlight() > 1) {
            if (System.nanoTime() > deadline) {
                fail("carried stacks still held for collected work: " + origins.inFlight());
            }
            System.gc();
            Thread.sleep(20);
            origins.handedOff(new Object()); // each hand-off first drops what was collected
        }
    }

    @Test
    void aSocketClosedByACleanerThreadIsALeakAtItsCallSiteNotAClose() throws InterruptedException {
        Object socket = new Object();
        ApplicationCode.run(CALLER, () -> tracker.opened(socket, REMOTE, 50_000, false));
        tracker.process();
        Thread cleaner = new Thread(() -> tracker.closed(socket, 0), "PostgreSQL-JDBC-Cleaner");
        cleaner.start();
        cleaner.join();
        tracker.process();
        Snapshot s = new Snapshots(tracker).snapshot();
        assertEquals(0, s.counters().closed(), "no close of the application's");
        assertEquals(1, s.counters().collectedUnclosed());
        assertEquals(1, s.callSites().get(0).collected());
        assertEquals(0, s.openSockets());
        assertEquals(1, s.destinations().get(0).collected());
        assertEquals(1, leaks.size());
        assertEquals(LeakKind.COLLECTED, leaks.get(0).kind());
        assertTrue(leaks.get(0).site().blame().startsWith(CALLER + "."));
    }
}
