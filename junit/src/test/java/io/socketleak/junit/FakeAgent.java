package io.socketleak.junit;

import io.socketleak.agent.report.JsonReport;
import io.socketleak.agent.tracking.Leak;
import io.socketleak.agent.tracking.LeakKind;
import io.socketleak.agent.tracking.Scope;
import io.socketleak.protocol.AgentProtocol;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;

/**
 * Stands in for the agent's MXBean, so that the extension's scopes, grace period and allow-list can
 * be tested in milliseconds, without real sockets. Marks are a logical clock; a socket belongs to a
 * mark when it was opened at or after it. A dropped socket looks open for a moment, then becomes a
 * "collected" leak, as a real one does once the collector finds it.
 */
public final class FakeAgent implements FakeAgentMXBean, AutoCloseable {
    private static volatile FakeAgent current;

    private final AtomicLong clock = new AtomicLong();
    private final List<FakeSocket> sockets = new ArrayList<>();
    private final ObjectName name;

    private FakeAgent() throws Exception {
        name = new ObjectName(AgentProtocol.OBJECT_NAME);
        ManagementFactory.getPlatformMBeanServer().registerMBean(this, name);
    }

    static FakeAgent install() throws Exception {
        current = new FakeAgent();
        return current;
    }

    /** The agent the example test classes talk to. */
    static FakeAgent current() {
        return current;
    }

    @Override
    public void close() throws Exception {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        current = null;
    }

    @Override
    public String getVersion() {
        return "fake";
    }

    @Override
    public long mark() {
        return clock.incrementAndGet();
    }

    /** A socket connected by the code at {@code blame} (a frame), to {@code remote}. */
    FakeSocket connect(String blame, String remote) {
        return add(new FakeSocket(clock.incrementAndGet(), blame, remote, false));
    }

    FakeSocket accept(String blame, String remote) {
        return add(new FakeSocket(clock.incrementAndGet(), blame, remote, true));
    }

    private synchronized FakeSocket add(FakeSocket socket) {
        sockets.add(socket);
        return socket;
    }

    @Override
    public String socketsSinceJson(long mark) {
        return JsonReport.render(scope(mark, null));
    }

    @Override
    public String socketsBetweenJson(long from, long to) {
        return JsonReport.render(scope(from, to));
    }

    /** The answer, made and written by the agent's own classes: the fake's JSON is the agent's. */
    private synchronized Scope scope(long from, Long to) {
        List<Scope.LeakEvent> leaks = new ArrayList<>();
        List<Scope.OpenSocket> open = new ArrayList<>();
        long now = System.nanoTime();
        for (FakeSocket socket : sockets) {
            if (socket.openedAt < from || (to != null && socket.openedAt >= to)) {
                continue;
            }
            if (socket.collectedAtNanos != 0 && now - socket.collectedAtNanos >= 0) {
                leaks.add(new Scope.LeakEvent(leaks.size() + 1, socket.id, LeakKind.COLLECTED, socket.openedAt,
                        socket.remote, socket.inbound, 5, "main", socket.site()));
            } else if (socket.closedAtNanos == 0 || now - socket.closedAtNanos < 0) {
                open.add(new Scope.OpenSocket(socket.id, socket.remote, socket.inbound, "main", 5, socket.site()));
            }
        }
        return new Scope(from, to, leaks, open, true);
    }

    /** A socket as the fake agent sees it. */
    static final class FakeSocket {
        /** Its id and the moment it opened: one tick of the fake's clock. */
        final long id;
        final long openedAt;
        final String blame;
        final String remote;
        final boolean inbound;
        volatile long closedAtNanos;
        volatile long collectedAtNanos;

        FakeSocket(long openedAt, String blame, String remote, boolean inbound) {
            this.id = openedAt;
            this.openedAt = openedAt;
            this.blame = blame;
            this.remote = remote;
            this.inbound = inbound;
        }

        void close() {
            closedAtNanos = System.nanoTime();
        }

        /** Closed by another thread a little later. */
        void closeIn(Duration delay) {
            closedAtNanos = System.nanoTime() + delay.toNanos();
        }

        /** Dropped without close(): looks open until the (pretend) collector finds it. */
        void drop() {
            collectedAtNanos = System.nanoTime() + Duration.ofMillis(100).toNanos();
        }

        Leak.CallSiteRef site() {
            return new Leak.CallSiteRef(1, blame, List.of(blame,
                    "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)"));
        }
    }
}
