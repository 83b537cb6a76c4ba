package io.socketleak.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.bootstrap.SocketLeakEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The class-file patcher on real class files: what the hooks report, that the methods behave as
 * before, and that the JVM's verifier accepts every method of a large corpus with advice inlined.
 */
class HookedClassTest {
    private final List<String> events = new ArrayList<>();

    @AfterEach
    void uninstall() {
        SocketLeakEvents.install(null);
    }

    /** What the hooked fixture is called through: loaded by the test's loader, so both sides see one type. */
    public interface Calls {
        int classify(int n);

        long skip(long n);

        void closeThrice();

        int count();

        void connectOrThrow(boolean fail) throws IOException;

        boolean connectIf(boolean connected);

        Object server();

        void acceptInto(Object target);

        int readCatching(String number);

        int runWork(boolean fail);

        void configureBlocking(boolean block);

        void handOff();

        Object management();
    }

    /** Code shaped to move every kind of offset: returns before switches, a loop back to offset 0, handlers. */
    public static final class Fixture implements Calls {
        private int count;

        public Fixture(int start) {
            count = start;
        }

        @Override
        public int classify(int n) {
            if (n == 100) {
                return -1; // the advice before this return shifts both switches below out of alignment
            }
            switch (n) { // a tableswitch
                case 0 -> {
                    return 10;
                }
                case 1 -> {
                    return 11;
                }
                case 2 -> {
                    return 12;
                }
                default -> {
                }
            }
            return switch (n) { // a lookupswitch
                case 1000 -> 1;
                case -5000 -> 2;
                case 7 -> 3;
                default -> n;
            };
        }

        @Override
        public long skip(long n) {
            return n;
        }

        @Override
        public void closeThrice() {
            do {
                count++; // the loop jumps back to the method's first instruction
            } while (count % 3 != 0);
        }

        @Override
        public int count() {
            return count;
        }

        @Override
        public void connectOrThrow(boolean fail) throws IOException {
            if (fail) {
                throw new IOException("refused");
            }
        }

        @Override
        public boolean connectIf(boolean connected) {
            return connected;
        }

        @Override
        public Object server() {
            return "server";
        }

        @Override
        public void acceptInto(Object target) {
            java.util.Objects.requireNonNull(target);
        }

        @Override
        public int readCatching(String number) {
            try {
                return Integer.parseInt(number);
            } catch (NumberFormatException e) {
                return -7;
            }
        }

        @Override
        public int runWork(boolean fail) {
            if (fail) {
                throw new IllegalStateException("work failed");
            }
            return 5;
        }

        @Override
        public void configureBlocking(boolean block) {
            count += block ? 0 : 100;
        }

        @Override
        public void handOff() {
            count++;
        }

        @Override
        public Object management() {
            return "management";
        }

        public static int make(boolean fail) throws IOException {
            if (fail) {
                throw new IOException("no descriptor");
            }
            return 3;
        }
    }

