package io.socketleak.agent.tracking;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sockets that listen: counted, never leaks. Held weakly, like every tracked socket. The JDK's
 * own listeners for management (the local JMX connector that {@code report <pid>} and jconsole start)
 * are kept apart: neither they nor the connections they accept are the application's.
 */
public final class Listeners {
    private final ConcurrentHashMap<Object, TrackedSocket> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Object, TrackedSocket> management = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

    /** A socket started listening. */
    public void listening(Object socket) {
        add(open, socket);
    }

    /** The JDK's local management agent started listening: not the application's, not counted. */
    public void managementListening(Object socket) {
        add(management, socket);
    }

    private void add(ConcurrentHashMap<Object, TrackedSocket> into, Object socket) {
        TrackedSocket record = new TrackedSocket(0, socket, collected, null, 0, true, System.currentTimeMillis(),
                null, null);
        into.putIfAbsent(record, record);
    }

    /** Whether connections accepted on this listener are the JDK's management traffic. */
    boolean isManagement(Object listener) {
        return listener != null && !management.isEmpty() && management.containsKey(new WeakIdentity.Probe(listener));
    }

    /** Returns whether the socket was a listener (and forgets it). */
    public boolean closed(Object socket) {
        WeakIdentity.Probe probe = new WeakIdentity.Probe(socket);
        TrackedSocket record = open.remove(probe);
        if (record == null) {
            record = management.remove(probe);
        }
        if (record != null) {
            record.clear();
        }
        return record != null;
    }

    /** On the tracker thread: forgets listeners collected without close(). */
    void dropCollected() {
        Reference<?> gone;
        while ((gone = collected.poll()) != null) {
            open.remove(gone, gone);
            management.remove(gone, gone);
        }
    }

    int size() {
        return open.size();
    }
}
