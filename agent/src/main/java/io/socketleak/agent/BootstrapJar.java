package io.socketleak.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

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

    static void appendTo(Instrumentation inst) throws IOException, URISyntaxException {
        if (onBootClassPath()) {
            return; // attached before: the bridge is already there
        }
        Path source = Path.of(BootstrapJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = Files.createTempFile("socket-leak-bootstrap", ".jar");
        jar.toFile().deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.walk(source.resolve(PACKAGE_PATH))) {
                    for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        copy(Files.newInputStream(file), source.relativize(file).toString()
                                .replace(File.separatorChar, '/'), out);
                    }
                }
            } else {
                try (JarFile agentJar = new JarFile(source.toFile())) {
                    for (Enumeration<JarEntry> e = agentJar.entries(); e.hasMoreElements(); ) {
                        JarEntry entry = e.nextElement();
                        if (entry.getName().startsWith(PACKAGE_PATH) && entry.getName().endsWith(".class")) {
                            copy(agentJar.getInputStream(entry), entry.getName(), out);
                        }
                    }
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

    private static void copy(InputStream in, String name, JarOutputStream out) throws IOException {
        try (in) {
            out.putNextEntry(new JarEntry(name));
            in.transferTo((OutputStream) out);
            out.closeEntry();
        }
    }
}
