package io.socketleak.agent.tracking;

/**
 * Closes that leave TIME_WAIT on this side, counted per second over a sliding window as long as
 * the longest TIME_WAIT: how many of a destination's ports are still held, and at what rate more
 * are being taken. Bounded: one counter per second of the window.
 */
final class TimeWaitWindow {
    private final long[] seconds;
    private final long[] counts;
    /** Sum of all buckets, including ones past their second: an upper bound, cheap to read. */
    private volatile long upperBound;

    TimeWaitWindow(int maxSeconds) {
        seconds = new long[maxSeconds + 1];
        counts = new long[maxSeconds + 1];
    }

    synchronized void add(long epochSecond) {
        int i = (int) Math.floorMod(epochSecond, (long) seconds.length);
        if (seconds[i] != epochSecond) {
            if (epochSecond < seconds[i]) {
                return; // older than the window: no longer holds a port
            }
            upperBound -= counts[i];
            seconds[i] = epochSecond;
            counts[i] = 0;
        }
        counts[i]++;
        upperBound++;
    }

    /** Closes in the {@code span} seconds up to and including {@code nowSecond}. */
    synchronized long count(long nowSecond, int span) {
        long total = 0;
        for (int i = 0; i < seconds.length; i++) {
            long age = nowSecond - seconds[i];
            if (age >= 0 && age < span && counts[i] > 0) {
                total += counts[i];
            }
        }
        return total;
    }

    long upperBound() {
        return upperBound;
    }
}
