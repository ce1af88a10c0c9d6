package io.runcell.core.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A blocked-command list: rules (see {@link BlockRule} for the file syntax) checked against what a command
 * would run, as seen by {@link ShellAnalysis}. The default list ships as the resource
 * {@code io/runcell/core/policy/blocked-commands.rules}; an operator may replace it with a file.
 *
 * <p>Immutable and thread-safe.
 */
public final class BlockedCommands {

    /** Rule id reported when the text nests deeper than the analysis follows (fail closed). */
    public static final String TOO_DEEP = "policy.too-deep";

    static final String DEFAULT_RESOURCE = "/io/runcell/core/policy/blocked-commands.rules";

    private final List<BlockRule> rules;

    private BlockedCommands(List<BlockRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The list shipped with Runcell. */
    public static BlockedCommands defaults() {
        try (InputStream in = BlockedCommands.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
            }
            return parse(DEFAULT_RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a rule file; throws IllegalArgumentException naming the file and line of a bad rule. */
    public static BlockedCommands load(Path file) {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the blocked-command rules " + file, e);
        }
    }

    /** Parses rule text; {@code source} names it in error messages. */
    public static BlockedCommands parse(String source, String text) {
        List<BlockRule> rules = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int hash = line.indexOf(" #");
            if (line.strip().startsWith("#")) {
                continue;
            }
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            if (line.isBlank()) {
                continue;
            }
            try {
                rules.add(BlockRule.parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + " line " + (n + 1) + ": " + e.getMessage(), e);
            }
        }
        return new BlockedCommands(rules);
    }

    public int size() {
        return rules.size();
    }

    /** The id of the first rule {@code commandText} (shell text) hits, or empty if it may run. */
    public Optional<String> firstHit(String commandText) {
        ShellAnalysis analysis = ShellAnalysis.of(commandText);
        if (analysis.tooDeep()) {
            return Optional.of(TOO_DEEP);
        }
        return firstHit(commandText, analysis);
    }

    /** The id of the first rule the command {@code argv} (run without a shell) hits, or empty. */
    public Optional<String> firstHit(List<String> argv) {
        ShellAnalysis analysis = ShellAnalysis.ofArgv(argv);
        if (analysis.tooDeep()) {
            return Optional.of(TOO_DEEP);
        }
        return firstHit(String.join(" ", argv), analysis);
    }

    private Optional<String> firstHit(String text, ShellAnalysis analysis) {
        for (BlockRule rule : rules) {
            if (rule.matches(text, analysis)) {
                return Optional.of(rule.id());
            }
        }
        return Optional.empty();
    }
}