    @Test
    void theHooksReportWhatTheirAdviceSaysAndTheMethodsBehaveAsBefore() throws Exception {
        String type = Fixture.class.getName().replace('.', '/');
        List<Hook> hooks = List.of(
                new Hook("classify", Fixture.class.getName(), "classify", "(I)", Advice.READ),
                new Hook("skip", Fixture.class.getName(), "skip", "(J)", Advice.READ),
                new Hook("close", Fixture.class.getName(), "closeThrice", "()", Advice.CLOSING),
                new Hook("connect", Fixture.class.getName(), "connectOrThrow", "(Z)", Advice.CONNECTED),
                new Hook("connectIf", Fixture.class.getName(), "connectIf", "(Z)", Advice.CONNECTED_IF_TRUE),
                new Hook("server", Fixture.class.getName(), "server", "()", Advice.ACCEPTED_RESULT),
                new Hook("accept", Fixture.class.getName(), "acceptInto", "(Ljava/lang/Object;)",
                        Advice.ACCEPTED_INTO_ARGUMENT),
                new Hook("read", Fixture.class.getName(), "readCatching", "(Ljava/lang/String;)", Advice.READ),
                new Hook("constructed", Fixture.class.getName(), "<init>", "(I)", Advice.HANDED_OFF),
                new Hook("make", Fixture.class.getName(), "make", "(Z)", Advice.CREATION_FAILURE),
                new Hook("run", Fixture.class.getName(), "runWork", "(Z)", Advice.CARRIED),
                new Hook("blocking", Fixture.class.getName(), "configureBlocking", "(Z)", Advice.CONFIGURING_BLOCKING),
                new Hook("handOff", Fixture.class.getName(), "handOff", "()", Advice.HANDED_OFF),
                new Hook("management", Fixture.class.getName(), "management", "()", Advice.MANAGEMENT_SERVER));
        HookStatus status = new HookStatus();
        byte[] hooked = HookedClass.rewrite(bytesOf(HookedClassTest.class, type + ".class"), hooks, status);
        for (Hook hook : hooks) {
            assertTrue(status.isInstalled(hook), "found its method: " + hook.describe());
        }
        Class<?> fixture = new Isolated(getClass().getClassLoader(), java.util.Map.of(Fixture.class.getName(), hooked))
                .loadClass(Fixture.class.getName());
        SocketLeakEvents.install(new Recorder(events));

        Calls calls = (Calls) fixture.getConstructor(int.class).newInstance(1);
        assertEquals(List.of("handedOff Fixture"), take());

        assertEquals(-1, calls.classify(100));
        assertEquals(List.of("endOfStream Fixture"), take());
        int[] results = new int[7];
        int[] inputs = {0, 1, 2, 1000, -5000, 7, 42};
        for (int i = 0; i < inputs.length; i++) {
            results[i] = calls.classify(inputs[i]);
        }
        assertArrayEquals(new int[] {10, 11, 12, 1, 2, 3, 42}, results);
        assertEquals(-9, calls.classify(-9));
        assertEquals(List.of("endOfStream Fixture"), take(), "only the negative results are an end of stream");

        assertEquals(-3_000_000_000L, calls.skip(-3_000_000_000L));
        assertEquals(5L, calls.skip(5L));
        assertEquals(List.of("endOfStream Fixture"), take());

        calls.closeThrice();
        assertEquals(3, calls.count(), "the loop back to the start ran as before");
        assertEquals(List.of("closing Fixture"), take(), "once per call, not once per turn of the loop");

        calls.connectOrThrow(false);
        assertEquals(List.of("connected Fixture"), take());
        IOException refused = assertThrows(IOException.class, () -> calls.connectOrThrow(true));
        assertEquals("refused", refused.getMessage());
        assertEquals(List.of("failed Fixture refused"), take(), "the throw reported, then thrown on");

        assertTrue(calls.connectIf(true));
        assertEquals(false, calls.connectIf(false));
        assertEquals(List.of("connected Fixture"), take());

        assertEquals("server", calls.server());
        assertEquals(List.of("accepted server by Fixture"), take(), "the result, then this");

        Object target = "target";
        calls.acceptInto(target);
        assertEquals(List.of("accepted target by Fixture"), take(), "the argument, then this");

        assertEquals(12, calls.readCatching("12"));
        assertEquals(-7, calls.readCatching("twelve"));
        assertEquals(List.of("endOfStream Fixture"), take(), "the method's own handler still catches first");

        assertEquals(3, fixture.getMethod("make", boolean.class).invoke(null, false));
        Throwable thrown = assertThrows(java.lang.reflect.InvocationTargetException.class,
                () -> fixture.getMethod("make", boolean.class).invoke(null, true)).getCause();
        assertEquals("no descriptor", thrown.getMessage());
        assertEquals(List.of("failed null no descriptor"), take());

        assertEquals(5, calls.runWork(false));
        assertEquals(List.of("carryIn Fixture", "carryOut null"), take());
        assertEquals("work failed", assertThrows(IllegalStateException.class, () -> calls.runWork(true)).getMessage());
        assertEquals(List.of("carryIn Fixture", "carryOut null"), take(), "a throw ends the carry, then goes on");

        calls.configureBlocking(true);
        calls.configureBlocking(false);
        assertEquals(List.of("handedOff Fixture"), take(), "only a channel going non-blocking");
        calls.handOff();
        assertEquals(List.of("handedOff Fixture"), take());
        assertEquals("management", calls.management());
        assertEquals(List.of("managementServer management"), take());

        StackTraceElement top = assertThrows(IOException.class, () -> calls.connectOrThrow(true)).getStackTrace()[0];
        assertEquals("connectOrThrow", top.getMethodName());
        assertTrue(top.getLineNumber() > 0, "line numbers still name the source: " + top);
    }

