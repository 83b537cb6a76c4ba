package io.socketleak.agent.tracking;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.concurrent.ConcurrentHashMap;

/** The sockets that listen: counted, never leaks. Held weakly, like every tracked socket. */
public final class Listeners {
    private final ConcurrentHashMap<Object, TrackedSocket> open = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

    /** A socket started listening. */
    public void listening(Object socket) {
        TrackedSocket record = new TrackedSocket(0, socket, collected, null, 0, true, System.currentTimeMillis(),
                null, null);
        open.putIfAbsent(record, record);
    }

    /** Returns whether the socket was a listener (and forgets it). */
    public boolean closed(Object socket) {
        TrackedSocket record = open.remove(new WeakIdentity.Probe(socket));
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
        }
    }

    int size() {
        return open.size();
    }
}
