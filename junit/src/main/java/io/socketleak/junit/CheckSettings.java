package io.socketleak.junit;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What one check allows and how long it waits, from the annotations on the test (method, class, the
 * classes around a {@code @Nested} one) and the properties. The properties are JUnit configuration
 * parameters, so a system property, {@code junit-platform.properties} or the launcher can set them.
 */
record CheckSettings(Duration grace, AllowList allowList) {
    static final String GRACE_PROPERTY = "socketleak.junit.grace";

    static CheckSettings of(ExtensionContext context) {
        List<AnnotatedElement> elements = annotatedElements(context);
        Duration grace = null;
        List<AllowList.Entry> allowed = new ArrayList<>();
        for (AnnotatedElement element : elements) {
            Optional<SocketGracePeriod> period = AnnotationSupport.findAnnotation(element, SocketGracePeriod.class);
            if (grace == null && period.isPresent()) {
                grace = GracePeriods.parse(period.get().value(), "@SocketGracePeriod on " + name(element));
            }
            for (AllowSockets allow : AnnotationSupport.findRepeatableAnnotations(element, AllowSockets.class)) {
                allowed.add(AllowList.entry(allow.from(), allow.reason(), "@AllowSockets on " + name(element)));
            }
        }
        if (grace == null) {
            grace = context.getConfigurationParameter(GRACE_PROPERTY)
                    .map(value -> GracePeriods.parse(value, GRACE_PROPERTY))
                    .orElse(GracePeriods.DEFAULT);
        }
        allowed.addAll(AllowList.parseProperty(context.getConfigurationParameter(AllowList.PROPERTY).orElse(null)));
        return new CheckSettings(grace, new AllowList(allowed));
    }

    /** Whether the test of this context asked to be checked on its own. */
    static boolean perTest(ExtensionContext context) {
        for (AnnotatedElement element : annotatedElements(context)) {
            if (AnnotationSupport.isAnnotated(element, CheckSocketsPerTest.class)) {
                return true;
            }
        }
        return false;
    }

    /** Nearest first: the test method, its class, then the classes a {@code @Nested} class sits in. */
    private static List<AnnotatedElement> annotatedElements(ExtensionContext context) {
        List<AnnotatedElement> elements = new ArrayList<>();
        context.getTestMethod().ifPresent(elements::add);
        Optional<Class<?>> testClass = context.getTestClass();
        for (Class<?> c = testClass.orElse(null); c != null; c = enclosingOfInner(c)) {
            elements.add(c);
        }
        return elements;
    }

    private static Class<?> enclosingOfInner(Class<?> c) {
        return c.isMemberClass() && !Modifier.isStatic(c.getModifiers()) ? c.getEnclosingClass() : null;
    }

    private static String name(AnnotatedElement element) {
        if (element instanceof Class) {
            return ((Class<?>) element).getName();
        }
        Method method = (Method) element;
        return method.getDeclaringClass().getName() + "." + method.getName() + "()";
    }
}
