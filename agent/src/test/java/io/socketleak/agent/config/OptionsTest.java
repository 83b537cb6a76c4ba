package io.socketleak.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OptionsTest {
    private static final Map<String, String> NONE = Map.of();

    private static Options fromArgs(String agentArgs) throws BadOptionException {
        return Options.parse(agentArgs, NONE, NONE);
    }

    private static BadOptionException rejected(String agentArgs) {
        return assertThrows(BadOptionException.class, () -> fromArgs(agentArgs));
    }

    private static void assertOneLine(String message) {
        assertFalse(message.contains("\n") || message.contains("\r"), () -> "not one line: " + message);
    }

    // ---- defaults -------------------------------------------------------------------------------

    @Test
    void defaultsAreThoseOfTheSpec() {
        Options o = Options.defaults();
        assertEquals(Duration.ofSeconds(60), o.interval());
        assertNull(o.report());
        assertFalse(o.failOnLeak());
        assertEquals(Duration.ofSeconds(30), o.closeWaitAfter());
        assertEquals(0.8, o.warnAt());
        assertEquals(List.of(), o.exclude());
        assertNull(o.timeWait(), "timeWait is read from the OS unless given");
        assertNull(o.portRange(), "portRange is read from the OS unless given");
        assertTrue(o.jmx());
        assertEquals("stderr", o.log());
        assertTrue(o.maxTracked() > 0);
    }

    @Test
    void noAgentArgumentsAndEmptyAgentArgumentsBothGiveTheDefaults() throws Exception {
        assertEquals(Options.defaults(), fromArgs(null));
        assertEquals(Options.defaults(), fromArgs(""));
        assertEquals(Options.defaults(), fromArgs(" , ,"));
    }

    // ---- precedence -----------------------------------------------------------------------------

    @Test
    void agentArgumentWinsOverSystemProperty() throws Exception {
        Options o = Options.parse("interval=10s", Map.of("socketleak.interval", "20s"), NONE);
        assertEquals(Duration.ofSeconds(10), o.interval());
    }

    @Test
    void agentArgumentWinsOverEnvironmentVariable() throws Exception {
        Options o = Options.parse("closeWaitAfter=5s", NONE, Map.of("SOCKETLEAK_CLOSE_WAIT_AFTER", "7s"));
        assertEquals(Duration.ofSeconds(5), o.closeWaitAfter());
    }

    @Test
    void systemPropertyWinsOverEnvironmentVariable() throws Exception {
        Options o = Options.parse(null, Map.of("socketleak.warnAt", "0.5"), Map.of("SOCKETLEAK_WARN_AT", "0.9"));
        assertEquals(0.5, o.warnAt());
    }

    @Test
    void environmentVariableIsUsedWhenNothingElseGivesTheKey() throws Exception {
        Options o = Options.parse(null, NONE, Map.of("SOCKETLEAK_INTERVAL", "2m"));
        assertEquals(Duration.ofMinutes(2), o.interval());
    }

    @Test
    void precedenceIsDecidedKeyByKey() throws Exception {
        Options o = Options.parse("interval=1s",
                Map.of("socketleak.closeWaitAfter", "2s", "socketleak.interval", "9s"),
                Map.of("SOCKETLEAK_WARN_AT", "0.3", "SOCKETLEAK_CLOSE_WAIT_AFTER", "9s", "SOCKETLEAK_INTERVAL", "9s"));
        assertEquals(Duration.ofSeconds(1), o.interval());
        assertEquals(Duration.ofSeconds(2), o.closeWaitAfter());
        assertEquals(0.3, o.warnAt());
    }

    @Test
    void aBadSystemPropertyIsNeverReadWhenAnAgentArgumentGivesTheKey() throws Exception {
        Options o = Options.parse("interval=10s", Map.of("socketleak.interval", "abc"), NONE);
        assertEquals(Duration.ofSeconds(10), o.interval());
    }

    @Test
    void aBadEnvironmentVariableIsNeverReadWhenASystemPropertyGivesTheKey() throws Exception {
        Options o = Options.parse(null, Map.of("socketleak.jmx", "false"), Map.of("SOCKETLEAK_JMX", "perhaps"));
        assertFalse(o.jmx());
    }

    @Test
    void anEmptySystemPropertyStillCountsAsGivenAndIsNotReplacedByTheEnvironment() {
        BadOptionException e = assertThrows(BadOptionException.class,
                () -> Options.parse(null, Map.of("socketleak.log", ""), Map.of("SOCKETLEAK_LOG", "/tmp/x.log")));
        assertTrue(e.getMessage().contains("'log='"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "interval, SOCKETLEAK_INTERVAL",
        "report, SOCKETLEAK_REPORT",
        "failOnLeak, SOCKETLEAK_FAIL_ON_LEAK",
        "closeWaitAfter, SOCKETLEAK_CLOSE_WAIT_AFTER",
        "warnAt, SOCKETLEAK_WARN_AT",
        "exclude, SOCKETLEAK_EXCLUDE",
        "timeWait, SOCKETLEAK_TIME_WAIT",
        "portRange, SOCKETLEAK_PORT_RANGE",
        "jmx, SOCKETLEAK_JMX",
        "log, SOCKETLEAK_LOG",
        "maxTracked, SOCKETLEAK_MAX_TRACKED"})
    void environmentNamesAreTheKeyInUpperSnakeCase(String key, String variable) {
        Options.Key k = Options.Key.named(key);
        assertEquals(variable, k.environmentName());
        assertEquals("socketleak." + key, k.propertyName());
    }

    @Test
    void everyKeyCanComeFromTheEnvironment() throws Exception {
        Options o = Options.parse(null, NONE, Map.ofEntries(
                Map.entry("SOCKETLEAK_INTERVAL", "5s"),
                Map.entry("SOCKETLEAK_REPORT", "/tmp/report.json"),
                Map.entry("SOCKETLEAK_FAIL_ON_LEAK", "true"),
                Map.entry("SOCKETLEAK_CLOSE_WAIT_AFTER", "1m"),
                Map.entry("SOCKETLEAK_WARN_AT", "0.5"),
                Map.entry("SOCKETLEAK_EXCLUDE", "com.acme.pool"),
                Map.entry("SOCKETLEAK_TIME_WAIT", "30s"),
                Map.entry("SOCKETLEAK_PORT_RANGE", "10000-20000"),
                Map.entry("SOCKETLEAK_JMX", "false"),
                Map.entry("SOCKETLEAK_LOG", "/tmp/agent.log"),
                Map.entry("SOCKETLEAK_MAX_TRACKED", "42")));
        assertEquals(new Options(Duration.ofSeconds(5), "/tmp/report.json", true, Duration.ofMinutes(1), 0.5,
                List.of("com.acme.pool"), Duration.ofSeconds(30), new PortRange(10000, 20000), false,
                "/tmp/agent.log", 42), o);
    }

    @Test
    void theStartupKeyIsGoneEverySocketIsTrackedFromTheStart() {
        BadOptionException e = assertThrows(BadOptionException.class,
                () -> Options.parse("startup=blocking", Map.of(), NONE));
        assertTrue(e.getMessage().startsWith("unknown option 'startup=blocking'"), e.getMessage());
    }

    @Test
    void everyKeyCanComeFromSystemProperties() throws Exception {
        Options o = Options.parse(null, Map.ofEntries(
                Map.entry("socketleak.interval", "0"),
                Map.entry("socketleak.report", "out.json"),
                Map.entry("socketleak.failOnLeak", "true"),
                Map.entry("socketleak.closeWaitAfter", "500ms"),
                Map.entry("socketleak.warnAt", "1"),
                Map.entry("socketleak.exclude", "a.b"),
                Map.entry("socketleak.timeWait", "2m"),
                Map.entry("socketleak.portRange", "32768\t60999"),
                Map.entry("socketleak.jmx", "false"),
                Map.entry("socketleak.log", "agent.log"),
                Map.entry("socketleak.maxTracked", "7")), NONE);
        assertEquals(new Options(Duration.ZERO, "out.json", true, Duration.ofMillis(500), 1.0, List.of("a.b"),
                Duration.ofMinutes(2), new PortRange(32768, 60999), false, "agent.log", 7), o);
    }

    @Test
    void systemPropertiesAreReadFromARealPropertiesObject() throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("socketleak.failOnLeak", "true");
        assertTrue(Options.parse(null, props, NONE).failOnLeak());
    }

    @Test
    void camelCaseEnvironmentNamesAreNotRead() throws Exception {
        Options o = Options.parse(null, NONE, Map.of("SOCKETLEAK_CLOSEWAITAFTER", "1s", "SOCKETLEAK_closeWaitAfter", "1s"));
        assertEquals(Duration.ofSeconds(30), o.closeWaitAfter());
    }

    // ---- agent argument syntax --------------------------------------------------------------------

    @Test
    void severalAgentArgumentsAreSeparatedByCommasWithBlanksIgnored() throws Exception {
        Options o = fromArgs(" interval = 5s , jmx = false ,failOnLeak=true");
        assertEquals(Duration.ofSeconds(5), o.interval());
        assertFalse(o.jmx());
        assertTrue(o.failOnLeak());
    }

    @Test
    void aValueMayContainAnEqualsSign() throws Exception {
        assertEquals("/tmp/a=b.json", fromArgs("report=/tmp/a=b.json").report());
    }

    @Test
    void percentPInTheReportPathIsThisJvmsPid() throws Exception {
        long pid = ProcessHandle.current().pid();
        assertEquals("/tmp/r-" + pid + ".json", fromArgs("report=/tmp/r-%p.json").report());
        assertEquals("/tmp/" + pid + "/r-" + pid + ".html", fromArgs("report=/tmp/%p/r-%p.html").report());
        assertEquals("/tmp/r-" + pid + ".json", Options.parse(null, Map.of("socketleak.report", "/tmp/r-%p.json"),
                NONE).report(), "from a property too");
        assertEquals("/tmp/100%-" + pid + ".json", fromArgs("report=/tmp/100%%-%p.json").report(), "%% is a %");
        assertEquals("/tmp/%p.json", fromArgs("report=/tmp/%%p.json").report());
    }

    @ParameterizedTest
    @ValueSource(strings = {"report=/tmp/r-%d.json", "report=/tmp/r-%", "report=/tmp/r-%P.json"})
    void anyOtherPercentInTheReportPathIsABadValueOnOneLine(String arg) {
        String message = rejected(arg).getMessage();
        assertOneLine(message);
        assertEquals("bad option '" + arg + "': expected a file path, where %p stands for the pid and %% for %",
                message);
    }

    @Test
    void aReportPathChangedAtRunTimeHasItsPercentPReplacedAndTheAnswerSaysTheFile() throws Exception {
        long pid = ProcessHandle.current().pid();
        Options.Change change = Options.defaults().with("report=/tmp/r-%p.json,interval=5s");
        assertEquals("/tmp/r-" + pid + ".json", change.options().report());
        assertEquals(List.of("report=/tmp/r-" + pid + ".json", "interval=5s"), change.applied());
        BadOptionException e = assertThrows(BadOptionException.class, () -> Options.checkChange("report=/tmp/%x"));
        assertEquals("bad option 'report=/tmp/%x': expected a file path, where %p stands for the pid and %% for %",
                e.getMessage());
    }

    @Test
    void intervalZeroTurnsTheSummaryOff() throws Exception {
        assertTrue(fromArgs("interval=0").interval().isZero());
    }

    @ParameterizedTest
    @CsvSource({"true, true", "TRUE, true", "false, false", "False, false"})
    void booleansAreTrueOrFalseInAnyCase(String text, boolean expected) throws Exception {
        assertEquals(expected, fromArgs("failOnLeak=" + text).failOnLeak());
        assertEquals(expected, fromArgs("jmx=" + text).jmx());
    }

    /** The message says "expected true or false": it accepts nothing else. */
    @ParameterizedTest
    @ValueSource(strings = {"yes", "on", "no", "off", "1", "0"})
    void booleansRefuseWhatTheirMessageDoesNotOffer(String text) {
        BadOptionException e = assertThrows(BadOptionException.class, () -> fromArgs("jmx=" + text));
        assertEquals("bad option 'jmx=" + text + "': expected true or false", e.getMessage());
    }

    @Test
    void durationOptionsAcceptEveryDurationForm() throws Exception {
        assertEquals(Duration.ofMillis(500), fromArgs("interval=500ms").interval());
        assertEquals(Duration.ofMinutes(5), fromArgs("closeWaitAfter=5m").closeWaitAfter());
        assertEquals(Duration.ofHours(1), fromArgs("interval=1h").interval());
        assertEquals(Duration.ofSeconds(90), fromArgs("timeWait=90").timeWait());
        assertEquals(Duration.ofMillis(2500), fromArgs("closeWaitAfter=2.5").closeWaitAfter());
    }

    @Test
    void portRangeAcceptsTheKernelsTabSeparatedForm() throws Exception {
        Options o = Options.parse(null, NONE, Map.of("SOCKETLEAK_PORT_RANGE", "32768\t60999\n"));
        assertEquals(new PortRange(32768, 60999), o.portRange());
    }

    // ---- exclude ----------------------------------------------------------------------------------

    @Test
    void excludeMayBeGivenSeveralTimesAsAgentArguments() throws Exception {
        assertEquals(List.of("com.acme.pool", "org.example.Health.check"),
                fromArgs("exclude=com.acme.pool,interval=5s,exclude=org.example.Health.check").exclude());
    }

    @Test
    void excludeIsACommaListInASystemProperty() throws Exception {
        Options o = Options.parse(null, Map.of("socketleak.exclude", "com.a, com.b,,com.c "), NONE);
        assertEquals(List.of("com.a", "com.b", "com.c"), o.exclude());
    }

    @Test
    void excludeIsACommaListInTheEnvironment() throws Exception {
        Options o = Options.parse(null, NONE, Map.of("SOCKETLEAK_EXCLUDE", "com.a,com.b"));
        assertEquals(List.of("com.a", "com.b"), o.exclude());
    }

    @Test
    void excludeFromAgentArgumentsReplacesExcludeFromPropertiesAndEnvironment() throws Exception {
        Options o = Options.parse("exclude=com.arg", Map.of("socketleak.exclude", "com.prop"),
                Map.of("SOCKETLEAK_EXCLUDE", "com.env"));
        assertEquals(List.of("com.arg"), o.exclude());
    }

    @Test
    void theExcludeListCannotBeChangedAfterParsing() throws Exception {
        List<String> exclude = fromArgs("exclude=com.a").exclude();
        assertThrows(UnsupportedOperationException.class, () -> exclude.add("com.b"));
    }

    // ---- errors -----------------------------------------------------------------------------------

    @Test
    void aBadDurationGivesTheSpecsExactMessage() {
        assertEquals("bad option 'interval=abc': expected a duration like 30s", rejected("interval=abc").getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "interval=abc          | duration",
        "interval=-5s          | duration",
        "interval=             | duration",
        "closeWaitAfter=soon   | duration",
        "timeWait=forever      | duration",
        "failOnLeak=maybe      | true or false",
        "jmx=perhaps           | true or false",
        "warnAt=1.5            | fraction",
        "warnAt=0              | fraction",
        "warnAt=-0.1           | fraction",
        "warnAt=abc            | fraction",
        "warnAt=NaN            | fraction",
        "portRange=60999-32768 | port",
        "portRange=0-1024      | port",
        "portRange=1024-70000  | port",
        "portRange=32768       | port",
        "portRange=low-high    | port",
        "maxTracked=0          | number",
        "maxTracked=-5         | number",
        "maxTracked=lots       | number",
        "maxTracked=1.5        | number",
        "maxTracked=99999999999 | number",
        "log=                  | file path",
        "report=               | file path",
        "exclude=              | prefix"})
    void aBadValueNamesTheKeyAndValueAndTheExpectedFormOnOneLine(String arg, String form) {
        String message = rejected(arg).getMessage();
        assertOneLine(message);
        assertTrue(message.startsWith("bad option '" + arg + "': expected "), message);
        assertTrue(message.contains(form), message);
    }

    @Test
    void timeWaitOfZeroIsRejected() {
        String message = rejected("timeWait=0").getMessage();
        assertOneLine(message);
        assertTrue(message.startsWith("bad option 'timeWait=0': expected "), message);
        assertTrue(message.contains("duration"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"timeWait=0s", "timeWait=0ms", "timeWait=0.0"})
    void aZeroTimeWaitIsReportedWithTheValueAsWritten(String arg) {
        String message = rejected(arg).getMessage();
        assertTrue(message.startsWith("bad option '" + arg + "': expected "), message);
    }

    @Test
    void aBadValueFromASystemPropertyNamesTheKeyAndValue() {
        BadOptionException e = assertThrows(BadOptionException.class,
                () -> Options.parse(null, Map.of("socketleak.interval", "abc"), NONE));
        assertEquals("bad option 'interval=abc' (from system property socketleak.interval): expected a duration "
                + "like 30s", e.getMessage());
    }

    @Test
    void aBadValueFromTheEnvironmentNamesTheKeyAndValue() {
        BadOptionException e = assertThrows(BadOptionException.class,
                () -> Options.parse(null, NONE, Map.of("SOCKETLEAK_FAIL_ON_LEAK", "sometimes")));
        assertOneLine(e.getMessage());
        assertEquals("bad option 'failOnLeak=sometimes' (from environment variable SOCKETLEAK_FAIL_ON_LEAK): "
                + "expected true or false", e.getMessage());
    }

    @Test
    void aValueWithALineBreakStillGivesAOneLineMessage() {
        BadOptionException e = assertThrows(BadOptionException.class,
                () -> Options.parse(null, NONE, Map.of("SOCKETLEAK_INTERVAL", "5s\nrm -rf")));
        assertOneLine(e.getMessage());
    }

    @Test
    void anUnknownKeyIsNamedAndTheValidKeysListed() {
        String message = rejected("colour=red").getMessage();
        assertOneLine(message);
        assertTrue(message.contains("'colour=red'"), message);
        for (String key : List.of("interval", "report", "failOnLeak", "closeWaitAfter", "warnAt", "exclude",
                "timeWait", "portRange", "jmx", "log")) {
            assertTrue(message.contains(key), () -> key + " missing from: " + message);
        }
    }

    @Test
    void keysAreCaseSensitive() {
        assertTrue(rejected("Interval=5s").getMessage().contains("'Interval=5s'"));
    }

    @Test
    void aKeyWithoutAValueIsRejectedNamingTheKeyAndTheExpectedForm() {
        String message = rejected("failOnLeak").getMessage();
        assertOneLine(message);
        assertTrue(message.contains("'failOnLeak'"), message);
        assertTrue(message.contains("true or false"), message);
    }

    @Test
    void aSingleValuedKeyGivenTwiceIsRejected() {
        String message = rejected("interval=5s,interval=10s").getMessage();
        assertOneLine(message);
        assertTrue(message.contains("interval"), message);
        assertTrue(message.contains("2 times"), message);
    }

    @Test
    void everyKeyNamedInTheSpecIsKnown() {
        for (String key : List.of("interval", "report", "failOnLeak", "closeWaitAfter", "warnAt", "exclude",
                "timeWait", "portRange", "jmx", "log")) {
            assertEquals(key, Options.Key.named(key).optionName());
        }
        assertNull(Options.Key.named("colour"));
    }

    // ---- failOnLeak asked for, whatever else is wrong --------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"failOnLeak=true", "failOnLeak=1", "failOnLeak=yes", "failOnLeak",
        "closeWaitAfter=2x,failOnLeak=true", "badKey=1, failOnLeak = true", "failOnLeak=true,failOnLeak=true"})
    void failOnLeakCountsAsAskedForInAnyFormButFalse(String agentArgs) {
        assertTrue(Options.failOnLeakAsked(agentArgs, Map.of(), NONE), agentArgs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "failOnLeak=false", "failOnLeak=FALSE", "interval=abc", "failOnLeakX=true"})
    void failOnLeakIsNotAskedForWhenAbsentOrFalse(String agentArgs) {
        assertFalse(Options.failOnLeakAsked(agentArgs, Map.of(), NONE), agentArgs);
    }

    @Test
    void failOnLeakCanBeAskedForByPropertyOrEnvironment() {
        assertTrue(Options.failOnLeakAsked(null, Map.of("socketleak.failOnLeak", "true"), NONE));
        assertTrue(Options.failOnLeakAsked(null, Map.of(), Map.of("SOCKETLEAK_FAIL_ON_LEAK", "on")));
        assertFalse(Options.failOnLeakAsked(null, Map.of("socketleak.failOnLeak", "false"),
                Map.of("SOCKETLEAK_FAIL_ON_LEAK", "true")), "the property comes first");
        assertFalse(Options.failOnLeakAsked("failOnLeak=false", Map.of("socketleak.failOnLeak", "true"), NONE),
                "the arguments come first");
    }

    // ---- changes at run time ---------------------------------------------------------------------

    @Test
    void aRunningAgentTakesNewValuesForTheChangeableKeysAndKeepsTheRest() throws Exception {
        Options running = fromArgs("interval=10s,maxTracked=500,exclude=com.acme.pool");
        Options.Change change = running.with("interval=2s,warnAt=0.5,closeWaitAfter=3s,log=/tmp/agent.log,"
                + "report=/tmp/r.json");
        Options next = change.options();
        assertEquals(Duration.ofSeconds(2), next.interval());
        assertEquals(0.5, next.warnAt());
        assertEquals(Duration.ofSeconds(3), next.closeWaitAfter());
        assertEquals("/tmp/agent.log", next.log());
        assertEquals("/tmp/r.json", next.report());
        assertEquals(500, next.maxTracked(), "not given: unchanged");
        assertEquals(List.of("com.acme.pool"), next.exclude());
        assertEquals(List.of("interval=2s", "warnAt=0.5", "closeWaitAfter=3s", "log=/tmp/agent.log",
                "report=/tmp/r.json"), change.applied());
        assertEquals(running.with("warnAt=0.9").options().interval(), Duration.ofSeconds(10),
                "a key not given keeps the running value, not the default");
    }

    @Test
    void aKeyFixedAtStartIsRefusedByNameAndNothingChanges() {
        BadOptionException e = assertThrows(BadOptionException.class,
                () -> Options.defaults().with("interval=2s,maxTracked=5,exclude=com.acme"));
        assertEquals("maxTracked, exclude are fixed at start and cannot change in a running agent (restart the JVM "
                + "with it); these can: interval, report, closeWaitAfter, warnAt, log", e.getMessage());
    }

    @Test
    void aBadValueInAChangeIsRefusedWithItsForm() {
        BadOptionException e = assertThrows(BadOptionException.class, () -> Options.checkChange("interval=xyz"));
        assertEquals("bad option 'interval=xyz': expected a duration like 30s", e.getMessage());
    }
}
