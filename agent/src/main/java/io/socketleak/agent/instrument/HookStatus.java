package io.socketleak.agent.instrument;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Collections;
import java.util.IdentityHashMap;

/**
 * Whether each hook found its method, and why not: those of {@link Hooks#ALL} on the running JDK at
 * start, those of {@link Hooks#ON_FIRST_LOAD} and {@link HandOffs} as their classes load. Hooks are
 * told apart by identity: a record's generated {@code hashCode} would link through invokedynamic,
 * which costs the start-up more than all of this.
 */
public final class HookStatus {
    public HookStatus() {
    }

    private final Map<Hook, String> problems = Collections.synchronizedMap(new IdentityHashMap<>());
    private final Map<Hook, Boolean> installed = Collections.synchronizedMap(new IdentityHashMap<>());

    void installed(Hook hook) {
        installed.put(hook, Boolean.TRUE);
        problems.remove(hook);
    }

    void failed(Hook hook, String problem) {
        installed.remove(hook);
        problems.put(hook, problem);
    }

    boolean isInstalled(Hook hook) {
        return installed.containsKey(hook);
    }

    /** Every hook of these types failed for this reason (the class is missing, or could not be rewritten). */
    void failed(List<Hook> hooks, String problem) {
        for (Hook hook : hooks) {
            failed(hook, problem);
        }
    }

    /** Whether any hook took: without one the agent has nothing to track. */
    public boolean anyInstalled() {
        return !installed.isEmpty();
    }

    public boolean allInstalled() {
        return missing().isEmpty();
    }

    /** Whether every one of these hooks (of the table's) took. */
    public boolean allInstalled(List<Hook> hooks) {
        for (Hook hook : hooks) {
            if (!installed.containsKey(hook)) {
                return false;
            }
        }
        return true;
    }

    /** One line per hook that did not take, with the reason. */
    public List<String> missing() {
        List<String> lines = new ArrayList<>();
        for (Hook hook : Hooks.ALL) {
            if (!installed.containsKey(hook)) {
                lines.add(hook.describe() + ": " + problems.getOrDefault(hook, "class not instrumented"));
            }
        }
        for (Hook hook : loadedLater()) { // a class that loaded without the method
            String problem = problems.get(hook);
            if (problem != null) {
                lines.add(hook.describe() + ": " + problem);
            }
        }
        return lines;
    }

    /**
     * Every hook of a class that loads when it is first used ({@link Hooks#ON_FIRST_LOAD}, {@link HandOffs})
     * with its state: installed, failed, or its class not loaded (yet).
     */
    public List<String> onFirstLoad() {
        List<String> lines = new ArrayList<>();
        for (Hook hook : loadedLater()) {
            String problem = problems.get(hook);
            String state = installed.containsKey(hook) ? "installed"
                    : problem != null ? "MISSING (" + problem + ")" : "not loaded";
            lines.add(hook.describe() + ": " + state);
        }
        return lines;
    }

    /** Every hook of {@link Hooks#ALL} with its state, for the report and for tests. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Hook hook : Hooks.ALL) {
            String state = installed.containsKey(hook) ? "installed"
                    : "MISSING (" + problems.getOrDefault(hook, "class not instrumented") + ")";
            lines.add(hook.describe() + ": " + state);
        }
        return lines;
    }

    private static List<Hook> loadedLater() {
        List<Hook> hooks = new ArrayList<>(Hooks.ON_FIRST_LOAD);
        hooks.addAll(HandOffs.ALL);
        return hooks;
    }
}
