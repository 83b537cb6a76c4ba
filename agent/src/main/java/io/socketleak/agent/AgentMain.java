package io.socketleak.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.security.CodeSource;
import java.security.Permissions;
import java.security.ProtectionDomain;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Entry point of the agent jar: {@code -javaagent}, dynamic attach, and {@code java -jar} (the
 * command line).
 *
 * <p>A trampoline: the agent itself runs in a class loader of its own, whose parent is the platform
 * loader. So the application never sees the agent's classes, and the access to JDK internals that
 * the agent needs is granted to that loader alone, never to the application's code. Nothing thrown
 * here reaches the application: the agent stays off and the application runs on.
 */
public final class AgentMain {
    private AgentMain() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    public static void main(String[] args) throws Exception {
        Class.forName("io.socketleak.agent.cli.CommandLine").getMethod("main", String[].class)
                .invoke(null, (Object) args);
    }

    private static void start(String args, Instrumentation inst, boolean attached) {
        try {
            ClassLoader agent = new OwnClassLoader(AgentMain.class.getProtectionDomain().getCodeSource(), version());
            grantJdkInternals(inst, agent.getUnnamedModule());
            Class.forName("io.socketleak.agent.Startup", true, agent)
                    .getMethod("start", String.class, Instrumentation.class, boolean.class)
                    .invoke(null, args, inst, attached);
        } catch (Throwable t) {
            failed(t);
        }
    }

    /**
     * {@code sun.nio.ch}, where the bridge is defined (see {@link Bridge}): opened to the agent's loader
     * to define it, exported to link to it; and exported to {@code java.management}, whose
     * {@code ManagementFactory} carries a hook too.
     */
    private static void grantJdkInternals(Instrumentation inst, Module agent) {
        Module javaBase = Object.class.getModule();
        Set<Module> linking = new HashSet<>();
        linking.add(agent);
        Module management = ModuleLayer.boot().findModule("java.management").orElse(null);
        if (management != null) {
            linking.add(management);
        }
        inst.redefineModule(javaBase, Set.of(), Map.of("sun.nio.ch", linking), Map.of("sun.nio.ch", Set.of(agent)),
                Set.of(), Map.of());
    }

    /**
     * The agent's own loader: its classes from the agent jar, the JDK's from the platform loader. The
     * agent's classes are looked for here first: asking the parent for each would make, and throw
     * away, a {@code ClassNotFoundException} per class at every start. They are read straight from the
     * jar, which stays open: a {@code URLClassLoader} would make a URL, a code source and a manifest
     * check for each class, at every start.
     */
    private static final class OwnClassLoader extends ClassLoader {
        private static final String OWN = "io.socketleak.";

        static {
            registerAsParallelCapable();
        }

        private final ZipFile jar;
        private final ProtectionDomain domain;
        private final String version;

        OwnClassLoader(CodeSource source, String version) throws IOException, URISyntaxException {
            super("socket-leak-agent", ClassLoader.getPlatformClassLoader());
            this.jar = new ZipFile(new File(source.getLocation().toURI()));
            // No permissions: there is no security manager on the JDKs the agent runs on.
            this.domain = new ProtectionDomain(source, new Permissions(), this, null);
            this.version = version;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(OWN)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes;
            try (InputStream in = own(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
            String pkg = name.substring(0, name.lastIndexOf('.'));
            if (getDefinedPackage(pkg) == null) {
                try {
                    definePackage(pkg, null, null, null, "Socket Leak Detector", version, null, null);
                } catch (IllegalArgumentException raced) {
                    // defined by another thread meanwhile
                }
            }
            return defineClass(name, bytes, 0, bytes.length, domain);
        }

        /** The agent's own files first (the bridge's classes are read this way), then the JDK's. */
        @Override
        public InputStream getResourceAsStream(String name) {
            try {
                InputStream in = own(name);
                return in != null ? in : super.getResourceAsStream(name);
            } catch (IOException e) {
                return null;
            }
        }

        private InputStream own(String path) throws IOException {
            ZipEntry entry = jar.getEntry(path);
            return entry == null ? null : jar.getInputStream(entry);
        }
    }

    static void failed(Throwable t) {
        Throwable cause = t instanceof java.lang.reflect.InvocationTargetException ? t.getCause() : t;
        System.err.println("socket-leak-agent: could not start (" + cause + "); the application runs without it");
    }

    public static String version() {
        String v = AgentMain.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
