package io.socketleak.junit;

import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails tests that leave sockets behind. It asks the Socket Leak Detector agent (attached to the
 * test JVM with {@code -javaagent}) which sockets were opened while the tests ran, and fails when
 * one was dropped without {@code close()}, left in CLOSE_WAIT, or is still open when the scope ends
 * and stays open through the grace period.
 *
 * <p>Register it with {@code @ExtendWith(SocketLeakCheck.class)}, or for every test class at once
 * through JUnit's extension autodetection
 * ({@code junit.jupiter.extensions.autodetection.enabled=true}).
 *
 * <ul>
 *   <li>Scope: the test class by default, from before its {@code @BeforeAll} to after its
 *       {@code @AfterAll}, failing the class; {@link CheckSocketsPerTest} checks each test on its own,
 *       failing that test.</li>
 *   <li>{@link AllowSockets} (or {@code -Dsocketleak.junit.allow=prefix=reason,...}) lets sockets
 *       opened by the named code outlive the scope, e.g. a client pool shared by the tests.</li>
 *   <li>{@link SocketGracePeriod} (or {@code -Dsocketleak.junit.grace=2s}) is how long to wait for
 *       sockets that are still open to be closed by other threads.</li>
 * </ul>
 *
 * Without the agent, each checked class fails at once with one line saying how to attach it.
 */
public final class SocketLeakCheck implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SocketLeakCheck.class);

    public SocketLeakCheck() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start(context, false);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        CheckedScope enclosing = enclosingScope(context);
        // Registered on a method alone, there is no class scope: the test is then checked on its own.
        if (enclosing != null && !CheckSettings.perTest(context)) {
            enclosing.ownTestStarted();
            return;
        }
        start(context, true);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        finish(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        finish(context);
    }

    private static void start(ExtensionContext context, boolean singleTest) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        if (store.get(context.getUniqueId()) != null) {
            return; // registered twice (autodetected and @ExtendWith): one check is enough
        }
        Agent agent = Agent.find();
        CheckSettings settings = CheckSettings.of(context);
        store.put(context.getUniqueId(),
                new CheckedScope(name(context, singleTest), singleTest, agent.mark(), settings));
    }

    private static void finish(ExtensionContext context) {
        CheckedScope scope = context.getStore(NAMESPACE).remove(context.getUniqueId(), CheckedScope.class);
        if (scope == null) {
            return; // not checked here, or the start failed already
        }
        Agent agent = Agent.find();
        GracefulCheck.Outcome outcome = GracefulCheck.run(scope, agent);
        CheckedScope enclosing = enclosingScope(context);
        if (enclosing != null) {
            enclosing.innerChecked(scope.mark(), agent.mark());
        }
        if (!outcome.clean()) {
            throw new SocketLeakFailure(FailureMessage.render(scope.name(), scope.singleTest(),
                    GracePeriods.format(scope.settings().grace()), outcome.unallowed(), outcome.complete()));
        }
    }

    /** The nearest scope around this context (its class, the class around a nested one), if checked. */
    private static CheckedScope enclosingScope(ExtensionContext context) {
        for (Optional<ExtensionContext> parent = context.getParent(); parent.isPresent();
             parent = parent.get().getParent()) {
            CheckedScope scope = parent.get().getStore(NAMESPACE).get(parent.get().getUniqueId(), CheckedScope.class);
            if (scope != null) {
                return scope;
            }
        }
        return null;
    }

    private static String name(ExtensionContext context, boolean singleTest) {
        String className = context.getTestClass().map(Class::getName).orElse(context.getDisplayName());
        Optional<Method> method = context.getTestMethod();
        if (!singleTest || method.isEmpty()) {
            return "class " + className;
        }
        String test = className + "." + method.get().getName() + "()";
        String display = context.getDisplayName();
        return "test " + test + (display.equals(method.get().getName() + "()") ? "" : " \"" + display + "\"");
    }
}
