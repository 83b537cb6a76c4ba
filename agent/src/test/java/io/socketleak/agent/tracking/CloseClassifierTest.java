package io.socketleak.agent.tracking;

import static io.socketleak.agent.tracking.CloseClassifier.LINGER_ZERO;
import static io.socketleak.agent.tracking.CloseClassifier.OUTPUT_SHUT;
import static io.socketleak.agent.tracking.CloseClassifier.PEER_FIN;
import static io.socketleak.agent.tracking.CloseClassifier.RESET_BY_PEER;
import static io.socketleak.agent.tracking.CloseClassifier.UNREAD_DATA;
import static io.socketleak.agent.tracking.CloseClassifier.classify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CloseClassifierTest {
    private static final long T = 1_700_000_000_000L;

    @Test
    void theFlagsAreDistinctBits() {
        int all = 0;
        for (int flag : new int[] {RESET_BY_PEER, LINGER_ZERO, UNREAD_DATA, PEER_FIN, OUTPUT_SHUT}) {
            assertEquals(1, Integer.bitCount(flag));
            assertEquals(0, all & flag);
            all |= flag;
        }
    }

    @Test
    void aCloseWithNothingFromThePeerIsActive() {
        assertEquals(CloseKind.ACTIVE, classify(0, 0, 0));
    }

    @Test
    void aResetFromThePeerMakesTheCloseAbortive() {
        assertEquals(CloseKind.ABORTIVE, classify(RESET_BY_PEER, 0, 0));
    }

    @Test
    void lingerZeroMakesTheCloseAbortive() {
        assertEquals(CloseKind.ABORTIVE, classify(LINGER_ZERO, 0, 0));
    }

    @Test
    void unreadDataMakesTheCloseAbortive() {
        assertEquals(CloseKind.ABORTIVE, classify(UNREAD_DATA, 0, 0));
    }

    @ParameterizedTest
    @ValueSource(ints = {RESET_BY_PEER, LINGER_ZERO, UNREAD_DATA})
    void anRstWinsOverEverythingElseThatWasSeen(int rstCause) {
        // Even when the peer closed first, or we shut down first: the RST means no TIME_WAIT anywhere.
        assertEquals(CloseKind.ABORTIVE, classify(rstCause | PEER_FIN | OUTPUT_SHUT, T, T - 10));
        assertEquals(CloseKind.ABORTIVE, classify(rstCause, T, 0));
        assertEquals(CloseKind.ABORTIVE, classify(rstCause, 0, T));
    }

    @Test
    void thePeersEndOfStreamReadFirstMakesTheClosePassive() {
        assertEquals(CloseKind.PASSIVE, classify(0, T, 0));
    }

    @Test
    void aPeerFinWaitingUnreadMakesTheClosePassive() {
        assertEquals(CloseKind.PASSIVE, classify(PEER_FIN, 0, 0));
    }

    @Test
    void ourShutdownOutputBeforeThePeersEndOfStreamMakesTheCloseActive() {
        assertEquals(CloseKind.ACTIVE, classify(PEER_FIN | OUTPUT_SHUT, T + 5, T));
        assertEquals(CloseKind.ACTIVE, classify(0, T + 5, T));
    }

    @Test
    void ourShutdownOutputAfterThePeersEndOfStreamLeavesTheClosePassive() {
        assertEquals(CloseKind.PASSIVE, classify(PEER_FIN | OUTPUT_SHUT, T, T + 5));
        assertEquals(CloseKind.PASSIVE, classify(0, T, T + 5));
    }

    @Test
    void ourShutdownOutputWithThePeersFinArrivingUnreadIsActive() {
        // We sent FIN at T; the peer's FIN is waiting, never read: ours went first as far as anyone saw.
        assertEquals(CloseKind.ACTIVE, classify(PEER_FIN | OUTPUT_SHUT, 0, T));
    }

    @Test
    void ourShutdownOutputWithoutAnyPeerFinIsActive() {
        assertEquals(CloseKind.ACTIVE, classify(OUTPUT_SHUT, 0, T));
        assertEquals(CloseKind.ACTIVE, classify(0, 0, T));
    }

    @Test
    void anOutputShutdownTheAgentDidNotSeeIsAssumedToBeFirstWhenNoEndOfStreamWasRead() {
        // The socket says its output is shut, the agent has no time for it (attached later).
        assertEquals(CloseKind.ACTIVE, classify(OUTPUT_SHUT | PEER_FIN, 0, 0));
    }

    @Test
    void anOutputShutdownTheAgentDidNotSeeDoesNotOverruleAnEndOfStreamItDidSee() {
        assertEquals(CloseKind.PASSIVE, classify(OUTPUT_SHUT | PEER_FIN, T, 0));
    }

    @Test
    void theKindDependsOnTheOrderOfTheTwoFinsNotOnTheirAbsoluteTimes() {
        assertNotEquals(classify(0, T, T + 1), classify(0, T + 1, T));
        assertEquals(classify(0, 10, 20), classify(0, T + 10, T + 20));
    }
}
