package io.socketleak.it.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What surefire wrote for one test class ({@code TEST-<class>.xml}): each test case, and the
 * failures. A failure of the class itself ({@code @AfterAll}, the extension's class check) is the
 * test case with an empty name.
 */
final class SurefireReport {
    /** One test case: passed when {@code failure} is null. */
    record TestCase(String name, double seconds, String failureType, String failure) {
        boolean passed() {
            return failure == null;
        }
    }

    final Map<String, TestCase> testCases;
    private final MavenRun run;

    private SurefireReport(Map<String, TestCase> testCases, MavenRun run) {
        this.testCases = testCases;
        this.run = run;
    }

    static SurefireReport read(Path xml, MavenRun run) {
        if (!Files.isRegularFile(xml)) {
            throw new AssertionError("no surefire report " + xml + "\n" + run.logTail());
        }
        try {
            Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile())
                    .getDocumentElement();
            Map<String, TestCase> cases = new LinkedHashMap<>();
            NodeList list = suite.getElementsByTagName("testcase");
            for (int i = 0; i < list.getLength(); i++) {
                Element testCase = (Element) list.item(i);
                Element problem = firstChild(testCase, "failure");
                if (problem == null) {
                    problem = firstChild(testCase, "error");
                }
                cases.put(testCase.getAttribute("name"), new TestCase(testCase.getAttribute("name"),
                        Double.parseDouble(testCase.getAttribute("time")),
                        problem == null ? null : problem.getAttribute("type"),
                        problem == null ? null : problem.getAttribute("message")));
            }
            return new SurefireReport(cases, run);
        } catch (Exception e) {
            throw new AssertionError("cannot read " + xml + ": " + e, e);
        }
    }

    private static Element firstChild(Element parent, String tag) {
        NodeList children = parent.getElementsByTagName(tag);
        return children.getLength() == 0 ? null : (Element) children.item(0);
    }

    /** The test case, or an assertion error listing those there are and Maven's output. */
    TestCase testCase(String name) {
        TestCase testCase = testCases.get(name);
        if (testCase == null) {
            throw new AssertionError("no test case '" + name + "' in " + testCases.keySet() + "\n" + run.logTail());
        }
        return testCase;
    }

    /** The failure of the class itself (after its tests), or null if there was none. */
    TestCase classFailure() {
        return testCases.get("");
    }
}
