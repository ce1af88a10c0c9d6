package io.runcell.core.policy;

import io.runcell.core.policy.ShellAnalysis.SimpleCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One rule of a blocked-command list. A rule hits when one simple command of the analysed text meets all of its
 * command conditions, or when the text meets its text condition.
 *
 * <p>Rule file syntax, one rule per line ({@code #} starts a comment):
 * <pre>
 *   &lt;id&gt; &lt;condition&gt; [&lt;condition&gt;...]
 *   program=GLOBS    the program's basename (after sudo/env/... and /sbin/ are stripped)
 *   arg=GLOBS        some argument
 *   flag=NAMES       an option: single letters match inside clusters (-rf), longer names match --name
 *   redirect=GLOBS   the target of some output redirection (&gt; &gt;&gt; &amp;&gt;)
 *   regex=REGEX      the raw text (Java regex, searched; use \s instead of spaces)
 *   builtin=fork-bomb  a function that calls itself in a pipe or in the background
 * </pre>
 * GLOBS is a {@code |}-separated list of shell globs ({@code *}, {@code ?}, {@code [..]}; {@code \*} is a literal
 * star); an entry starting with {@code !} excludes values ({@code of=/dev/*|!of=/dev/null}). Paths are compared
 * after collapsing {@code //} and {@code /./}.
 */
record BlockRule(String id, List<Condition> conditions) {

    BlockRule {
        conditions = List.copyOf(conditions);
    }

    /** One condition of a rule. */
    sealed interface Condition permits Program, Arg, Flag, Redirect, Regex, ForkBomb {}

    record Program(Globs globs) implements Condition {}

    record Arg(Globs globs) implements Condition {}

    record Flag(List<String> names) implements Condition {}

    record Redirect(Globs globs) implements Condition {}

    record Regex(Pattern pattern) implements Condition {}

    record ForkBomb() implements Condition {}

    boolean matches(String text, ShellAnalysis analysis) {
        List<Condition> perCommand = new ArrayList<>();
        for (Condition c : conditions) {
            switch (c) {
                case Regex r -> {
                    if (!r.pattern().matcher(text).find()) {
                        return false;
                    }
                }
                case ForkBomb f -> {
                    if (analysis.functions().stream()
                            .noneMatch(fn -> fn.forks() && fn.calls().contains(fn.name()))) {
                        return false;
                    }
                }
                case Program p -> perCommand.add(p);
                case Arg a -> perCommand.add(a);
                case Flag f -> perCommand.add(f);
                case Redirect r -> perCommand.add(r);
            }
        }
        if (perCommand.isEmpty()) {
            return true;
        }
        return analysis.commands().stream().anyMatch(cmd -> perCommand.stream().allMatch(c -> holds(c, cmd)));
    }

    private static boolean holds(Condition c, SimpleCommand cmd) {
        return switch (c) {
            case Program p -> p.globs().matches(cmd.program());
            case Arg a -> cmd.args().stream().anyMatch(a.globs()::matches);
            case Flag f -> cmd.args().stream().anyMatch(arg -> hasFlag(arg, f.names()));
            case Redirect r -> cmd.redirects().stream().anyMatch(r.globs()::matches);
            case Regex r -> true;
            case ForkBomb f -> true;
        };
    }

    private static boolean hasFlag(String arg, List<String> names) {
        if (arg.startsWith("--")) {
            String name = arg.substring(2);
            int eq = name.indexOf('=');
            String bare = eq >= 0 ? name.substring(0, eq) : name;
            return names.stream().anyMatch(n -> n.length() > 1 && n.equals(bare));
        }
        if (arg.startsWith("-") && arg.length() > 1) {
            return names.stream().anyMatch(n -> n.length() == 1 && arg.indexOf(n.charAt(0), 1) > 0);
        }
        return false;
    }

    /** Parses one rule line; throws IllegalArgumentException naming what is wrong. */
    static BlockRule parse(String line) {
        String[] parts = line.strip().split("\\s+");
        if (parts.length < 2) {
            throw new IllegalArgumentException("a rule needs an id and at least one condition");
        }
        List<Condition> conditions = new ArrayList<>();
        for (int k = 1; k < parts.length; k++) {
            String part = parts[k];
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                throw new IllegalArgumentException("expected key=value, got '" + part + "'");
            }
            String key = part.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1);
            conditions.add(
                    switch (key) {
                        case "program" -> new Program(Globs.parse(value));
                        case "arg" -> new Arg(Globs.parse(value));
                        case "flag" -> new Flag(List.of(value.split("\\|")));
                        case "redirect" -> new Redirect(Globs.parse(value));
                        case "regex" -> new Regex(Pattern.compile(value));
                        case "builtin" -> {
                            if (!value.equals("fork-bomb")) {
                                throw new IllegalArgumentException("unknown builtin '" + value + "'");
                            }
                            yield new ForkBomb();
                        }
                        default -> throw new IllegalArgumentException("unknown condition '" + key + "'");
                    });
        }
        return new BlockRule(parts[0], conditions);
    }

    /** A set of globs with exclusions. */
    record Globs(List<Pattern> include, List<Pattern> exclude) {

        static Globs parse(String value) {
            List<Pattern> include = new ArrayList<>();
            List<Pattern> exclude = new ArrayList<>();
            for (String g : value.split("\\|")) {
                if (g.startsWith("!")) {
                    exclude.add(glob(g.substring(1)));
                } else if (!g.isEmpty()) {
                    include.add(glob(g));
                }
            }
            if (include.isEmpty()) {
                throw new IllegalArgumentException("no positive glob in '" + value + "'");
            }
            return new Globs(List.copyOf(include), List.copyOf(exclude));
        }

        boolean matches(String value) {
            return include.stream().anyMatch(p -> p.matcher(value).matches())
                    && exclude.stream().noneMatch(p -> p.matcher(value).matches());
        }

        static Pattern glob(String glob) {
            StringBuilder re = new StringBuilder();
            for (int k = 0; k < glob.length(); k++) {
                char c = glob.charAt(k);
                switch (c) {
                    case '*' -> re.append(".*");
                    case '?' -> re.append('.');
                    case '\\' -> {
                        if (k + 1 < glob.length()) {
                            re.append(Pattern.quote(String.valueOf(glob.charAt(++k))));
                        }
                    }
                    case '[' -> {
                        int end = glob.indexOf(']', k + 1);
                        if (end < 0) {
                            re.append("\\[");
                        } else {
                            re.append('[').append(glob, k + 1, end).append(']');
                            k = end;
                        }
                    }
                    default -> re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(re.toString(), Pattern.DOTALL);
        }
    }
}
