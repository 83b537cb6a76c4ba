package io.socketleak.junit;

import io.socketleak.protocol.FramePrefixes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Sockets a scope may leave open or leak, by frame prefix: a shared pool that outlives each test,
 * say. Every entry carries the reason, so that the exception stays an explained decision.
 */
final class AllowList {
    /** The system property (or JUnit configuration parameter): {@code prefix=reason,prefix=reason}. */
    static final String PROPERTY = "socketleak.junit.allow";

    record Entry(String prefix, String reason) {
    }

    private final List<Entry> entries;

    AllowList(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    List<Entry> entries() {
        return entries;
    }

    /** One entry, as given by {@link AllowSockets}; {@code where} names it in an error. */
    static Entry entry(String prefix, String reason, String where) {
        if (prefix == null || prefix.isBlank()) {
            throw new ExtensionConfigurationException(where + ": the frame prefix is empty (it would allow every socket)");
        }
        if (reason == null || reason.isBlank()) {
            throw new ExtensionConfigurationException(where + ": allowing '" + prefix.trim()
                    + "' needs a reason (why may its sockets outlive the test?)");
        }
        return new Entry(prefix.trim(), reason.trim());
    }

    /**
     * Reads the property's value: comma-separated {@code prefix=reason} entries (so a reason cannot
     * contain a comma), e.g. {@code okhttp3.ConnectionPool=shared client pool closed at JVM exit}.
     */
    static List<Entry> parseProperty(String value) {
        List<Entry> parsed = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return parsed;
        }
        for (String item : value.split(",", -1)) {
            if (item.isBlank()) {
                continue;
            }
            int equals = item.indexOf('=');
            if (equals < 0) {
                throw new ExtensionConfigurationException(PROPERTY + ": entry '" + item.trim()
                        + "' needs a reason: write prefix=reason, e.g. "
                        + "okhttp3.ConnectionPool=shared client pool closed at JVM exit");
            }
            parsed.add(entry(item.substring(0, equals), item.substring(equals + 1), PROPERTY));
        }
        return parsed;
    }

    /** The entry that allows this socket: one of its frames starts with the entry's prefix. */
    Optional<Entry> allowing(Finding finding) {
        List<String> prefixes = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            prefixes.add(entry.prefix());
        }
        int match = FramePrefixes.firstMatch(finding.frames(), prefixes);
        return match < 0 ? Optional.empty() : Optional.of(entries.get(match));
    }

    boolean allows(Finding finding) {
        return allowing(finding).isPresent();
    }

    /** See {@link FramePrefixes#withoutModule}: the matching is the Maven plugin's too. */
    static String withoutModule(String frame) {
        return FramePrefixes.withoutModule(frame);
    }
}
