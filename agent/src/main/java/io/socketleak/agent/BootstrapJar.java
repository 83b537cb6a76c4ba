package io.socketleak.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the bridge package {@code io.socketleak.bootstrap} on the boot class path, so that advice
 * inlined into {@code java.base} can call it. The classes are copied from the agent jar into a small
 * temporary jar (deleted at exit); class loaders delegate to the boot loader first, so the agent's
 * own code then links against these same classes.
 */
final class BootstrapJar {
    static final String PACKAGE_PATH = "io/socketleak/bootstrap/";
    private static final String MARKER = "io.socketleak.bootstrap.SocketEvents";

    private BootstrapJar() {
    }

    /** The bridge's classes (a test checks that this lists the whole package). */
    static final List<String> CLASSES = List.of(
            "io/socketleak/bootstrap/SocketEvents.class",
            "io/socketleak/bootstrap/SocketEvents$Sink.class",
            "io/socketleak/bootstrap/SocketEvents$1.class",
            "io/socketleak/bootstrap/JdkSockets.class",
            "io/socketleak/bootstrap/Backtraces.class");

    static void appendTo(Instrumentation inst) throws IOException {
        if (onBootClassPath()) {
            return; // attached before: the bridge is already there
        }
        Path jar = Files.createTempFile("socket-leak-bootstrap", ".jar");
        jar.toFile().deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : CLASSES) {
                InputStream in = BootstrapJar.class.getClassLoader().getResourceAsStream(name);
                if (in == null) {
                    throw new IOException("the agent jar lacks " + name);
                }
                try (in) {
                    out.putNextEntry(new JarEntry(name));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    }

    static boolean onBootClassPath() {
        try {
            Class.forName(MARKER, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