    @Test
    void aHookWithoutItsMethodIsNotInstalledAndTheOthersAre() throws Exception {
        String type = Fixture.class.getName().replace('.', '/');
        Hook present = new Hook("skip", Fixture.class.getName(), "skip", "(J)", Advice.READ);
        Hook absent = new Hook("gone", Fixture.class.getName(), "noSuchMethod", "()", Advice.CLOSING);
        HookStatus status = new HookStatus();
        HookedClass.rewrite(bytesOf(HookedClassTest.class, type + ".class"), List.of(present, absent), status);
        assertTrue(status.isInstalled(present));
        assertTrue(!status.isInstalled(absent), "a hook without its method is not installed");
    }

    /**
     * Every method of every class of the JUnit engines and of the agent itself, hooked with an advice
     * that fits its shape, defined anew: the JVM verifies classes of other loaders than the JDK's, so a
     * wrong offset, frame or stack size anywhere fails here.
     */
    @Test
    void everyMethodOfALargeCorpusPassesTheJvmsVerifierWithAdviceInlined() throws Exception {
        List<String> failures = new ArrayList<>();
        int verified = 0;
        int methods = 0;
        for (Path source : corpus()) {
            java.util.Map<String, byte[]> hookedClasses = new java.util.HashMap<>();
            for (String entry : classEntries(source)) {
                byte[] original = read(source, entry);
                List<Hook> hooks = hooksForEveryMethod(original);
                HookStatus status = new HookStatus();
                byte[] hooked = HookedClass.rewrite(original, hooks, status);
                List<String> notInstalled = new ArrayList<>();
                for (Hook hook : hooks) {
                    if (!status.isInstalled(hook)) {
                        notInstalled.add(hook.describe());
                    }
                }
                if (!notInstalled.isEmpty()) {
                    failures.add(entry + ": not hooked " + notInstalled);
                }
                methods += hooks.size();
                hookedClasses.put(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'), hooked);
            }
            // All of a source's classes in one loader, so that they see each other as in the original.
            Isolated loader = new Isolated(getClass().getClassLoader(), hookedClasses);
            for (String name : hookedClasses.keySet()) {
                try {
                    Class.forName(name, true, loader);
                    verified++;
                } catch (VerifyError e) {
                    failures.add(name + ": " + e.getMessage());
                } catch (ExceptionInInitializerError | java.util.ServiceConfigurationError e) {
                    verified++; // it failed in its static initialiser, which runs only once it verified
                } catch (Throwable e) {
                    // cannot link without an optional dependency, say: not a verdict
                }
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(verified >= 400 && methods >= 4000,
                "a corpus large enough to mean something: " + verified + " classes, " + methods + " methods");
    }

    private List<String> take() {
        List<String> taken = List.copyOf(events);
        events.clear();
        return taken;
    }

    /** The JUnit engines' jars (class files of Java 8, javac's frames) and the agent's own classes (Java 17). */
    private static List<Path> corpus() {
        List<Path> sources = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator, -1)) {
            Path path = Path.of(entry);
            String file = path.getFileName().toString();
            if (file.startsWith("junit-jupiter-engine-") || file.startsWith("junit-platform-engine-")
                    || file.startsWith("junit-jupiter-api-")
                    || (Files.isDirectory(path) && path.endsWith(Path.of("target", "classes")))) {
                sources.add(path);
            }
        }
        assertTrue(sources.size() >= 3, "the corpus is on the class path: " + sources);
        return sources;
    }

    private static List<String> classEntries(Path source) throws IOException {
        List<String> entries = new ArrayList<>();
        if (Files.isDirectory(source)) {
            try (var files = Files.walk(source)) {
                files.filter(f -> f.toString().endsWith(".class") && !f.endsWith("module-info.class"))
                        .forEach(f -> entries.add(source.relativize(f).toString().replace('\\', '/')));
            }
        } else {
            try (JarFile jar = new JarFile(source.toFile())) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    String name = e.nextElement().getName();
                    if (name.endsWith(".class") && !name.endsWith("module-info.class") && !name.startsWith("META-INF/")) {
                        entries.add(name);
                    }
                }
            }
        }
        return entries;
    }

    private static byte[] read(Path source, String entry) throws IOException {
        if (Files.isDirectory(source)) {
            return Files.readAllBytes(source.resolve(entry));
        }
        try (JarFile jar = new JarFile(source.toFile()); InputStream in = jar.getInputStream(jar.getEntry(entry))) {
            return in.readAllBytes();
        }
    }

    /** A hook on each method with code, with an advice its signature allows. */
    private static List<Hook> hooksForEveryMethod(byte[] classFile) {
        ConstantPool pool = new ConstantPool(classFile);
        String owner = pool.className(Bytes.u2(classFile, pool.end() + 2)).replace('/', '.');
        int at = HookedClass.methodsAt(classFile, pool);
        int count = Bytes.u2(classFile, at);
        at += 2;
        List<Hook> hooks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int access = Bytes.u2(classFile, at);
            String name = pool.utf8(Bytes.u2(classFile, at + 2));
            String descriptor = pool.utf8(Bytes.u2(classFile, at + 4));
            at = HookedClass.skipAttributes(classFile, at + 6);
            if ((access & (0x0040 | 0x0400 | 0x0100)) != 0 || name.equals("<clinit>")) {
                continue; // bridges, abstract and native methods are never hooked
            }
            String parameters = descriptor.substring(0, descriptor.indexOf(')') + 1);
            hooks.add(new Hook(name, owner, name, parameters, adviceFor(access, name, descriptor, i)));
        }
        return hooks;
    }

    private static Advice adviceFor(int access, String name, String descriptor, int index) {
        if (name.equals("<init>")) {
            return Advice.HANDED_OFF;
        }
        if ((access & 0x0008) != 0) {
            return Advice.CREATION_FAILURE;
        }
        List<String> parameters = Descriptor.parameters(descriptor);
        boolean firstIsReference = !parameters.isEmpty() && "L[".indexOf(parameters.get(0).charAt(0)) >= 0;
        return switch (Descriptor.returnSort(descriptor)) {
            case 'Z' -> Advice.CONNECTED_IF_TRUE;
            case 'I', 'J' -> Advice.READ;
            case 'L', '[' -> index % 2 == 0 ? Advice.ACCEPTED_RESULT : Advice.MANAGEMENT_SERVER;
            case 'V' -> firstIsReference && index % 2 == 0 ? Advice.ACCEPTED_INTO_ARGUMENT
                    : index % 3 == 0 ? Advice.CARRIED : index % 5 == 0 ? Advice.CARRIED_ONCE
                    : index % 2 == 0 ? Advice.CONNECTED : Advice.CLOSING;
            default -> Advice.CLOSING;
        };
    }

    private static byte[] bytesOf(Class<?> near, String resource) {
        try (InputStream in = near.getClassLoader().getResourceAsStream(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Defines the given classes from their bytes; every other class comes from the parent. */
    private static final class Isolated extends ClassLoader {
        private final java.util.Map<String, byte[]> classes;

        Isolated(ClassLoader parent, java.util.Map<String, byte[]> classes) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
            byte[] bytes = classes.get(className);
            if (bytes == null) {
                return super.loadClass(className, resolve);
            }
            synchronized (getClassLoadingLock(className)) {
                Class<?> c = findLoadedClass(className);
                return c != null ? c : defineClass(className, bytes, 0, bytes.length);
            }
        }
    }

    private static final class Recorder implements SocketLeakEvents.Sink {
        private final List<String> events;

        Recorder(List<String> events) {
            this.events = events;
        }

        private void add(String event, Object socket) {
            events.add(event + " " + (socket == null ? "null"
                    : socket instanceof Calls ? socket.getClass().getName().replaceAll(".*\\$", "") : socket));
        }

        @Override
        public void connected(Object socket) {
            add("connected", socket);
        }

        @Override
        public void accepted(Object socket, Object listener) {
            add("accepted", socket);
            events.set(events.size() - 1, events.get(events.size() - 1) + " by "
                    + listener.getClass().getName().replaceAll(".*\\$", ""));
        }

        @Override
        public void listening(Object socket) {
            add("listening", socket);
        }

        @Override
        public void outputShutdown(Object socket) {
            add("outputShutdown", socket);
        }

        @Override
        public void inputShuttingDown(Object socket) {
            add("inputShuttingDown", socket);
        }

        @Override
        public void endOfStream(Object socket) {
            add("endOfStream", socket);
        }

        @Override
        public void closing(Object socket) {
            add("closing", socket);
        }

        @Override
        public void failed(Object socket, Throwable failure) {
            add("failed", socket);
            events.set(events.size() - 1, events.get(events.size() - 1) + " " + failure.getMessage());
        }

        @Override
        public void handedOff(Object carrier) {
            add("handedOff", carrier);
        }

        @Override
        public void carryIn(Object carrier, boolean once) {
            add(once ? "carryInOnce" : "carryIn", carrier);
        }

        @Override
        public void carryOut() {
            add("carryOut", null);
        }

        @Override
        public void managementServer(Object server) {
            add("managementServer", server);
        }
    }
}
