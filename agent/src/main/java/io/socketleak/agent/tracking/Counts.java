package io.socketleak.agent.tracking;

import java.util.EnumMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters keyed by an enum's constants (close kinds, exhaustions), striped for the hot path. */
final class Counts<K extends Enum<K>> {
    private final EnumMap<K, LongAdder> byKey;

    Counts(Class<K> keys) {
        byKey = new EnumMap<>(keys);
        for (K key : keys.getEnumConstants()) {
            byKey.put(key, new LongAdder());
        }
    }

    void increment(K key) {
        byKey.get(key).increment();
    }

    long get(K key) {
        return byKey.get(key).sum();
    }

    long total() {
        long sum = 0;
        for (LongAdder adder : byKey.values()) {
            sum += adder.sum();
        }
        return sum;
    }
}
