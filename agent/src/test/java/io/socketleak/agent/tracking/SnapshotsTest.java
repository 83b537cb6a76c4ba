package io.socketleak.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.socketleak.agent.testing.ApplicationCode;
import java.lang.ref.Reference;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The scope questions a test tool asks: which sockets, told apart by their ids. */
class SnapshotsTest {
    private static final String CLIENT = "com.acme.Client";
    private static final InetSocketAddress REMOTE = InetSocketAddress.createUnresolved("db.example", 5432);

    private final Tracker tracker = new Tracker(new TrackerSettings(List.of(), 100_000, Duration.ZERO),
            (leak, first) -> { }, () -> { });
    private final Snapshots snapshots = new Snapshots(tracker);

    /** The sockets of a test, reachable (open) until it ends. */
    private final List<Object> held = new ArrayList<>();

    /** Opens a socket that stays reachable for the test's length. */
    private Object open() {
        Object socket = openUnheld();
        held.add(socket);
        return socket;
    }

    private Object openUnheld() {
        Object socket = new Object();
        ApplicationCode.run(CLIENT, () -> tracker.opened(socket, REMOTE, 50_000, false));
        return socket;
    }

    /** A mark strictly after everything opened so far, and strictly before anything opened next. */
    private static long mark() {
        long before = System.nanoTime();
        long mark;
        while ((mark = System.nanoTime()) == before) {
            Thread.onSpinWait();
        }
        while (System.nanoTime() == mark) {
            Thread.onSpinWait();
        }
        return mark;
    }

    /** Opens a socket, notes the ids open since the mark, and drops it: only the tracker's weak reference is left. */
    private Set<Long> openAndDrop(long mark) {
        Object socket = openUnheld();
        try {
            return openIds(snapshots.since(mark));
        } finally {
            Reference.reachabilityFence(socket);
        }
    }

    private static Set<Long> openIds(Scope scope) {
        Set<Long> ids = new TreeSet<>();
        for (Scope.OpenSocket socket : scope.open()) {
            ids.add(socket.socket());
        }
        return ids;
    }

    private static Set<Long> leakIds(Scope scope) {
        Set<Long> ids = new TreeSet<>();
        for (Scope.LeakEvent leak : scope.leaks()) {
            ids.add(leak.socket());
        }
        return ids;
    }

    @Test
    void eachSocketHasItsOwnIdAndKeepsItInEveryAnswer() {
        open();
        open();
        open();
        Set<Long> first = openIds(snapshots.since(0));
        assertEquals(3, first.size(), "three sockets, three ids: " + first);
        assertEquals(first, openIds(snapshots.since(0)));
    }

    @Test
    void betweenTwoMarksHoldsOnlyTheSocketsOpenedInThatWindow() {
        open();
        long from = mark();
        open();
        open();
        long to = mark();
        open();
        Set<Long> all = openIds(snapshots.since(0));
        Set<Long> since = openIds(snapshots.since(from));
        Scope between = snapshots.between(from, to);
        assertEquals(4, all.size());
        assertEquals(3, since.size());
        assertEquals(2, openIds(between).size());
        assertEquals(true, since.containsAll(openIds(between)));
        Set<Long> after = new TreeSet<>(since);
        after.removeAll(openIds(between));
        assertEquals(after, openIds(snapshots.since(to)), "since(from) is between(from, to) and since(to)");
        assertEquals(from, between.markNanos());
        assertEquals(to, between.endNanos());
        assertNull(snapshots.since(from).endNanos());
    }

    @Test
    void aSocketLeftInCloseWaitIsOneIdInBothLists() {
        long mark = mark();
        Object socket = open();
        open();
        tracker.endOfStream(socket); // closeWaitAfter is zero: due at once
        Scope scope = snapshots.since(mark);
        assertEquals(1, scope.leaks().size());
        assertEquals(LeakKind.CLOSE_WAIT, scope.leaks().get(0).kind());
        assertEquals(2, openIds(scope).size());
        assertEquals(true, openIds(scope).containsAll(leakIds(scope)));
    }

    @Test
    void aSocketCollectedWithoutCloseKeepsTheIdItHadWhileOpen() throws InterruptedException {
        long mark = mark();
        Set<Long> whileOpen = openAndDrop(mark);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (snapshots.since(mark).leaks().isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail("the collector did not clear the dropped socket within 5 s");
            }
            System.gc();
            Thread.sleep(20);
        }
        Scope after = snapshots.since(mark);
        assertEquals(whileOpen, leakIds(after));
        assertEquals(Set.of(), openIds(after));
    }

    @Test
    void theTotalsAreTheSnapshotsCountsWithoutItsLists() {
        Object closed = open();
        Object peerClosed = open();
        open();
        Object listener = new Object();
        held.add(listener);
        tracker.closed(closed, 0);
        tracker.endOfStream(peerClosed); // closeWaitAfter is zero: a CLOSE_WAIT leak at once
        tracker.listeners().listening(listener);
        Snapshot.Totals totals = snapshots.totals();
        Snapshot snapshot = snapshots.snapshot();
        assertEquals(snapshot.openSockets(), totals.openSockets());
        assertEquals(snapshot.listening(), totals.listening());
        assertEquals(snapshot.counters(), totals.counters());
        assertEquals(snapshot.leakCount(), totals.leaks());
        assertEquals(2, totals.openSockets());
        assertEquals(1, totals.listening());
        assertEquals(1, totals.leaks());
        assertEquals(3, totals.counters().opened());
        assertEquals(1, totals.counters().activeCloses());
    }
}
