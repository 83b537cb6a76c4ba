package io.socketleak.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackBacklogTest {
    @Test
    void pastTheBacklogOfRawStacksSocketsAreTrackedWithoutACallSite() {
        Tracker tracker = new Tracker(new TrackerSettings(List.of(), 100_000, Duration.ofSeconds(30)), (l, f) -> { });
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), 443);
        List<Object> sockets = new ArrayList<>();
        int extra = 5;
        for (int i = 0; i < TrackerSettings.MAX_PENDING_STACKS + extra; i++) {
            Object socket = new Object();
            sockets.add(socket);
            tracker.opened(socket, remote, 40_000 + i % 20_000, false);
        }
        Snapshot snapshot = tracker.snapshot();
        assertEquals(TrackerSettings.MAX_PENDING_STACKS + extra, snapshot.openSockets(), "all still tracked");
        Snapshot.CallSiteStats uncaptured = snapshot.callSites().stream()
                .filter(s -> s.blame().startsWith("(stack not captured")).findFirst().orElseThrow();
        assertEquals(extra, uncaptured.open());
        assertEquals(0, snapshot.counters().notStored());
    }
}
