package io.socketleak.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AgentThreadTest {
    @Test
    void aQuickReadOfTheKernelsTableIsRepeatedEveryTwoSeconds() {
        assertEquals(2_000, AgentThread.delayAfterScan(0));
        assertEquals(2_000, AgentThread.delayAfterScan(8));
    }

    @Test
    void aSlowReadIsRepeatedSoSeldomThatItCostsAtMostFourTenthsOfAPercentOfACore() {
        // 624 ms: a host with 130,000 connections in the table.
        long delay = AgentThread.delayAfterScan(624);
        assertEquals(156_000, delay);
        assertEquals(0.004, 624.0 / delay, 1e-9);
    }

    @Test
    void evenTheSlowestReadIsRepeatedWithinFiveMinutes() {
        assertEquals(300_000, AgentThread.delayAfterScan(5_000));
    }

    @Test
    void oneSlowReadPutsTheNextAtMostTwiceAsFarAway() {
        // 133 ms: a cold JVM's first read of 1,600 connections, interpreted; compiled, it takes 5.
        assertEquals(4_000, AgentThread.delayAfter(133, 2_000));
        assertEquals(2_000, AgentThread.delayAfter(5, 4_000), "a quick read brings the reads back");
        long delay = 2_000;
        for (int read = 0; read < 8; read++) {
            delay = AgentThread.delayAfter(624, delay);
        }
        assertEquals(156_000, delay, "a host whose reads are slow reaches the 0.4 % spacing within eight reads");
    }
}
