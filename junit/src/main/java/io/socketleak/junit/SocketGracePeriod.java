package io.socketleak.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How long a check waits for sockets that are still open to be closed (by another thread, a
 * client's pool, a server's handler) before it fails. Default {@code 2s}, or the system property
 * {@code socketleak.junit.grace}; this annotation, on the method or the class, wins over both.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface SocketGracePeriod {
    /** A duration: {@code 500ms}, {@code 2s}, {@code 1m}; a bare number is seconds; {@code 0} does not wait. */
    String value();
}
