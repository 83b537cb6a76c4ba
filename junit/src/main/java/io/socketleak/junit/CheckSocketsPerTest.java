package io.socketleak.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Checks each test on its own instead of the whole class: the sockets opened from the test's
 * {@code @BeforeEach} to its {@code @AfterEach} must be closed when it ends, or that test fails.
 * On a class, every test in it (and in its {@code @Nested} classes); on a method, that test only.
 *
 * <p>Sockets opened outside such tests ({@code @BeforeAll}, {@code @AfterAll}, other tests) are still
 * checked with the class. Tests checked this way must not run concurrently with each other: a
 * check sees every socket the JVM opened while the test ran.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface CheckSocketsPerTest {
}
