package io.socketleak.agent.tracking;

/** A span of this JVM's {@code System.nanoTime()}: from a mark (included) to an end (excluded), or to now. */
record Window(long fromNanos, Long toNanos) {
    boolean holds(long nanos) {
        // Differences, not comparisons: nanoTime may wrap.
        return nanos - fromNanos >= 0 && (toNanos == null || nanos - toNanos < 0);
    }
}
