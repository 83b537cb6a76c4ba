package io.socketleak.agent.instrument;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs {@link Hooks#ALL} with Byte Buddy: inlined advice only and no new members, so it works
 * by retransformation on classes that are already loaded (always the case after a dynamic attach).
 */
public final class Instrumenter {
    private Instrumenter() {
    }

    public static HookStatus install(Instrumentation inst) {
        HookStatus status = new HookStatus();
        Map<String, List<Hook>> byType = new LinkedHashMap<>();
        for (Hook hook : Hooks.ALL) {
            byType.computeIfAbsent(hook.type(), t -> new ArrayList<>()).add(hook);
        }
        // Load the targets first (without initialising them) so that they are all retransformed now,
        // and a hook missing on this JDK is known at start-up, not at the first socket.
        List<Class<?>> targets = new ArrayList<>();
        for (String type : byType.keySet()) {
            try {
                targets.add(Class.forName(type, false, null));
            } catch (ClassNotFoundException e) {
                for (Hook hook : byType.get(type)) {
                    status.failed(hook, "no class " + type + " in this JDK");
                }
            }
        }
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                // Only the targets: not a walk over every class loaded so far.
                .with(new AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Explicit(targets.toArray(new Class<?>[0])))
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                .with(new FailureListener(byType, status))
                // The default ignores the boot class path, which is exactly where the targets are.
                .ignore(ElementMatchers.none());
        for (Map.Entry<String, List<Hook>> entry : byType.entrySet()) {
            List<Hook> hooks = entry.getValue();
            builder = builder.type(ElementMatchers.named(entry.getKey()))
                    .transform((b, type, loader, module, domain) -> apply(b, type, hooks, status));
        }
        builder.installOn(inst);
        return status;
    }

    private static DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type,
                                                List<Hook> hooks, HookStatus status) {
        for (Hook hook : hooks) {
            int matches = 0;
            for (MethodDescription method : type.getDeclaredMethods()) {
                if (hook.method().matches(method)) {
                    matches++;
                }
            }
            if (matches == 0) {
                status.failed(hook, "no such method in this JDK");
                continue;
            }
            builder = builder.visit(Advice.to(hook.advice()).on(hook.method()));
            status.installed(hook);
        }
        return builder;
    }

    /** A transformation that failed leaves its hooks marked missing, with Byte Buddy's reason. */
    private static final class FailureListener extends AgentBuilder.Listener.Adapter {
        private final Map<String, List<Hook>> byType;
        private final HookStatus status;

        FailureListener(Map<String, List<Hook>> byType, HookStatus status) {
            this.byType = byType;
            this.status = status;
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            for (Hook hook : byType.getOrDefault(typeName, List.of())) {
                status.failed(hook, throwable.toString());
            }
        }
    }
}
