package io.socketleak.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TimeWaitWindowTest {
    private static final long T = 1_700_000_000L; // an epoch second

    @Test
    void closesWithinTheSpanAreCounted() {
        TimeWaitWindow window = new TimeWaitWindow(60);
        window.add(T);
        window.add(T + 1);
        window.add(T + 1);
        window.add(T + 2);

        assertEquals(4, window.count(T + 2, 60));
        assertEquals(3, window.count(T + 2, 2)); // T+1 and T+2: ages 1 and 0
        assertEquals(1, window.count(T + 2, 1)); // T+2 only
    }

    @Test
    void closesAfterTheGivenSecondAreNotCounted() {
        TimeWaitWindow window = new TimeWaitWindow(60);
        window.add(T);
        window.add(T + 5);

        assertEquals(1, window.count(T + 4, 60));
    }

    @Test
    void oldSecondsFallOutOfTheSpan() {
        TimeWaitWindow window = new TimeWaitWindow(60);
        window.add(T);
        window.add(T);
        window.add(T + 30);

        assertEquals(3, window.count(T + 59, 60)); // T is 59 s old: still held
        assertEquals(1, window.count(T + 60, 60)); // T is 60 s old: gone
        assertEquals(0, window.count(T + 90, 60));
    }

    @Test
    void aNewSecondTakesOverTheBucketOfOneAWindowAgo() {
        TimeWaitWindow window = new TimeWaitWindow(60); // 61 buckets: T and T + 61 share one
        window.add(T);
        window.add(T);
        window.add(T + 61);

        assertEquals(1, window.count(T + 61, 60));
        assertEquals(1, window.upperBound());
    }

    @Test
    void anOutOfOrderAddOlderThanTheWindowIsIgnored() {
        TimeWaitWindow window = new TimeWaitWindow(60);
        window.add(T + 61);
        window.add(T + 61);
        window.add(T + 61);
        window.add(T); // late, and in the same bucket as T + 61: it must not wipe those three

        assertEquals(3, window.count(T + 61, 60));
        assertEquals(3, window.upperBound());
    }

    @Test
    void anOutOfOrderAddInsideTheWindowIsCounted() {
        TimeWaitWindow window = new TimeWaitWindow(60);
        window.add(T + 10);
        window.add(T + 3);

        assertEquals(2, window.count(T + 10, 60));
    }

    @Test
    void theUpperBoundCountsEveryAddStillInABucket() {
        TimeWaitWindow window = new TimeWaitWindow(60);
        for (int i = 0; i < 5; i++) {
            window.add(T + i);
        }

        assertEquals(5, window.upperBound());
        assertEquals(0, window.count(T + 200, 60)); // all expired, still in their buckets
        assertEquals(5, window.upperBound());
    }

    @Test
    void theUpperBoundIsNeverBelowTheCount() {
        TimeWaitWindow window = new TimeWaitWindow(60);
        Random random = new Random(42);
        long now = T;
        for (int step = 0; step < 20_000; step++) {
            now += random.nextInt(4) == 0 ? random.nextInt(3) : 0;
            long second = random.nextInt(10) == 0 ? now - random.nextInt(130) : now; // some late adds
            window.add(second);
            long count = window.count(now, 60);
            assertTrue(window.upperBound() >= count,
                    "at step " + step + ": upper bound " + window.upperBound() + " < count " + count);
        }
    }

    @Test
    void aWindowCanBeReadOverAShorterSpanThanItKeeps() {
        TimeWaitWindow window = new TimeWaitWindow(60);
        for (int i = 0; i < 60; i++) {
            window.add(T + i);
        }

        assertEquals(60, window.count(T + 59, 60));
        assertEquals(Snapshot.RATE_SECONDS, window.count(T + 59, Snapshot.RATE_SECONDS));
        assertEquals(Snapshot.REUSE_AGE_SECONDS, window.count(T + 59, Snapshot.REUSE_AGE_SECONDS));
    }
}
