package io.socketleak.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets sockets outlive the checked scope when they were opened by the given code, e.g. a client's
 * connection pool shared by all tests:
 *
 * <pre>{@code @AllowSockets(from = "okhttp3.ConnectionPool", reason = "shared client pool, closed at JVM exit")}</pre>
 *
 * A socket, or a leak, is allowed when any frame of the stack that opened it starts with
 * {@link #from()}: a package, a class or {@code Class.method}. Put it on the test class or on a test
 * method; the system property {@code socketleak.junit.allow} does the same for every test.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(AllowSockets.List.class)
public @interface AllowSockets {
    /** A frame prefix: {@code com.acme.pool}, {@code com.acme.Pool} or {@code com.acme.Pool.borrow}. */
    String from();

    /** Why these sockets may stay open: shown to whoever reads the test next. Required. */
    String reason();

    /** Several {@link AllowSockets} on one element. */
    @Documented
    @Inherited
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @interface List {
        AllowSockets[] value();
    }
}
