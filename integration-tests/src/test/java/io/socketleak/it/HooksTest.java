package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.socketleak.it.support.AgentReport;
import org.junit.jupiter.api.Test;

class HooksTest {
    @Test
    void everyHookInTheTableIsInstalledOnThisJdk() {
        assertArrayEquals(new String[0], AgentReport.missingHooks(),
                "hooks missing on Java " + Runtime.version());
    }
}
