package io.socketleak.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DetectorThreadTest {
    @Test
    void aQuickReadOfTheKernelsTableIsRepeatedEveryTwoSeconds() {
        assertEquals(2_000, DetectorThread.delayAfterScan(0));
        assertEquals(2_000, DetectorThread.delayAfterScan(8));
    }

    @Test
    void aSlowReadIsRepeatedSoSeldomThatItCostsAtMostFourTenthsOfAPercentOfACore() {
        // 624 ms: a host with 130,000 connections in the table.
        long delay = DetectorThread.delayAfterScan(624);
        assertEquals(156_000, delay);
        assertEquals(0.004, 624.0 / delay, 1e-9);
    }

    @Test
    void evenTheSlowestReadIsRepeatedWithinFiveMinutes() {
        assertEquals(300_000, DetectorThread.delayAfterScan(5_000));
    }
}
