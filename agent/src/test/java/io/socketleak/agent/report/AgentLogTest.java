package io.socketleak.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AgentLogTest {
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'X'").withZone(ZoneOffset.UTC);

    private static String expected(long millis) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(millis)).replace('X', 'Z');
    }

    @Test
    void timestampsAreUtcWithMillisecondsAsJavaTimeWritesThem() {
        long[] moments = {0, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000L /* 2000-02-29 */,
            4_107_456_000_000L /* 2100-02-28 */, 4_107_542_399_999L, 1_796_083_200_123L, 253_402_300_799_999L};
        for (long moment : moments) {
            assertEquals(expected(moment), AgentLog.timestamp(moment));
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            long moment = random.nextLong(0, 253_402_300_800_000L); // to the end of year 9999
            assertEquals(expected(moment), AgentLog.timestamp(moment), "at " + moment);
        }
    }
}
