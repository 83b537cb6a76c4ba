package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.socketleak.junit.AllowSockets;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps one connection open for all its tests, and says so: passes. */
@AllowSockets(from = "com.example.SharedConnection",
        reason = "one keep-alive connection shared by the tests, closed at JVM exit")
class SharedConnectionAllowedTest {
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
