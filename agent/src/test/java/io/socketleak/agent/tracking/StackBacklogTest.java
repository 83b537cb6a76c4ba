package io.socketleak.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.socketleak.agent.testing.ApplicationCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackBacklogTest {
    /** The sockets the tests open, kept reachable (open) for the test's length. */
    private final List<Object> held = new ArrayList<>();

    @Test
    void pastTheBacklogOfRawStacksSocketsAreTrackedWithoutACallSite() {
        Tracker tracker = new Tracker(new TrackerSettings(List.of(), 100_000, Duration.ofSeconds(30)), (l, f) -> { }, () -> { });
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), 443);
        int extra = 5;
        for (int i = 0; i < TrackerSettings.MAX_PENDING_STACKS + extra; i++) {
            Object socket = new Object();
            held.add(socket);
            tracker.opened(socket, remote, 40_000 + i % 20_000, false);
        }
        Snapshot snapshot = new Snapshots(tracker).snapshot();
        assertEquals(TrackerSettings.MAX_PENDING_STACKS + extra, snapshot.openSockets(), "all still tracked");
        Snapshot.CallSiteStats uncaptured = snapshot.callSites().stream()
                .filter(s -> s.blame().startsWith("(stack not captured")).findFirst().orElseThrow();
        assertEquals(extra, uncaptured.open());
        assertEquals(0, snapshot.counters().notStored());
    }

    @Test
    void aStackSeenBeforeKeepsItsCallSitePastTheBacklog() {
        Tracker tracker = new Tracker(new TrackerSettings(List.of(), 100_000, Duration.ofSeconds(30)), (l, f) -> { }, () -> { });
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), 443);
        for (int round = 0; round < 2; round++) {
            Object known = new Object();
            held.add(known);
            ApplicationCode.run("com.acme.Known", () -> tracker.opened(known, remote, 39_999, false));
            if (round == 0) {
                tracker.process();
                for (int i = 0; i < TrackerSettings.MAX_PENDING_STACKS + 1; i++) {
                    Object socket = new Object();
                    held.add(socket);
                    tracker.opened(socket, remote, 40_000 + i % 20_000, false);
                }
            }
        }
        Snapshot snapshot = new Snapshots(tracker).snapshot();
        assertEquals(1, new Snapshots(tracker).stackWork().notCaptured());
        assertEquals(1, new Snapshots(tracker).stackWork().recognized());
        Snapshot.CallSiteStats known = snapshot.callSites().stream()
                .filter(s -> s.blame().startsWith("com.acme.Known")).findFirst().orElseThrow();
        assertEquals(2, known.opened(), "the first socket and its repeat past the backlog");
    }
}
