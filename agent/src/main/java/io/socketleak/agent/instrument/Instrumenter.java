package io.socketleak.agent.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Installs {@link Hooks#ALL}: a class file transformer that rewrites the few JDK classes of the
 * table and returns at once for every other class, without a lock and without loading anything.
 *
 * <p>The targets are then loaded right away (not initialised), so that the hooks are in before the
 * application's {@code main} runs, and no socket class is ever rewritten on an application thread.
 * The classes of {@link Hooks#ON_FIRST_LOAD} and {@link HandOffs}, which a JVM may never use, are
 * rewritten when they load. Targets already loaded (always so after a dynamic attach) are
 * retransformed through the same transformer.
 */
public final class Instrumenter implements ClassFileTransformer {
    /** Hooks by the internal name of their class: the JDK's socket classes, loaded at once. */
    private final Map<String, List<Hook>> byType = new LinkedHashMap<>();
    /** {@link Hooks#ON_FIRST_LOAD} by the internal name of their class: the JDK's, rewritten as they load. */
    private final Map<String, List<Hook>> onFirstLoad = new LinkedHashMap<>();
    /** {@link HandOffs} by the internal name of their class: rewritten whenever a library loads them. */
    private final Map<String, List<Hook>> handOffsByType = new LinkedHashMap<>();
    /** The classes of both, by {@code Class.getName()}: what to look for among those loaded already. */
    private final Set<String> loadedLater = new java.util.HashSet<>();
    private final Instrumentation inst;
    private final HookStatus status;
    private final Set<String> rewritten = ConcurrentHashMap.newKeySet();

    /** What the installation found. */
    public record Installation(Set<String> loadedBefore) {
        /** Whether this class of the table was loaded before the agent: what it did then went unseen. */
        public boolean loadedBefore(String type) {
            return loadedBefore.contains(type);
        }
    }

    private Instrumenter(Instrumentation inst, HookStatus status) {
        this.inst = inst;
        this.status = status;
        byTypeName(Hooks.ALL, byType);
        byTypeName(Hooks.ON_FIRST_LOAD, onFirstLoad);
        byTypeName(HandOffs.ALL, handOffsByType);
        for (Hook hook : Hooks.ON_FIRST_LOAD) {
            loadedLater.add(hook.type());
        }
        for (Hook hook : HandOffs.ALL) {
            loadedLater.add(hook.type());
        }
    }

    private static void byTypeName(List<Hook> hooks, Map<String, List<Hook>> byType) {
        for (Hook hook : hooks) {
            List<Hook> ofType = byType.get(hook.internalType());
            if (ofType == null) {
                ofType = new ArrayList<>();
                byType.put(hook.internalType(), ofType);
            }
            ofType.add(hook);
        }
    }

    /**
     * Installs the hooks on a thread of its own, beside the rest of the agent's start-up: a start-up
     * on two cores then takes the longer of the two, not their sum. {@link Pending#await()} before
     * {@code main} runs.
     */
    public static Pending start(Instrumentation inst, HookStatus status) {
        // Registered here, first of all: any class may load a target as a side effect (on JDK 25,
        // reading a file loads SocketChannelImpl), and each must load through the transformer.
        Instrumenter transformer = new Instrumenter(inst, status);
        inst.addTransformer(transformer, true);
        Pending pending = new Pending(inst, transformer);
        pending.start();
        return pending;
    }

    /** An installation under way. */
    public static final class Pending extends Thread {
        private final Instrumentation inst;
        private final Instrumenter transformer;
        private volatile Installation done;
        private volatile Throwable failed;

        Pending(Instrumentation inst, Instrumenter transformer) {
            super("socket-leak-agent-hooks");
            setDaemon(true);
            this.inst = inst;
            this.transformer = transformer;
        }

        @Override
        public void run() {
            try {
                done = transformer.loadTargets(inst);
            } catch (Throwable t) {
                failed = t;
            }
        }

        /** Waits for the installation; what it threw is thrown here. */
        public Installation await() throws InterruptedException {
            join();
            if (failed instanceof RuntimeException e) {
                throw e;
            }
            if (failed instanceof Error e) {
                throw e;
            }
            return done;
        }
    }

    /** Loads the targets, which rewrites them, and retransforms those that were loaded already. */
    private Installation loadTargets(Instrumentation inst) {
        Set<String> loadedBefore = new java.util.TreeSet<>();
        List<Class<?>> toRetransform = new ArrayList<>();
        for (Map.Entry<String, List<Hook>> entry : byType.entrySet()) {
            String type = entry.getKey().replace('/', '.');
            try {
                Class<?> target = Class.forName(type, false, null); // a first load runs the transformer
                if (!rewritten.contains(entry.getKey())) {
                    loadedBefore.add(type);
                    toRetransform.add(target);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                status.failed(entry.getValue(), "no class " + type + " in this JDK");
            }
        }
        if (!loadedBefore.isEmpty()) { // an attach (or another agent first): classes in use already
            for (Class<?> loaded : inst.getAllLoadedClasses()) {
                if (loadedLater.contains(loaded.getName()) && !rewritten.contains(loaded.getName().replace('.', '/'))) {
                    toRetransform.add(loaded);
                }
            }
        }
        for (Class<?> target : toRetransform) {
            try {
                inst.retransformClasses(target);
            } catch (Exception | LinkageError e) {
                String type = target.getName().replace('.', '/');
                status.failed(hooksOf(type, target.getClassLoader() == null), "cannot retransform: " + e);
            }
        }
        return new Installation(Set.copyOf(loadedBefore));
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null) {
            return null;
        }
        List<Hook> hooks = hooksOf(className, loader == null);
        if (hooks == null) {
            return null; // not a target: the common case, decided by the name alone
        }
        try {
            if (loader != null && !reachesTheDoor(module)) {
                status.failed(hooks, "the bridge cannot be reached from " + module);
                return null;
            }
            byte[] hooked = HookedClass.rewrite(classfileBuffer, hooks, status);
            rewritten.add(className);
            return hooked;
        } catch (Throwable e) { // a class file this ASM cannot read (a newer JDK), say: the class stays as it is
            status.failed(hooks, "cannot rewrite " + className + ": " + e);
            return null;
        }
    }

    /** The hooks of a class: the JDK's socket classes are all the boot loader's, the libraries' are not. */
    private List<Hook> hooksOf(String internalName, boolean boot) {
        if (!boot) {
            return handOffsByType.get(internalName);
        }
        List<Hook> hooks = byType.get(internalName);
        return hooks != null ? hooks : onFirstLoad.get(internalName);
    }

    /**
     * A library's hooks call the bridge in {@code java.base}'s {@code sun.nio.ch}: that package is
     * exported to the library's module alone, and only once it loads a class of {@link HandOffs}.
     */
    private boolean reachesTheDoor(Module module) {
        Module javaBase = Object.class.getModule();
        String door = Hooks.NET.substring(0, Hooks.NET.lastIndexOf('.')); // the bridge's package
        if (!javaBase.isExported(door, module)) {
            inst.redefineModule(javaBase, Set.of(), Map.of(door, Set.of(module)), Map.of(), Set.of(), Map.of());
        }
        return javaBase.isExported(door, module);
    }
}
