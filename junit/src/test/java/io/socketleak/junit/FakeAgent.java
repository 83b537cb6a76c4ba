package io.socketleak.junit;

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
        name = new ObjectName(Detector.OBJECT_NAME);
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
    public synchronized String socketsSinceJson(long mark) {
        StringBuilder leaks = new StringBuilder();
        StringBuilder open = new StringBuilder();
        long now = System.nanoTime();
        for (FakeSocket socket : sockets) {
            if (socket.openedAt < mark) {
                continue;
            }
            if (socket.collectedAtNanos != 0 && now - socket.collectedAtNanos >= 0) {
                append(leaks, "{\"kind\":\"collected\"," + socket.json(false) + "}");
            } else if (socket.closedAtNanos == 0 || now - socket.closedAtNanos < 0) {
                append(open, "{" + socket.json(true) + "}");
            }
        }
        return "{\"schema\":1,\"mark\":" + mark + ",\"complete\":true,\"leaks\":[" + leaks + "],\"open\":[" + open + "]}";
    }

    private static void append(StringBuilder list, String item) {
        if (list.length() > 0) {
            list.append(',');
        }
        list.append(item);
    }

    /** A socket as the fake agent sees it. */
    static final class FakeSocket {
        final long openedAt;
        final String blame;
        final String remote;
        final boolean inbound;
        volatile long closedAtNanos;
        volatile long collectedAtNanos;

        FakeSocket(long openedAt, String blame, String remote, boolean inbound) {
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

        String json(boolean open) {
            return "\"remote\":\"" + remote + "\"," + (open ? "\"inbound\":" + inbound + "," : "")
                    + "\"ageMillis\":5,\"thread\":\"main\",\"blame\":\"" + blame + "\",\"frames\":[\"" + blame
                    + "\",\"java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)\"]";
        }
    }
}
