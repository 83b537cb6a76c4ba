package io.socketleak.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Cleaner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The JDK's own cleaner threads, as they run, are told apart from application threads with like names. */
class CleanersTest {
    @Test
    void aCleanersOwnThreadIsACleaner() throws Exception {
        Cleaner cleaner = Cleaner.create();
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        cleaner.register(new Object(), () -> ranOn.complete(Thread.currentThread())); // dropped at once
        Thread thread = null;
        for (int i = 0; i < 100 && thread == null; i++) {
            System.gc();
            try {
                thread = ranOn.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                // collect again
            }
        }
        assertNotNull(thread, "the cleaner ran");
        assertTrue(Cleaners.isCleaner(thread), thread.getName());
    }

    @Test
    void theJdksCommonCleanerAndFinalizerAreCleaners() {
        int found = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("Common-Cleaner") || thread.getName().equals("Finalizer")) {
                assertTrue(Cleaners.isCleaner(thread), thread.getName());
                found++;
            }
        }
        assertTrue(found >= 1, "the JDK runs its finalizer thread, at least");
    }

    @Test
    void applicationThreadsWithLikeNamesAreNot() {
        for (String name : new String[] {"Cleaner-", "Cleaner-pool", "CacheCleaner", "idle-connection-cleaner", "main"}) {
            assertFalse(Cleaners.isCleaner(new Thread(() -> { }, name)), name);
        }
    }
}
