package io.socketleak.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.util.List;

/**
 * Defines the bridge ({@code io.socketleak.bootstrap}: the door the hooks call, and the readers of
 * socket internals and raw stacks) into {@code java.base}, in the package of the socket classes
 * that call it.
 *
 * <p>There the inlined hooks can link to it, and it reads the JDK's private fields with
 * {@code java.base}'s own rights. Nothing is appended to the boot class path, so the JVM keeps
 * class-data sharing and prints nothing. The agent's build already moves these classes into
 * {@code sun.nio.ch} in the jar (the names below are relocated with them); the agent links to them
 * there, through the export of {@code sun.nio.ch} that {@link AgentMain} grants to the agent's own
 * class loader, so no agent class that names them may load before {@link #defineInJavaBase()}.
 */
final class Bridge {
    /**
     * The bridge's classes, each defined before those that use it (a test checks that this lists the
     * whole package). The boot loader cannot find them by itself: a missing one would fail at its
     * first use.
     */
    static final List<String> CLASSES = List.of(
            "io.socketleak.bootstrap.SocketLeakEvents$Sink",
            "io.socketleak.bootstrap.SocketLeakEvents",
            "io.socketleak.bootstrap.SocketLeakState",
            "io.socketleak.bootstrap.SocketLeakBacktraces");

    /** A class of the bridge's package that no hook rewrites: looking it up must not load a target early. */
    private static final String PACKAGE_MEMBER = "sun.nio.ch.IOUtil";

    private Bridge() {
    }

    /** Defines the bridge, unless an earlier start in this JVM did. */
    static void defineInJavaBase() throws IOException, ReflectiveOperationException {
        if (defined()) {
            return;
        }
        MethodHandles.Lookup javaBase = MethodHandles.privateLookupIn(Class.forName(PACKAGE_MEMBER, false, null),
                MethodHandles.lookup());
        for (String name : CLASSES) {
            String resource = name.replace('.', '/') + ".class";
            try (InputStream in = Bridge.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("the agent jar lacks " + resource);
                }
                javaBase.defineClass(in.readAllBytes());
            }
        }
    }

    private static boolean defined() {
        try {
            Class.forName(CLASSES.get(CLASSES.size() - 1), false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
