package io.socketleak.agent.testing;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.MethodCall;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Stands in for the application's own code in tests.
 *
 * <p>Every test class lives in a package under {@code io.socketleak.agent}, which the tracker treats
 * as the agent's own code and trims from call sites. To see what a real application sees, a test
 * runs its socket events from inside a generated class with an application name such as
 * {@code com.acme.Client}: that frame is then the first application frame of the stack, and the
 * test's own frames follow it as context.
 */
public final class ApplicationCode {
    private static final Map<String, Consumer<Runnable>> CLASSES = new ConcurrentHashMap<>();

    private ApplicationCode() {
    }

    /** Runs {@code action} from inside {@code className.accept(Runnable)}, a generated class. */
    public static void run(String className, Runnable action) {
        CLASSES.computeIfAbsent(className, ApplicationCode::generate).accept(action);
    }

    @SuppressWarnings("unchecked")
    private static Consumer<Runnable> generate(String className) {
        try {
            Method run = Runnable.class.getMethod("run");
            Class<?> type = new ByteBuddy()
                    .subclass(Object.class)
                    .implement(Consumer.class) // raw: one accept(Object), no bridge method, one frame
                    .name(className)
                    .method(ElementMatchers.named("accept"))
                    .intercept(MethodCall.invoke(run).onArgument(0)
                            .withAssigner(net.bytebuddy.implementation.bytecode.assign.Assigner.DEFAULT,
                                    net.bytebuddy.implementation.bytecode.assign.Assigner.Typing.DYNAMIC))
                    .make()
                    .load(ApplicationCode.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
                    .getLoaded();
            return (Consumer<Runnable>) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
