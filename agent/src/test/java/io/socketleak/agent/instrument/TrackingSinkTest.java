package io.socketleak.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.socketleak.agent.testing.ApplicationCode;
import io.socketleak.agent.tracking.Snapshot;
import io.socketleak.agent.tracking.Snapshots;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.agent.tracking.TrackerSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Monitoring traffic is left out of the application's counts: here the Prometheus exporter's scrapes;
 * the JDK's local JMX connector (found by its real frames) in the integration tests.
 */
class TrackingSinkTest {
    private final Tracker tracker = new Tracker(new TrackerSettings(List.of(), 100_000, Duration.ofSeconds(30)),
            (leak, first) -> { }, () -> { });
    private final TrackingSink sink = new TrackingSink(tracker, server -> { });
    private final Snapshots snapshots = new Snapshots(tracker);
    /** The sockets of a test, reachable until it ends. */
    private final List<Object> held = new ArrayList<>();

    /** Listens from inside a class of this name, as the hooks report a bind-and-listen there. */
    private Object listenFrom(String className) {
        Object listener = new Object();
        held.add(listener);
        ApplicationCode.run(className, () -> sink.listening(listener));
        return listener;
    }

    /** Accepts on the calling thread, whose stack has no application frame: a server's accept loop, say. */
    private Object accept(Object listener) {
        Object socket = new Object();
        held.add(socket);
        tracker.accepted(socket, new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000), 9404, listener);
        return socket;
    }

    @Test
    void theScrapesOfThePrometheusExportersAgentAreNotTheApplications() {
        Object exporter = listenFrom(TrackingSink.PROMETHEUS_JMX_EXPORTER);
        Object application = listenFrom("com.acme.Server");
        Object scrape = accept(exporter);
        accept(application);
        tracker.closed(scrape, 0);

        Snapshot.Totals totals = snapshots.totals();
        Snapshot.Counters counts = totals.counters();

        assertEquals(1, counts.opened(), counts.toString());
        assertEquals(0, counts.excluded(), "left out, not excluded by the user's option: " + counts);
        assertEquals(0, counts.closed(), counts.toString());
        assertEquals(0, counts.closedUnseen(), "the scrape's close is not a close of an unseen socket: " + counts);
        assertEquals(1, totals.openSockets());
        assertEquals(1, totals.listening(), "the application's listener only");
    }
}
