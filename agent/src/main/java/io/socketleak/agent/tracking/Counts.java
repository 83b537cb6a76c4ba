package io.socketleak.agent.tracking;

import java.util.concurrent.atomic.LongAdder;

/** Counters keyed by an enum's constants (close kinds, exhaustions), striped for the hot path. */
final class Counts<K extends Enum<K>> {
    private final LongAdder[] byKey;

    Counts(Class<K> keys) {
        byKey = new LongAdder[keys.getEnumConstants().length];
        for (int i = 0; i < byKey.length; i++) {
            byKey[i] = new LongAdder();
        }
    }

    void increment(K key) {
        byKey[key.ordinal()].increment();
    }

    long get(K key) {
        return byKey[key.ordinal()].sum();
    }

    long total() {
        long sum = 0;
        for (LongAdder adder : byKey) {
            sum += adder.sum();
        }
        return sum;
    }
}
