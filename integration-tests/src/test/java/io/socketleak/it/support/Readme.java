package io.socketleak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's README as tests read it: its sections, its fenced code blocks (the samples it quotes)
 * and its inline code spans. Only Markdown's plain forms are understood, those the README uses.
 */
public final class Readme {
    /** The integration tests run in {@code integration-tests/}; the README is the project's, one level up. */
    public static final Path FILE = Path.of("..", "README.md");
    private static final Pattern FENCE = Pattern.compile("^( *)```(\\S*)\\s*$");
    private static final Pattern SPAN = Pattern.compile("`([^`]+)`");

    private final List<String> lines;

    /** A fenced code block: its language (empty if none), its lines without the fence's indentation, and where it starts. */
    public record Block(String language, List<String> lines, int lineNumber) {
    }

    private Readme(List<String> lines) {
        this.lines = lines;
    }

    public static Readme read() {
        try {
            return new Readme(Files.readAllLines(FILE, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the README at " + FILE.toAbsolutePath(), e);
        }
    }

    /** Every fenced code block, in order. */
    public List<Block> blocks() {
        return blocks(0, lines.size());
    }

    /** The fenced code blocks under the first heading that contains {@code title}, up to the next heading of its level or above. */
    public List<Block> blocksUnder(String title) {
        int[] range = section(title);
        return blocks(range[0], range[1]);
    }

    /** The inline code spans under a heading, outside its code blocks. */
    public List<String> spansUnder(String title) {
        int[] range = section(title);
        return spans(range[0], range[1]);
    }

    /** Every inline code span outside the code blocks. */
    public List<String> spans() {
        return spans(0, lines.size());
    }

    private List<String> spans(int from, int to) {
        List<String> found = new ArrayList<>();
        boolean inBlock = false;
        StringBuilder paragraph = new StringBuilder();
        for (int i = from; i < to; i++) {
            String line = lines.get(i);
            if (FENCE.matcher(line).matches()) {
                inBlock = !inBlock;
                continue;
            }
            if (!inBlock) {
                paragraph.append(line).append(' '); // a span may wrap onto the next line
            }
        }
        Matcher span = SPAN.matcher(paragraph);
        while (span.find()) {
            found.add(span.group(1).replaceAll("\\s+", " "));
        }
        return found;
    }

    private List<Block> blocks(int from, int to) {
        List<Block> blocks = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            int indent = open.group(1).length();
            List<String> body = new ArrayList<>();
            int j = i + 1;
            while (j < lines.size() && !FENCE.matcher(lines.get(j)).matches()) {
                String line = lines.get(j);
                int strip = 0;
                while (strip < indent && strip < line.length() && line.charAt(strip) == ' ') {
                    strip++;
                }
                body.add(line.substring(strip));
                j++;
            }
            blocks.add(new Block(open.group(2), body, i + 1));
            i = j;
        }
        return blocks;
    }

    /** The lines {@code [from, to)} of the section whose heading contains {@code title}. */
    private int[] section(String title) {
        boolean inBlock = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (FENCE.matcher(line).matches()) {
                inBlock = !inBlock;
            }
            if (!inBlock && line.startsWith("#") && line.contains(title)) {
                int level = line.indexOf(' ');
                int end = i + 1;
                boolean endInBlock = false;
                for (; end < lines.size(); end++) {
                    String next = lines.get(end);
                    if (FENCE.matcher(next).matches()) {
                        endInBlock = !endInBlock;
                    }
                    if (!endInBlock && next.startsWith("#") && next.indexOf(' ') <= level) {
                        break;
                    }
                }
                return new int[] {i + 1, end};
            }
        }
        throw new AssertionError("no heading containing '" + title + "' in the README at " + FILE.toAbsolutePath());
    }
}
