package io.socketleak.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.agent.testing.ApplicationCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's memory bounds ("Limits"), with its figures written here: a change to a cap in the
 * code is a change to the README, and this test says so.
 */
class CapsTest {
    private static final InetSocketAddress HTTPS = new InetSocketAddress(InetAddress.getLoopbackAddress(), 443);
    /** Distinct stacks from two nested application classes: {@code OUTER} × {@code INNER} call sites. */
    private static final int OUTER = 101;
    private static final int INNER = 100;

    private final List<Object> held = new ArrayList<>();

    private static Tracker tracker() {
        return new Tracker(new TrackerSettings(List.of(), 100_000, Duration.ofSeconds(30)), (l, f) -> { }, () -> { });
    }

    /**
     * Opens one socket from a stack of its own: application class {@code com.acme.Outer<i>} calls
     * {@code com.acme.Inner<j>}, so the frames kept after the inner one differ too.
     */
    private void openFromDistinctStack(Tracker tracker, int site, InetSocketAddress remote) {
        Object socket = new Object();
        held.add(socket);
        ApplicationCode.run("com.acme.Outer" + site / INNER, () -> ApplicationCode.run("com.acme.Inner" + site % INNER,
                () -> tracker.opened(socket, remote, 40_000, false)));
    }

    @Test
    void tenThousandCallSitesAreKeptAndTheRestPooledIntoOther() {
        Tracker tracker = tracker();
        int sites = OUTER * INNER; // 10,100
        for (int i = 0; i < sites; i++) {
            openFromDistinctStack(tracker, i, HTTPS);
            if (i % 1000 == 999) {
                tracker.process(); // stay well under the 10,000 raw stacks waiting to be resolved
            }
        }
        Snapshot snapshot = new Snapshots(tracker).snapshot();
        List<Snapshot.CallSiteStats> kept = snapshot.callSites().stream()
                .filter(s -> !s.blame().startsWith("(other call sites)")).toList();
        Snapshot.CallSiteStats other = snapshot.callSites().stream()
                .filter(s -> s.blame().startsWith("(other call sites)")).findFirst().orElseThrow();
        assertEquals(10_000, kept.size(), "call sites kept");
        assertTrue(kept.stream().allMatch(s -> s.opened() == 1), "one socket each");
        assertEquals(sites - 10_000, other.opened(), "the rest pooled into one entry");
        assertEquals(sites, snapshot.openSockets(), "every socket still tracked");
    }

    @Test
    void tenThousandDestinationsAreKeptAndTheRestPooledIntoOther() throws UnknownHostException {
        Tracker tracker = tracker();
        int destinations = 10_005;
        for (int i = 0; i < destinations; i++) {
            Object socket = new Object();
            held.add(socket);
            InetSocketAddress remote = new InetSocketAddress(InetAddress.getByAddress(
                    new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}), 443);
            ApplicationCode.run("com.acme.Client", () -> tracker.opened(socket, remote, 40_000, false));
        }
        Snapshot snapshot = new Snapshots(tracker).snapshot();
        List<Snapshot.DestinationStats> kept = snapshot.destinations().stream()
                .filter(d -> !d.remote().startsWith("(other destinations)")).toList();
        Snapshot.DestinationStats other = snapshot.destinations().stream()
                .filter(d -> d.remote().startsWith("(other destinations)")).findFirst().orElseThrow();
        assertEquals(10_000, kept.size(), "destinations kept");
        assertEquals(destinations - 10_000, other.opened(), "the rest pooled into one entry");
        assertEquals(destinations - 10_000, other.open());
    }

    @Test
    void rememberedStacksHoldAtMostTwoHundredFiftyThousandFrames() {
        Tracker tracker = tracker();
        StackKeys keys = tracker.callSites.stackKeys;
        // A JDK whose backtraces the agent cannot read remembers nothing; this one must (JDK 17 and 25).
        assertTrue(keys.enabled(), "raw backtraces readable on this JDK");
        int sites = OUTER * INNER; // 10,100 stacks of 50+ frames: far more than 250,000 frames
        for (int i = 0; i < sites; i++) {
            openFromDistinctStack(tracker, i, HTTPS);
            if (i % 1000 == 999) {
                tracker.process();
            }
        }
        tracker.process();
        int depth = keys.storedFrames() / keys.size();
        assertTrue(keys.storedFrames() <= 250_000, "frames stored: " + keys.storedFrames());
        assertTrue(keys.storedFrames() > 250_000 - 2 * depth, "the cap was reached, not stopped short: "
                + keys.storedFrames() + " frames in " + keys.size() + " stacks");
        assertTrue(keys.size() < sites, "past the cap stacks are not remembered");

        // Past the cap a stack is resolved again each time, to the same call site (one of the 10,000 kept).
        int late = 9_999;
        long resolvedBefore = new Snapshots(tracker).stackWork().resolved();
        openFromDistinctStack(tracker, late, HTTPS);
        Snapshot snapshot = new Snapshots(tracker).snapshot();
        assertEquals(resolvedBefore + 1, new Snapshots(tracker).stackWork().resolved());
        assertEquals(2, snapshot.callSites().stream().filter(s -> s.blame().contains("Inner" + late % INNER + "."))
                .filter(s -> s.frames().stream().anyMatch(f -> f.contains("Outer" + late / INNER + ".")))
                .mapToLong(Snapshot.CallSiteStats::opened).sum());
    }

    @Test
    void aScopeKeepsTheLatestTenThousandLeaksAndSaysItIsIncomplete() throws InterruptedException {
        Tracker tracker = tracker();
        Snapshots snapshots = new Snapshots(tracker);
        long mark = System.nanoTime();
        int leaks = 10_003;
        for (int i = 0; i < leaks; i++) {
            ApplicationCode.run("com.acme.Client", () -> tracker.opened(new Object(), HTTPS, 40_000, false));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (snapshots.snapshot().counters().collectedUnclosed() < leaks && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(leaks, snapshots.snapshot().counters().collectedUnclosed(), "every dropped socket found");
        Scope scope = snapshots.since(mark);
        assertEquals(10_000, scope.leaks().size(), "leak events kept for a scope");
        assertFalse(scope.complete(), "a scope that lost events says so");
        assertEquals(leaks, scope.leaks().get(scope.leaks().size() - 1).sequence(), "the latest are kept");
    }
}
