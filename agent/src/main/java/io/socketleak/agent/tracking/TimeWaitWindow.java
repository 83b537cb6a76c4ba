package io.socketleak.agent.tracking;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Closes that leave TIME_WAIT on this side, counted per second over a sliding window as long as
 * the longest TIME_WAIT: how many of a destination's ports are still held, and at what rate more
 * are being taken. Bounded (one counter per second of the window) and lock-free: each counter packs
 * its second and its count into one long, so a close is one compare-and-set.
 */
final class TimeWaitWindow {
    private static final int COUNT_BITS = 20;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1; // a million closes a second, per destination

    private final AtomicLongArray buckets;
    /** Sum of all counters, including ones past their second: an upper bound, cheap to read. */
    private final AtomicLong upperBound = new AtomicLong();

    TimeWaitWindow(int maxSeconds) {
        buckets = new AtomicLongArray(maxSeconds + 1);
    }

    void add(long epochSecond) {
        int i = (int) Math.floorMod(epochSecond, (long) buckets.length());
        while (true) {
            long packed = buckets.get(i);
            long second = packed >>> COUNT_BITS;
            long count = packed & COUNT_MASK;
            long next;
            long delta;
            if (second == epochSecond) {
                if (count == COUNT_MASK) {
                    return; // saturated: the port budget is long gone at this rate
                }
                next = packed + 1;
                delta = 1;
            } else if (second > epochSecond) {
                return; // older than the window: no longer holds a port
            } else {
                next = (epochSecond << COUNT_BITS) | 1; // a new second takes over an expired counter
                delta = 1 - count;
            }
            if (buckets.compareAndSet(i, packed, next)) {
                upperBound.addAndGet(delta);
                return;
            }
        }
    }

    /** Closes in the {@code span} seconds up to and including {@code nowSecond}. */
    long count(long nowSecond, int span) {
        long total = 0;
        for (int i = 0; i < buckets.length(); i++) {
            long packed = buckets.get(i);
            long age = nowSecond - (packed >>> COUNT_BITS);
            if (age >= 0 && age < span) {
                total += packed & COUNT_MASK;
            }
        }
        return total;
    }

    /** The earliest second within the {@code span} seconds up to {@code nowSecond} that had a close, or -1. */
    long firstSecondWithin(long nowSecond, int span) {
        long first = -1;
        for (int i = 0; i < buckets.length(); i++) {
            long packed = buckets.get(i);
            long second = packed >>> COUNT_BITS;
            long age = nowSecond - second;
            if (age >= 0 && age < span && (packed & COUNT_MASK) > 0 && (first < 0 || second < first)) {
                first = second;
            }
        }
        return first;
    }

    long upperBound() {
        return upperBound.get();
    }
}
