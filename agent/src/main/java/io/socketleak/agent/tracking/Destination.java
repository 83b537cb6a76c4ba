package io.socketleak.agent.tracking;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLongArray;

/** One remote endpoint this JVM connects to, and what became of those connections. */
final class Destination {
    final InetSocketAddress remote;
    /** Written by the tracker thread only. */
    long opened;
    long collected;
    /** Written by whichever thread counts a close. */
    final AtomicLongArray closes = new AtomicLongArray(CloseKind.values().length);

    Destination(InetSocketAddress remote) {
        this.remote = remote;
    }
}
