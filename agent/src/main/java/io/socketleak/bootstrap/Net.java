package io.socketleak.bootstrap;

import java.io.FileDescriptor;
import java.io.IOException;
import java.net.SocketOption;

/**
 * Stands in, for the compiler only, for the JDK's {@code sun.nio.ch.Net}, with the signatures it has
 * on JDK 17 to 25. The build moves this package to {@code sun.nio.ch} (see {@code agent/pom.xml}), so
 * the bridge's calls of these methods become calls of the JDK's own, linked directly from inside
 * {@code java.base}; this class itself is left out of the jar. (A method handle instead would spin an
 * invoker at its first call: milliseconds of every start.) Outside the jar, as in unit tests, each
 * method throws, and the bridge takes Net as missing.
 */
final class Net {
    private Net() {
    }

    static int poll(FileDescriptor fd, int events, long timeout) throws IOException {
        throw standIn();
    }

    static int available(FileDescriptor fd) throws IOException {
        throw standIn();
    }

    static Object getSocketOption(FileDescriptor fd, SocketOption<?> name) throws IOException {
        throw standIn();
    }

    static short pollinValue() {
        throw standIn();
    }

    static short pollerrValue() {
        throw standIn();
    }

    private static UnsupportedOperationException standIn() {
        return new UnsupportedOperationException("the stand-in for sun.nio.ch.Net, outside the agent jar");
    }
}
