package io.socketleak.agent;

import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

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
    /** Set to the agent's version in a JVM the agent runs in: how the command line and tests tell. */
    public static final String AGENT_PROPERTY = "socketleak.agent.version";

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
            URL jar = AgentMain.class.getProtectionDomain().getCodeSource().getLocation();
            ClassLoader agent = new OwnClassLoader(jar);
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
     * away, a {@code ClassNotFoundException} per class at every start.
     */
    private static final class OwnClassLoader extends URLClassLoader {
        private static final String OWN = "io.socketleak.";

        OwnClassLoader(URL jar) {
            super("socket-leak-agent", new URL[] {jar}, ClassLoader.getPlatformClassLoader());
        }

        /**
         * None: the agent asks for no permission of its own (there is no security manager on the JDKs it
         * runs on), and working out the jar's would open it through a URL connection at every start.
         */
        @Override
        protected java.security.PermissionCollection getPermissions(java.security.CodeSource source) {
            return new java.security.Permissions();
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
