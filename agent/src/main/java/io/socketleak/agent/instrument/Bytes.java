package io.socketleak.agent.instrument;

import java.util.Arrays;

/**
 * A growable big-endian byte buffer, and the readers of big-endian values in a class file: the
 * class file format's only two needs.
 */
final class Bytes {
    private byte[] data;
    private int length;

    Bytes(int capacity) {
        data = new byte[Math.max(16, capacity)];
    }

    int length() {
        return length;
    }

    Bytes u1(int value) {
        ensure(1);
        data[length++] = (byte) value;
        return this;
    }

    Bytes u2(int value) {
        ensure(2);
        data[length++] = (byte) (value >>> 8);
        data[length++] = (byte) value;
        return this;
    }

    Bytes u4(int value) {
        ensure(4);
        data[length++] = (byte) (value >>> 24);
        data[length++] = (byte) (value >>> 16);
        data[length++] = (byte) (value >>> 8);
        data[length++] = (byte) value;
        return this;
    }

    Bytes copy(byte[] from, int offset, int count) {
        ensure(count);
        System.arraycopy(from, offset, data, length, count);
        length += count;
        return this;
    }

    Bytes append(Bytes other) {
        return copy(other.data, 0, other.length);
    }

    /** Overwrites two bytes written before, at {@code at}. */
    void putU2(int at, int value) {
        data[at] = (byte) (value >>> 8);
        data[at + 1] = (byte) value;
    }

    /** Overwrites four bytes written before, at {@code at}. */
    void putU4(int at, int value) {
        data[at] = (byte) (value >>> 24);
        data[at + 1] = (byte) (value >>> 16);
        data[at + 2] = (byte) (value >>> 8);
        data[at + 3] = (byte) value;
    }

    byte[] toArray() {
        return Arrays.copyOf(data, length);
    }

    private void ensure(int more) {
        if (length + more > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, length + more));
        }
    }

    static int u1(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    static int u2(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static int s2(byte[] b, int at) {
        return (short) u2(b, at);
    }

    static int s4(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
