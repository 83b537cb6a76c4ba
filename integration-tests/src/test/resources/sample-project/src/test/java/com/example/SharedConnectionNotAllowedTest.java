package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.socketleak.junit.SocketGracePeriod;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps one connection open for all its tests without allowing it: the class fails, listing both
 * ends as still open. A short grace period, as nothing here will ever close them.
 */
@SocketGracePeriod("500ms")
class SharedConnectionNotAllowedTest {
    private static SharedConnection connection;

    @BeforeAll
    static void connect() throws IOException {
        connection = SharedConnection.open();
    }

    @Test
    void firstRequest() throws IOException {
        assertEquals('a', connection.send('a'));
    }

    @Test
    void secondRequest() throws IOException {
        assertEquals('b', connection.send('b'));
    }
}
