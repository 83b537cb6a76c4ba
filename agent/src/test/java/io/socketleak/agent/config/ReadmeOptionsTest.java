package io.socketleak.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the README's "Options" section promises is what the agent does: the table names every option
 * the agent accepts and no other, with the agent's real defaults; the property and variable names it
 * gives are the ones read; the durations and the bad-option messages it quotes are the parser's.
 * Everything is read from the README itself, so a new option fails here until it is documented.
 */
class ReadmeOptionsTest {
    /** The module's tests run in {@code agent/}; the README is the project's, one level up. */
    private static final Path README = Path.of("..", "README.md");
    private static final Map<String, String> NONE = Map.of();
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    /** Values tried on each key until one is valid and not its default: enough for every kind of value so far. */
    private static final List<String> SAMPLE_VALUES = List.of("7s", "true", "false", "0.5", "123", "40000-40100");

    private static List<String> readme;
    /** The section's prose before its table, where the ways to give a key are stated. */
    private static String intro;
    /** Key to default cell, in the table's order. */
    private static Map<String, String> table;

    @BeforeAll
    static void readReadme() throws IOException {
        readme = Files.readAllLines(README, StandardCharsets.UTF_8);
        List<String> section = section("## Options");
        StringBuilder prose = new StringBuilder();
        table = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : section) {
            if (!line.startsWith("|")) {
                if (inTable) {
                    break; // the first table is the options table; later ones are not ours
                }
                prose.append(line).append('\n');
                continue;
            }
            List<String> cells = cells(line);
            if (!inTable) {
                assertEquals(List.of("key", "default", "meaning"), cells.subList(0, Math.min(3, cells.size())),
                        "the first table of the README's Options section should be key | default | meaning");
                inTable = true;
            } else if (!cells.get(0).startsWith("---")) {
                String key = code(cells.get(0));
                assertTrue(key != null, () -> "an options table row whose key is not `code`: " + line);
                assertFalse(table.containsKey(key), () -> "option '" + key + "' is in the README's table twice");
                table.put(key, cells.get(1));
            }
        }
        assertFalse(table.isEmpty(), "no options table found under '## Options' in " + README.toAbsolutePath());
        intro = prose.toString();
    }

    @Test
    void theTableListsEveryOptionTheAgentAcceptsAndNoOther() {
        Set<String> accepted = new LinkedHashSet<>();
        for (Options.Key key : Options.Key.values()) {
            accepted.add(key.optionName());
        }
        Set<String> notAccepted = new LinkedHashSet<>(table.keySet());
        notAccepted.removeAll(accepted);
        Set<String> undocumented = new LinkedHashSet<>(accepted);
        undocumented.removeAll(table.keySet());
        assertTrue(notAccepted.isEmpty() && undocumented.isEmpty(),
                "README options table vs the agent's options: in the table but not accepted by the agent "
                        + notAccepted + "; accepted by the agent but missing from the table " + undocumented);
    }

    /**
     * A default in {@code code} is a value: giving it must change nothing. A default in words ("none",
     * "read from the OS") means the option is unset unless given.
     */
    @Test
    void eachDefaultInTheTableIsTheAgentsDefault() throws Exception {
        Options defaults = Options.parse(null, NONE, NONE);
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> row : table.entrySet()) {
            String key = row.getKey();
            if (Options.Key.named(key) == null) {
                continue; // said by the test above
            }
            String literal = code(row.getValue());
            Object actual = component(defaults, key);
            if (literal != null) {
                Options given;
                try {
                    given = Options.parse(key + "=" + literal, NONE, NONE);
                } catch (BadOptionException e) {
                    wrong.add(key + ": the README's default `" + literal + "` is refused: " + e.getMessage());
                    continue;
                }
                if (!given.equals(defaults)) {
                    wrong.add(key + ": the README says `" + literal + "`, the agent's default is " + actual);
                }
            } else if (!(actual == null || (actual instanceof Collection<?> c && c.isEmpty()))) {
                wrong.add(key + ": the README says \"" + row.getValue() + "\" (unset), the agent's default is "
                        + actual);
            }
        }
        assertTrue(wrong.isEmpty(), "README options table defaults that are not the agent's:\n  "
                + String.join("\n  ", wrong));
    }

    /**
     * The README gives the property as {@code socketleak.key} and the variable as {@code SOCKETLEAK_KEY},
     * camelCase as UPPER_SNAKE: each key, named so, must set the option just as the agent argument does.
     */
    @Test
    void eachKeyIsReadFromThePropertyAndTheVariableTheReadmeNames() throws Exception {
        String propertyPrefix = onlyOne(codeMatching("([a-z]+\\.)key"), "system property form like `socketleak.key`");
        String envPrefix = onlyOne(codeMatching("([A-Z]+_)KEY"), "environment variable form like `SOCKETLEAK_KEY`");
        Set<String> expectedNames = new LinkedHashSet<>();
        List<String> wrong = new ArrayList<>();
        for (Options.Key key : Options.Key.values()) {
            String name = key.optionName();
            String property = propertyPrefix + name;
            String variable = envPrefix + upperSnake(name);
            expectedNames.add(variable);
            String value = sampleValue(name);
            Options byArgument = Options.parse(name + "=" + value, NONE, NONE);
            if (!Options.parse(null, Map.of(property, value), NONE).equals(byArgument)) {
                wrong.add("-D" + property + "=" + value + " does not set " + name);
            }
            if (!Options.parse(null, NONE, Map.of(variable, value)).equals(byArgument)) {
                wrong.add(variable + "=" + value + " does not set " + name);
            }
        }
        // The README's examples of variable names (SOCKETLEAK_CLOSE_WAIT_AFTER) must be names of real keys.
        for (String example : codeMatching("(" + Pattern.quote(envPrefix) + "[A-Z0-9_]+)")) {
            if (!example.equals(envPrefix + "KEY") && !expectedNames.contains(example)) {
                wrong.add("the README's example " + example + " is the variable of no option (they are "
                        + expectedNames + ")");
            }
        }
        assertTrue(wrong.isEmpty(), "README's option names vs what the agent reads:\n  " + String.join("\n  ", wrong));
    }

    /** "Durations are `500ms`, `30s`, ...; a bare number is seconds." */
    @Test
    void theDurationFormsTheReadmeGivesAreAccepted() throws Exception {
        // The sentence runs to its full stop; the stops inside `1.5s` are followed by a digit.
        Matcher sentence = Pattern.compile("Durations are (.*?)\\.(?!\\d)", Pattern.DOTALL).matcher(intro);
        assertTrue(sentence.find(), "the README's Options section no longer says what durations look like");
        Matcher example = CODE.matcher(sentence.group(1));
        int examples = 0;
        while (example.find()) {
            examples++;
            String duration = example.group(1);
            try {
                Options.parse("closeWaitAfter=" + duration, NONE, NONE);
            } catch (BadOptionException e) {
                fail("the README's duration example `" + duration + "` is refused: " + e.getMessage());
            }
        }
        assertTrue(examples > 0, "no duration example in: " + sentence.group());
        if (sentence.group(1).replaceAll("\\s+", " ").contains("bare number is seconds")) {
            assertEquals(Options.parse("closeWaitAfter=7s", NONE, NONE), Options.parse("closeWaitAfter=7", NONE, NONE),
                    "the README says a bare number is seconds");
        }
    }

    /** The README quotes the line a bad option prints, e.g. {@code bad option 'interval=abc': expected ...}. */
    @Test
    void theBadOptionMessagesTheReadmeQuotesAreTheParsers() {
        Pattern quoted = Pattern.compile("bad option '([^']*)': (expected [^;]*?)(?:;|$)");
        int found = 0;
        for (String line : readme) {
            Matcher m = quoted.matcher(line);
            while (m.find()) {
                found++;
                String given = m.group(1);
                BadOptionException e = assertThrows(BadOptionException.class, () -> Options.parse(given, NONE, NONE),
                        () -> "the README quotes '" + given + "' as a bad option, but the agent accepts it");
                assertEquals("bad option '" + given + "': " + m.group(2), e.getMessage(),
                        "the README's quote of the message for '" + given + "'");
            }
        }
        assertTrue(found > 0, "the README quotes no bad-option message any more: drop this test or the quote's form changed");
    }

    // ---- reading the README ---------------------------------------------------------------------

    /** The lines under a level-2 heading, up to the next one. */
    private static List<String> section(String heading) {
        int start = readme.indexOf(heading);
        assertTrue(start >= 0, () -> "no '" + heading + "' section in " + README.toAbsolutePath());
        List<String> lines = new ArrayList<>();
        for (int i = start + 1; i < readme.size() && !readme.get(i).startsWith("## "); i++) {
            lines.add(readme.get(i));
        }
        return lines;
    }

    /** A Markdown table row's cells, trimmed. */
    private static List<String> cells(String row) {
        String inner = row.strip();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    /** The text of a cell that is one code span, like {@code `60s`}; null for words. */
    private static String code(String cell) {
        Matcher m = CODE.matcher(cell);
        return m.matches() ? m.group(1) : null;
    }

    /** Group 1 of each code span in the section's prose that matches {@code regex} whole. */
    private static List<String> codeMatching(String regex) {
        Pattern wanted = Pattern.compile(regex);
        List<String> found = new ArrayList<>();
        Matcher span = CODE.matcher(intro);
        while (span.find()) {
            Matcher m = wanted.matcher(span.group(1));
            if (m.matches()) {
                found.add(m.group(1));
            }
        }
        return found;
    }

    private static String onlyOne(List<String> found, String what) {
        Set<String> distinct = new LinkedHashSet<>(found);
        assertEquals(1, distinct.size(), "the README's Options section should state one " + what + ", found "
                + distinct);
        return distinct.iterator().next();
    }

    /** The README's rule: camelCase becomes UPPER_SNAKE. */
    private static String upperSnake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }

    /** A value the key accepts that is not its default, so that reading it shows. */
    private static String sampleValue(String key) throws BadOptionException {
        Options defaults = Options.parse(null, NONE, NONE);
        for (String value : SAMPLE_VALUES) {
            try {
                if (!Options.parse(key + "=" + value, NONE, NONE).equals(defaults)) {
                    return value;
                }
            } catch (BadOptionException e) {
                // not this kind of value
            }
        }
        throw new AssertionError("none of " + SAMPLE_VALUES + " is a valid, non-default value of option '" + key
                + "': add one to SAMPLE_VALUES");
    }

    /** The option's value in the record: its component has the key's name. */
    private static Object component(Options options, String key) throws ReflectiveOperationException {
        for (RecordComponent c : Options.class.getRecordComponents()) {
            if (c.getName().equals(key)) {
                return c.getAccessor().invoke(options);
            }
        }
        throw new AssertionError("Options has no component named '" + key + "' to compare the README's default with");
    }
}
